package dev.reliant.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.reliant.simd.ConvShape;
import dev.reliant.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each operator against a plain double-precision reference on small shapes. */
class OpsTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(42);

    private static float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (RANDOM.nextDouble() * 2 - 1);
        }
        return a;
    }

    private static void fill(Parameter p) {
        System.arraycopy(random(p.numel()), 0, p.data(), 0, p.numel());
        p.markChanged();
    }

    private static float[] forward(Op op, int batch, float[]... inputs) {
        float[] out = new float[batch * op.outputSize()];
        op.forward(inputs, new int[inputs.length], batch, out, 0);
        return out;
    }

    /** PyTorch Conv2d in double. */
    private static double[] referenceConv(ConvShape s, float[] x, int batch, float[] w, float[] bias) {
        double[] y = new double[batch * s.outputSize()];
        int cinG = s.inChannelsPerGroup();
        int coutG = s.outChannelsPerGroup();
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < s.outChannels; o++) {
                int g = o / coutG;
                for (int oy = 0; oy < s.outHeight; oy++) {
                    for (int ox = 0; ox < s.outWidth; ox++) {
                        double acc = bias == null ? 0 : bias[o];
                        for (int ci = 0; ci < cinG; ci++) {
                            for (int kh = 0; kh < s.kernelHeight; kh++) {
                                for (int kw = 0; kw < s.kernelWidth; kw++) {
                                    int iy = oy * s.strideH - s.padH + kh * s.dilationH;
                                    int ix = ox * s.strideW - s.padW + kw * s.dilationW;
                                    if (iy < 0 || ix < 0 || iy >= s.inHeight || ix >= s.inWidth) {
                                        continue;
                                    }
                                    int c = g * cinG + ci;
                                    acc += (double) w[((o * cinG + ci) * s.kernelHeight + kh) * s.kernelWidth + kw]
                                            * x[((b * s.inChannels + c) * s.inHeight + iy) * s.inWidth + ix];
                                }
                            }
                        }
                        y[((b * s.outChannels + o) * s.outHeight + oy) * s.outWidth + ox] = acc;
                    }
                }
            }
        }
        return y;
    }

    private static void assertClose(float[] actual, double[] expected, double tol) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("element " + i).isCloseTo(expected[i], within(tol));
        }
    }

    private static void assertBitEqual(float[] a, float[] b) {
        assertThat(Tensor.bitEquals(a, 0, b, 0, a.length)).isTrue();
        assertThat(a).hasSameSizeAs(b);
    }

    private static Conv2d conv(ConvShape s, boolean bias) {
        Conv2d c = Conv2d.create("c", s, bias);
        c.parameters().forEach(OpsTest::fill);
        return c;
    }

    private static BatchNorm2d bn(int channels, int h, int w) {
        BatchNorm2d bn = BatchNorm2d.create("bn", new int[] {channels, h, w}, 1e-5);
        bn.parameters().forEach(OpsTest::fill);
        float[] var = bn.runningVar().data();
        for (int c = 0; c < channels; c++) {
            var[c] = Math.abs(var[c]) + 0.1f;
        }
        bn.runningVar().markChanged();
        return bn;
    }

    @Test
    void conv2dWithStridePaddingDilationGroupsAndBias() {
        ConvShape[] shapes = {
            ConvShape.of(3, 9, 7, 5, 3, 1, 1),
            new ConvShape(4, 9, 8, 6, 3, 3, 2, 2, 1, 1, 2, 2, 2),
            ConvShape.grouped(6, 7, 7, 6, 3, 2, 1, 6),
            ConvShape.of(5, 4, 4, 7, 1, 1, 0),
        };
        for (ConvShape s : shapes) {
            for (boolean bias : new boolean[] {false, true}) {
                Conv2d c = conv(s, bias);
                assertThat(c.outputShape()).containsExactly(s.outChannels, s.outHeight, s.outWidth);
                float[] x = random(3 * s.inputSize());
                assertClose(forward(c, 3, x), referenceConv(s, x, 3, c.weight().data(),
                        bias ? c.bias().data() : null), 1e-5);
            }
        }
    }

    @Test
    void conv2dRejectsAWeightOfTheWrongShape() {
        ConvShape s = ConvShape.of(3, 8, 8, 4, 3, 1, 1);
        assertThatThrownBy(() -> new Conv2d(s, Parameter.zeros("conv1.weight", 4, 3, 3), null))
                .hasMessage("conv1.weight: expected shape [4, 3, 3, 3], got [4, 3, 3]");
    }

    @Test
    void foldedConvolutionIsConvolutionThenBatchNormUpToRounding() {
        ConvShape s = ConvShape.of(4, 6, 6, 5, 3, 1, 1);
        for (boolean bias : new boolean[] {false, true}) {
            Conv2d c = conv(s, bias);
            BatchNorm2d bn = bn(5, 6, 6);
            float[] x = random(2 * s.inputSize());
            float[] separate = forward(bn, 2, forward(c, 2, x));
            float[] folded = new float[separate.length];
            c.forwardFolded(bn, x, 0, 2, folded, 0);
            double[] expected = new double[separate.length];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = separate[i];
            }
            assertClose(folded, expected, 1e-5);
        }
    }

    @Test
    void aPatchedWeightGivesTheSameBitsAsARepack() {
        ConvShape s = ConvShape.of(4, 6, 6, 8, 3, 1, 1);
        Conv2d c = conv(s, true);
        BatchNorm2d bn = bn(8, 6, 6);
        float[] x = random(2 * s.inputSize());
        float[] out = new float[2 * s.outputSize()];
        c.forward(new float[][] {x}, new int[1], 2, out, 0);
        c.forwardFolded(bn, x, 0, 2, out, 0);
        var plainBefore = c.prepared(null);
        var foldedBefore = c.prepared(bn);

        c.weight().data()[37] = 5.5f;
        c.elementChanged(c.weight(), 37);
        assertThat(c.prepared(null)).isSameAs(plainBefore); // patched, not rebuilt
        assertThat(c.prepared(bn)).isSameAs(foldedBefore);
        float[] plain = forward(c, 2, x);
        float[] folded = new float[plain.length];
        c.forwardFolded(bn, x, 0, 2, folded, 0);

        Conv2d fresh = new Conv2d(s, c.weight(), c.bias());
        assertBitEqual(plain, forward(fresh, 2, x));
        float[] freshFolded = new float[plain.length];
        fresh.forwardFolded(bn, x, 0, 2, freshFolded, 0);
        assertBitEqual(folded, freshFolded);
    }

    @Test
    void preparedFormsFollowParameterVersions() {
        ConvShape s = ConvShape.of(2, 5, 5, 3, 3, 1, 1);
        Conv2d c = conv(s, true);
        BatchNorm2d bn = bn(3, 5, 5);
        float[] x = random(s.inputSize());
        float[] before = new float[s.outputSize()];
        c.forwardFolded(bn, x, 0, 1, before, 0);
        bn.runningMean().data()[1] += 1f;
        bn.runningMean().markChanged();
        float[] after = new float[s.outputSize()];
        c.forwardFolded(bn, x, 0, 1, after, 0);
        int plane = 25;
        for (int i = 0; i < s.outputSize(); i++) {
            boolean channel1 = i / plane == 1;
            assertThat(after[i] != before[i]).as("element " + i).isEqualTo(channel1);
        }
        Linear fc = Linear.create("fc", 4, 2, true);
        fc.parameters().forEach(OpsTest::fill);
        float[] v = random(4);
        float[] y1 = forward(fc, 1, v);
        fc.bias().data()[0] += 1f;
        fc.bias().markChanged();
        float[] y2 = forward(fc, 1, v);
        assertThat(y2[0]).isNotEqualTo(y1[0]);
        assertThat(y2[1]).isEqualTo(y1[1]);
    }

    @Test
    void batchNormInference() {
        BatchNorm2d bn = bn(3, 2, 2);
        float[] x = random(2 * 12);
        double[] expected = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int c = (i / 4) % 3;
            expected[i] = (x[i] - bn.runningMean().data()[c]) / Math.sqrt(bn.runningVar().data()[c] + 1e-5)
                    * bn.weight().data()[c] + bn.bias().data()[c];
        }
        assertClose(forward(bn, 2, x), expected, 1e-6);
        assertThat(bn.parameters()).extracting(Parameter::name)
                .containsExactly("bn.weight", "bn.bias", "bn.running_mean", "bn.running_var");
        BatchNorm2d fresh = BatchNorm2d.create("b", new int[] {2, 1, 1}, 1e-3);
        assertThat(fresh.weight().data()).containsExactly(1f, 1f);
        assertThat(fresh.runningVar().data()).containsExactly(1f, 1f);
        assertThat(fresh.eps()).isEqualTo(1e-3);
    }

    @Test
    void linear() {
        Linear fc = Linear.create("fc", 5, 3, true);
        fc.parameters().forEach(OpsTest::fill);
        float[] x = random(2 * 5);
        double[] expected = new double[6];
        for (int b = 0; b < 2; b++) {
            for (int o = 0; o < 3; o++) {
                double acc = fc.bias().data()[o];
                for (int i = 0; i < 5; i++) {
                    acc += (double) fc.weight().data()[o * 5 + i] * x[b * 5 + i];
                }
                expected[b * 3 + o] = acc;
            }
        }
        assertClose(forward(fc, 2, x), expected, 1e-6);
        assertThat(Linear.create("nb", 5, 3, false).parameters()).hasSize(1);
        assertThatThrownBy(() -> new Linear(new int[] {2, 3}, Parameter.zeros("fc.weight", 4, 6), null))
                .hasMessageContaining("flatten first");
    }

    @Test
    void activationsAndAdd() {
        int[] shape = {2, 2};
        float[] x = {-1f, 0.5f, 7f, Float.NaN};
        assertThat(forward(new ReLU(shape), 1, x)).containsExactly(0f, 0.5f, 7f, Float.NaN);
        assertThat(forward(new ReLU6(shape), 1, x)).containsExactly(0f, 0.5f, 6f, Float.NaN);
        Add add = new Add(shape, shape);
        float[] sum = new float[4];
        add.forward(new float[][] {x, x}, new int[2], 1, sum, 0);
        assertThat(sum).containsExactly(-2f, 1f, 14f, Float.NaN);
        add.forwardRelu(new float[][] {x, x}, new int[2], 1, sum, 0);
        assertThat(sum).containsExactly(0f, 1f, 14f, Float.NaN);
        assertThat(add.inPlaceInput()).isZero();
    }

    @Test
    void pooling() {
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) {
            x[i] = i;
        }
        int[] s = {1, 4, 4};
        assertThat(forward(new MaxPool2d(s, 2, 2, 0), 1, x)).containsExactly(5f, 7f, 13f, 15f);
        assertThat(forward(new AvgPool2d(s, 2, 2, 0, true), 1, x)).containsExactly(2.5f, 4.5f, 10.5f, 12.5f);
        assertThat(forward(new MaxPool2d(s, 3, 2, 1), 1, x)).containsExactly(5f, 7f, 13f, 15f);
        GlobalAvgPool gap = new GlobalAvgPool(s);
        assertThat(gap.outputShape()).containsExactly(1, 1, 1);
        assertThat(forward(gap, 1, x)).containsExactly(7.5f);
        assertThatThrownBy(() -> new MaxPool2d(s, 2, 2, 2)).hasMessageContaining("padding");
    }

    @Test
    void optionAShortcutSubsamplesAndPadsChannels() {
        int[] s = {2, 3, 3};
        float[] x = new float[18];
        for (int i = 0; i < 18; i++) {
            x[i] = i + 1;
        }
        OptionAShortcut op = new OptionAShortcut(s, 2, 1, 1);
        assertThat(op.outputShape()).containsExactly(4, 2, 2);
        assertThat(forward(op, 1, x)).containsExactly(0, 0, 0, 0, 1, 3, 7, 9, 10, 12, 16, 18, 0, 0, 0, 0);
    }

    @Test
    void concatAndViews() {
        Concat cat = new Concat(new int[] {1, 2, 1}, new int[] {2, 2, 1});
        assertThat(cat.outputShape()).containsExactly(3, 2, 1);
        float[] out = new float[12];
        cat.forward(new float[][] {{1, 2, 3, 4}, {5, 6, 7, 8, 9, 10, 11, 12}}, new int[2], 2, out, 0);
        assertThat(out).containsExactly(1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12);
        assertThatThrownBy(() -> new Concat(new int[] {1, 2, 2}, new int[] {1, 3, 2})).hasMessageStartingWith("concat:");

        int[] s = {2, 3, 1};
        Flatten flatten = new Flatten(s);
        assertThat(flatten.outputShape()).containsExactly(6);
        for (Op view : List.of(flatten, new Identity(s), new Dropout(s, 0.5))) {
            assertThat(view.isView()).isTrue();
            float[] x = random(12);
            assertThat(forward(view, 2, x)).containsExactly(x);
        }
        assertThatThrownBy(() -> new Dropout(s, 1.5)).hasMessage("dropout probability must be in [0, 1], got 1.5");
    }

    @Test
    void theInputNodeIsNotComputed() {
        assertThatThrownBy(() -> new Input(1).forward(new float[0][], new int[0], 1, new float[1], 0))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
