package dev.reliant.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.simd.ConvShape;
import dev.reliant.simd.Parallel;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConvLinearBackwardTest {

    /** Weights uniform in ±1/√fan_in (PyTorch's default scale), so outputs stay of order 1. */
    private static void randomize(Op op, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Parameter p : op.parameters()) {
            int fanIn = p.rank() > 1 ? p.numel() / p.shape()[0] : p.numel();
            double bound = 1 / Math.sqrt(fanIn);
            float[] d = p.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            }
            p.markChanged();
        }
    }

    private static Conv2d conv(ConvShape shape, boolean bias) {
        Conv2d c = Conv2d.create("conv", shape, bias);
        randomize(c, shape.toString().hashCode());
        return c;
    }

    static Stream<Arguments> convolutions() {
        return Stream.of(
                Arguments.of("3x3 pad 1 with bias", new ConvShape(3, 6, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1), true),
                Arguments.of("3x3 pad 1 without bias", new ConvShape(3, 6, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1), false),
                Arguments.of("stride 2", new ConvShape(4, 7, 7, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1), true),
                Arguments.of("padding 2, no bias", new ConvShape(2, 5, 6, 3, 3, 3, 1, 1, 2, 2, 1, 1, 1), false),
                Arguments.of("groups 2", new ConvShape(4, 6, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2), true),
                Arguments.of("depthwise", new ConvShape(5, 6, 6, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5), true),
                Arguments.of("depthwise stride 2", new ConvShape(5, 7, 7, 5, 3, 3, 2, 2, 1, 1, 1, 1, 5), false),
                Arguments.of("dilation 2", new ConvShape(3, 7, 7, 4, 3, 3, 1, 1, 2, 2, 2, 2, 1), true),
                Arguments.of("1x1 stride 2", new ConvShape(6, 6, 6, 8, 1, 1, 2, 2, 0, 0, 1, 1, 1), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convolutions")
    void conv2dGradientsMatchFiniteDifferences(String name, ConvShape shape, boolean bias) {
        for (int batch : new int[] {1, 3}) {
            new OpGradientCheck(conv(shape, bias), batch, 17 + batch).check();
        }
    }

    @Test
    void linearGradientsMatchFiniteDifferences() {
        for (boolean bias : new boolean[] {true, false}) {
            for (int batch : new int[] {1, 3}) {
                Linear linear = Linear.create("fc", 13, 7, bias);
                randomize(linear, batch);
                new OpGradientCheck(linear, batch, 31 + batch).check();
            }
        }
    }

    /** Backward once into zeroed accumulators and return [gradInput, gradParameter 0, 1, …]. */
    private static float[][] gradients(Op op, int batch, long seed, float[][] accumulators) {
        SplittableRandom rng = new SplittableRandom(seed);
        BackwardContext ctx = new BackwardContext();
        ctx.inputs = new float[][] {uniform(rng, batch * op.inputSize(0))};
        ctx.inputOffsets = new int[1];
        ctx.batch = batch;
        ctx.output = new float[batch * op.outputSize()];
        op.forward(ctx.inputs, ctx.inputOffsets, batch, ctx.output, 0);
        ctx.gradOutput = uniform(rng, batch * op.outputSize());
        List<Parameter> params = op.parameters();
        ctx.gradInputs = new float[][] {accumulators[0]};
        ctx.gradInputOffsets = new int[1];
        ctx.gradParameters = new float[params.size()][];
        for (int j = 0; j < params.size(); j++) {
            ctx.gradParameters[j] = accumulators[j + 1];
        }
        op.backward(ctx);
        return accumulators;
    }

    private static float[][] zeroAccumulators(Op op, int batch) {
        List<Parameter> params = op.parameters();
        float[][] acc = new float[params.size() + 1][];
        acc[0] = new float[batch * op.inputSize(0)];
        for (int j = 0; j < params.size(); j++) {
            acc[j + 1] = new float[params.get(j).numel()];
        }
        return acc;
    }

    private static float[] uniform(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return a;
    }

    static Stream<Arguments> operators() {
        return Stream.of(
                Arguments.of("conv 3x3", conv(new ConvShape(16, 10, 10, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1), true)),
                Arguments.of("conv stride 2 groups 2", conv(new ConvShape(8, 9, 9, 12, 3, 3, 2, 2, 1, 1, 1, 1, 2), true)),
                Arguments.of("depthwise", conv(new ConvShape(16, 10, 10, 16, 3, 3, 1, 1, 1, 1, 1, 1, 16), true)),
                Arguments.of("linear", linear()));
    }

    private static Linear linear() {
        Linear l = Linear.create("fc", 40, 10, true);
        randomize(l, 3);
        return l;
    }

    /** A second backward adds the same amount again: the result is twice the first, up to one rounding. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("operators")
    void secondBackwardAddsTheSameAmountAgain(String name, Op op) {
        float[][] once = gradients(op, 3, 5, zeroAccumulators(op, 3));
        float[][] twice = gradients(op, 3, 5, gradients(op, 3, 5, zeroAccumulators(op, 3)));
        for (int a = 0; a < once.length; a++) {
            assertThat(once[a]).as("accumulator %d is not all zero", a).isNotEqualTo(new float[once[a].length]);
            for (int i = 0; i < once[a].length; i++) {
                // x + x is exact in binary floating point.
                assertThat(twice[a][i]).as("accumulator %d value %d", a, i).isEqualTo(2 * once[a][i]);
            }
        }
    }

    /** Thread counts 1 and 2 give bit-identical gradients. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("operators")
    void gradientsDoNotDependOnTheThreadCount(String name, Op op) {
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[][] one = gradients(op, 4, 9, zeroAccumulators(op, 4));
            Parallel.setThreads(2);
            float[][] two = gradients(op, 4, 9, zeroAccumulators(op, 4));
            for (int a = 0; a < one.length; a++) {
                for (int i = 0; i < one[a].length; i++) {
                    assertThat(Float.floatToRawIntBits(two[a][i])).as("accumulator %d value %d", a, i)
                            .isEqualTo(Float.floatToRawIntBits(one[a][i]));
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /** After a weight change, the input gradient uses the new weights (the arranged copy is refreshed). */
    @Test
    void conv2dInputGradientFollowsWeightChanges() {
        ConvShape shape = new ConvShape(4, 6, 6, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        Conv2d used = conv(shape, false);
        gradients(used, 2, 1, zeroAccumulators(used, 2));
        used.weight().data()[7] += 0.5f;
        used.weight().markChanged();
        Conv2d fresh = Conv2d.create("conv", shape, false);
        System.arraycopy(used.weight().data(), 0, fresh.weight().data(), 0, shape.weightCount());
        fresh.weight().markChanged();
        float[] viaUpdate = gradients(used, 2, 1, zeroAccumulators(used, 2))[0];
        float[] viaFresh = gradients(fresh, 2, 1, zeroAccumulators(fresh, 2))[0];
        for (int i = 0; i < viaFresh.length; i++) {
            assertThat(viaUpdate[i]).as("input gradient %d", i).isEqualTo(viaFresh[i]);
        }
    }

    /** Null accumulators are skipped: a frozen layer's backward gives only the input gradient. */
    @Test
    void nullAccumulatorsAreLeftOut() {
        Conv2d c = conv(new ConvShape(3, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1), true);
        float[][] all = gradients(c, 2, 4, zeroAccumulators(c, 2));
        float[][] onlyInput = zeroAccumulators(c, 2);
        onlyInput[1] = null;
        onlyInput[2] = null;
        float[] gradIn = gradients(c, 2, 4, onlyInput)[0];
        for (int i = 0; i < gradIn.length; i++) {
            assertThat(gradIn[i]).isEqualTo(all[0][i]);
        }
    }
}
