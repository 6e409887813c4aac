package dev.reliant.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The first-order backward of every operator except Conv2d and Linear, against finite
 * differences ({@link OpGradientCheck}) on batches of 1 and 3 and odd spatial sizes, plus the
 * rules finite differences cannot see: accumulation into existing gradients, null gradients,
 * PyTorch's choice at ties and kinks.
 */
class BackwardOpsTest {
    /** Finite-difference step of {@link OpGradientCheck}; kinks are kept further away than this. */
    private static final double STEP = 1e-2;

    private static void randomize(Parameter p, SplittableRandom rng, double lo, double hi) {
        float[] d = p.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
        p.markChanged();
    }

    /** A batch norm with random weight, bias and running statistics (running_var in [0.5, 2]). */
    private static BatchNorm2d batchNorm(int[] shape, long seed) {
        BatchNorm2d bn = BatchNorm2d.create("bn", shape, 1e-5);
        SplittableRandom rng = new SplittableRandom(seed);
        randomize(bn.weight(), rng, 0.5, 1.5);
        randomize(bn.bias(), rng, -0.5, 0.5);
        randomize(bn.runningMean(), rng, -0.3, 0.3);
        randomize(bn.runningVar(), rng, 0.5, 2);
        return bn;
    }

    /** Moves every value closer than {@code gap} to a kink onto {@code kink ± gap} (away from it). */
    private static void avoidKink(float[] x, float kink, float gap) {
        for (int i = 0; i < x.length; i++) {
            float d = x[i] - kink;
            if (Math.abs(d) < gap) {
                x[i] = d < 0 ? kink - gap : kink + gap;
            }
        }
    }

    /** Distinct values spaced {@code 3·STEP} apart in random order: no ±STEP probe can change a window's winner. */
    private static void distinctValues(float[] x, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] order = new int[x.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((order[i] - x.length / 2.0) * 3 * STEP);
        }
    }

    // ------------------------------------------------------------------ finite differences

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void batchNormTrainingMatchesFiniteDifferences(int batch) {
        BatchNorm2d bn = batchNorm(new int[] {3, 5, 3}, 11);
        bn.setTraining(true);
        new OpGradientCheck(bn, batch, 100 + batch).check();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void batchNormEvalMatchesFiniteDifferences(int batch) {
        BatchNorm2d bn = batchNorm(new int[] {3, 5, 3}, 12);
        new OpGradientCheck(bn, batch, 200 + batch).check();
    }

    @Test
    void batchNormOfFeatureVectorsMatchesFiniteDifferences() {
        BatchNorm2d bn = batchNorm(new int[] {4}, 13);
        bn.setTraining(true);
        new OpGradientCheck(bn, 3, 300).check();
        bn.setTraining(false);
        new OpGradientCheck(bn, 3, 301).check();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void reluMatchesFiniteDifferencesAwayFromZero(int batch) {
        OpGradientCheck check = new OpGradientCheck(new ReLU(new int[] {2, 5, 3}), batch, 400 + batch);
        avoidKink(check.input(0), 0f, (float) (3 * STEP));
        check.check();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void relu6MatchesFiniteDifferencesAwayFromTheClipPoints(int batch) {
        OpGradientCheck check = new OpGradientCheck(new ReLU6(new int[] {2, 5, 3}), batch, 500 + batch);
        float[] x = check.input(0);
        for (int i = 0; i < x.length; i++) {
            x[i] = 3 + 5 * x[i]; // [-2, 8): both sides of both clip points
        }
        avoidKink(x, 0f, (float) (3 * STEP));
        avoidKink(x, 6f, (float) (3 * STEP));
        check.check();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void addMatchesFiniteDifferences(int batch) {
        new OpGradientCheck(new Add(new int[] {3, 3, 5}, new int[] {3, 3, 5}), batch, 600 + batch).check();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void concatMatchesFiniteDifferences(int batch) {
        Concat cat = new Concat(new int[] {1, 3, 5}, new int[] {3, 3, 5}, new int[] {2, 3, 5});
        new OpGradientCheck(cat, batch, 700 + batch).check();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void optionAShortcutMatchesFiniteDifferences(int batch) {
        new OpGradientCheck(new OptionAShortcut(new int[] {3, 7, 5}, 2, 1, 2), batch, 800 + batch).check();
        new OpGradientCheck(new OptionAShortcut(new int[] {2, 3, 3}, 1, 2, 0), batch, 810 + batch).check();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void maxPoolMatchesFiniteDifferencesWithoutTies(int batch) {
        for (int[] kSP : new int[][] {{3, 2, 1}, {2, 2, 0}, {3, 1, 1}}) {
            MaxPool2d pool = new MaxPool2d(new int[] {2, 7, 5}, kSP[0], kSP[1], kSP[2]);
            OpGradientCheck check = new OpGradientCheck(pool, batch, 900 + batch);
            distinctValues(check.input(0), 901 + batch);
            check.check();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void avgPoolMatchesFiniteDifferences(int batch) {
        for (boolean includePad : new boolean[] {true, false}) {
            new OpGradientCheck(new AvgPool2d(new int[] {2, 7, 5}, 3, 2, 1, includePad), batch, 1000 + batch).check();
            new OpGradientCheck(new AvgPool2d(new int[] {2, 5, 5}, 2, 2, 0, includePad), batch, 1010 + batch).check();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void globalAvgPoolMatchesFiniteDifferences(int batch) {
        new OpGradientCheck(new GlobalAvgPool(new int[] {3, 5, 7}), batch, 1100 + batch).check();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void viewsMatchFiniteDifferences(int batch) {
        new OpGradientCheck(new Flatten(new int[] {2, 3, 5}), batch, 1200 + batch).check();
        new OpGradientCheck(new Identity(new int[] {2, 3, 5}), batch, 1201 + batch).check();
        new OpGradientCheck(new Dropout(new int[] {2, 3, 5}, 0.5), batch, 1202 + batch).check();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void dropoutTrainingMatchesFiniteDifferencesForAFixedMask(int batch) {
        Dropout dropout = new Dropout(new int[] {2, 3, 5}, 0.4);
        dropout.setTraining(true);
        new OpGradientCheck(new FixedMaskDropout(dropout, 77), batch, 1300 + batch).check();
    }

    // ------------------------------------------------------------------ what finite differences cannot see

    /** Every operator with every input wanting a gradient, a batch of 3; BN in both modes. */
    private static List<Op> allOps() {
        BatchNorm2d bnTrain = batchNorm(new int[] {3, 5, 3}, 21);
        bnTrain.setTraining(true);
        Dropout dropTrain = new Dropout(new int[] {3, 5, 3}, 0.3);
        dropTrain.setTraining(true);
        int[] s = {3, 5, 3};
        return List.of(bnTrain, batchNorm(s, 22), new ReLU(s), new ReLU6(s), new Add(s, s),
                new Concat(new int[] {1, 5, 3}, s), new OptionAShortcut(s, 2, 1, 1), new OptionAShortcut(s, 1, 1, 0),
                new MaxPool2d(s, 3, 2, 1), new AvgPool2d(s, 3, 2, 1, false), new GlobalAvgPool(s), new Flatten(s),
                new Identity(s), new Dropout(s, 0.3), new FixedMaskDropout(dropTrain, 5));
    }

    /** Forward, then a backward into the given gradient arrays (null entries: not wanted). */
    private static void forwardBackward(Op op, float[][] x, float[] dy, float[][] dx, float[][] dParams, int batch) {
        float[] out = new float[batch * op.outputSize()];
        op.forward(x, new int[x.length], batch, out, 0);
        BackwardContext ctx = new BackwardContext();
        ctx.inputs = x;
        ctx.inputOffsets = new int[x.length];
        ctx.output = out;
        ctx.batch = batch;
        ctx.gradOutput = dy;
        ctx.gradInputs = dx;
        ctx.gradInputOffsets = new int[x.length];
        ctx.gradParameters = dParams;
        op.backward(ctx);
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextDouble() * 4 - 2);
        }
        return a;
    }

    @Test
    void backwardAddsToExistingGradientsAndSkipsNullOnes() {
        int batch = 3;
        for (Op op : allOps()) {
            SplittableRandom rng = new SplittableRandom(op.type().hashCode());
            float[][] x = new float[op.inputCount()][];
            for (int i = 0; i < x.length; i++) {
                x[i] = random(rng, batch * op.inputSize(i));
            }
            float[] dy = random(rng, batch * op.outputSize());
            List<Parameter> params = op.parameters();
            float[][] fresh = new float[x.length][];
            float[][] prefilled = new float[x.length][];
            float[][] freshParams = new float[params.size()][];
            float[][] prefilledParams = new float[params.size()][];
            for (int i = 0; i < x.length; i++) {
                fresh[i] = new float[x[i].length];
                prefilled[i] = filled(x[i].length, 0.25f);
            }
            for (int j = 0; j < params.size(); j++) {
                if (op.isTrainable(j)) {
                    freshParams[j] = new float[params.get(j).numel()];
                    prefilledParams[j] = filled(params.get(j).numel(), 0.25f);
                }
            }
            forwardBackward(op, x, dy, fresh, freshParams, batch);
            forwardBackward(op, x, dy, prefilled, prefilledParams, batch);
            for (int i = 0; i < x.length; i++) {
                assertSumOf(fresh[i], 0.25f, prefilled[i], op + " input " + i);
            }
            for (int j = 0; j < params.size(); j++) {
                if (freshParams[j] != null) {
                    assertSumOf(freshParams[j], 0.25f, prefilledParams[j], op + " " + params.get(j).name());
                }
            }
            // No gradient wanted anywhere: nothing to write, nothing may fail.
            forwardBackward(op, x, dy, new float[x.length][], new float[params.size()][], batch);
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** Within rounding: an element receiving several contributions (overlapping windows) adds them after the base. */
    private static void assertSumOf(float[] fresh, float base, float[] accumulated, String what) {
        for (int k = 0; k < fresh.length; k++) {
            assertThat(accumulated[k]).as("%s element %d", what, k).isCloseTo(base + fresh[k], within(1e-5f));
        }
    }

    @Test
    void gradientsLandAtTheirOffsets() {
        int batch = 2;
        for (Op op : allOps()) {
            SplittableRandom rng = new SplittableRandom(op.toString().hashCode());
            int n = op.inputCount();
            float[][] x = new float[n][];
            float[][] xShifted = new float[n][];
            int[] xOff = new int[n];
            for (int i = 0; i < n; i++) {
                x[i] = random(rng, batch * op.inputSize(i));
                xOff[i] = 3 + i;
                xShifted[i] = new float[xOff[i] + x[i].length + 2];
                System.arraycopy(x[i], 0, xShifted[i], xOff[i], x[i].length);
            }
            float[] dy = random(rng, batch * op.outputSize());
            float[][] dx = new float[n][];
            for (int i = 0; i < n; i++) {
                dx[i] = new float[x[i].length];
            }
            forwardBackward(op, x, dy, dx, new float[op.parameters().size()][], batch);

            float[] out = new float[5 + batch * op.outputSize()];
            op.forward(xShifted, xOff, batch, out, 5);
            float[] dyShifted = new float[7 + dy.length];
            System.arraycopy(dy, 0, dyShifted, 7, dy.length);
            BackwardContext ctx = new BackwardContext();
            ctx.inputs = xShifted;
            ctx.inputOffsets = xOff;
            ctx.output = out;
            ctx.outputOffset = 5;
            ctx.batch = batch;
            ctx.gradOutput = dyShifted;
            ctx.gradOutputOffset = 7;
            ctx.gradInputs = new float[n][];
            ctx.gradInputOffsets = new int[n];
            for (int i = 0; i < n; i++) {
                ctx.gradInputOffsets[i] = 1 + 2 * i;
                ctx.gradInputs[i] = filled(ctx.gradInputOffsets[i] + x[i].length + 3, 0f);
            }
            ctx.gradParameters = new float[op.parameters().size()][];
            op.backward(ctx);
            for (int i = 0; i < n; i++) {
                float[] g = ctx.gradInputs[i];
                int off = ctx.gradInputOffsets[i];
                for (int k = 0; k < g.length; k++) {
                    float expected = k >= off && k < off + dx[i].length ? dx[i][k - off] : 0f;
                    assertThat(g[k]).as("%s input %d element %d", op, i, k).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void reluGradientIsZeroAtZeroAndForNaN() {
        ReLU relu = new ReLU(new int[] {4});
        float[] x = {0f, -0f, Float.NaN, 2f};
        float[] dx = new float[4];
        forwardBackward(relu, new float[][] {x}, new float[] {1f, 1f, 1f, 1f}, new float[][] {dx}, new float[0][], 1);
        assertThat(dx).containsExactly(0f, 0f, 0f, 1f);
    }

    @Test
    void relu6GradientIsZeroAtAndBeyondTheClipPoints() {
        ReLU6 relu6 = new ReLU6(new int[] {6});
        float[] x = {-1f, 0f, 0.5f, 5.5f, 6f, 7f};
        float[] dx = new float[6];
        forwardBackward(relu6, new float[][] {x}, filled(6, 1f), new float[][] {dx}, new float[0][], 1);
        assertThat(dx).containsExactly(0f, 0f, 1f, 1f, 0f, 0f);
    }

    @Test
    void maxPoolSendsATieToTheFirstMaximumInScanOrder() {
        // One 3x3 window over a 3x3 plane holding two equal maxima at (0, 2) and (1, 0).
        MaxPool2d pool = new MaxPool2d(new int[] {1, 3, 3}, 3, 1, 0);
        float[] x = {1f, 0f, 5f, 5f, 2f, 0f, 0f, 1f, 3f};
        float[] dx = new float[9];
        forwardBackward(pool, new float[][] {x}, new float[] {2f}, new float[][] {dx}, new float[0][], 1);
        assertThat(dx).containsExactly(0f, 0f, 2f, 0f, 0f, 0f, 0f, 0f, 0f);
    }

    @Test
    void maxPoolAddsTheGradientsOfOverlappingWindowsThatShareTheirWinner() {
        // Kernel 3, stride 1, padding 1 on a 3x3 plane: the centre maximum wins all nine windows.
        MaxPool2d pool = new MaxPool2d(new int[] {1, 3, 3}, 3, 1, 1);
        float[] x = {0f, 0f, 0f, 0f, 9f, 0f, 0f, 0f, 0f};
        float[] dy = {1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f};
        float[] dx = new float[9];
        forwardBackward(pool, new float[][] {x}, dy, new float[][] {dx}, new float[0][], 1);
        assertThat(dx).containsExactly(0f, 0f, 0f, 0f, 45f, 0f, 0f, 0f, 0f);
    }

    @Test
    void inputHasNothingToPropagate() {
        Input input = new Input(2, 3);
        BackwardContext ctx = new BackwardContext();
        ctx.inputs = new float[0][];
        ctx.gradInputs = new float[0][];
        ctx.gradOutput = new float[6];
        ctx.batch = 1;
        input.backward(ctx);
        assertThat(ctx.gradInputs).isEmpty();
    }

    @Test
    void onlyBatchNormWeightAndBiasAreTrainable() {
        BatchNorm2d bn = BatchNorm2d.create("bn", new int[] {2, 3, 3}, 1e-5);
        assertThat(bn.parameters()).hasSize(4);
        assertThat(List.of(bn.isTrainable(0), bn.isTrainable(1), bn.isTrainable(2), bn.isTrainable(3)))
                .containsExactly(true, true, false, false);
    }

    // ------------------------------------------------------------------ dropout

    @Test
    void dropoutTrainingDrawsAnInvertedMaskFromItsSeed() {
        int n = 20_000;
        Dropout dropout = new Dropout(new int[] {n}, 0.25);
        assertThat(dropout.isView()).isTrue();
        dropout.setTraining(true);
        assertThat(dropout.isView()).isFalse();
        float[] x = filled(n, 2f);
        float[] y = new float[n];
        dropout.reseed(9);
        dropout.forward(new float[][] {x}, new int[1], 1, y, 0);
        int kept = 0;
        for (float v : y) {
            assertThat(v).isIn(0f, 2f / 0.75f);
            kept += v != 0 ? 1 : 0;
        }
        assertThat(kept / (double) n).isBetween(0.74, 0.76);

        float[] again = new float[n];
        dropout.reseed(9);
        dropout.forward(new float[][] {x}, new int[1], 1, again, 0);
        assertThat(java.util.Arrays.equals(y, again)).as("same seed, same mask").isTrue();
        float[] next = new float[n];
        dropout.forward(new float[][] {x}, new int[1], 1, next, 0);
        assertThat(java.util.Arrays.equals(y, next)).as("the next step draws a new mask").isFalse();
    }

    @Test
    void dropoutBackwardUsesTheForwardsMaskAndIsTheIdentityInEval() {
        int n = 64;
        Dropout dropout = new Dropout(new int[] {n}, 0.5);
        dropout.setTraining(true);
        dropout.reseed(3);
        float[] x = filled(n, 1f);
        float[] dy = filled(n, 3f);
        float[] dx = new float[n];
        forwardBackward(dropout, new float[][] {x}, dy, new float[][] {dx}, new float[0][], 1);
        float[] y = new float[n];
        dropout.reseed(3);
        dropout.forward(new float[][] {x}, new int[1], 1, y, 0);
        for (int i = 0; i < n; i++) {
            assertThat(dx[i]).isEqualTo(3f * y[i]); // y = 1·mask
        }
        dropout.setTraining(false);
        float[] dxEval = new float[n];
        BackwardContext ctx = new BackwardContext();
        ctx.batch = 1;
        ctx.gradOutput = dy;
        ctx.gradInputs = new float[][] {dxEval};
        ctx.gradInputOffsets = new int[1];
        dropout.backward(ctx); // an eval forward is skipped (a view): the backward must not use the old mask
        assertThat(dxEval).containsOnly(3f);
    }

    @Test
    void dropoutTrainingBackwardWithoutForwardIsRefused() {
        Dropout dropout = new Dropout(new int[] {4}, 0.5);
        dropout.setTraining(true);
        BackwardContext ctx = new BackwardContext();
        ctx.batch = 1;
        ctx.gradOutput = new float[4];
        ctx.gradInputs = new float[][] {new float[4]};
        ctx.gradInputOffsets = new int[1];
        assertThatThrownBy(() -> dropout.backward(ctx)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("training forward");
    }

    @Test
    void dropoutWithPOneDropsEverythingAndPZeroNothing() {
        float[] x = {1f, -2f, 3f};
        for (double p : new double[] {0, 1}) {
            Dropout dropout = new Dropout(new int[] {3}, p);
            dropout.setTraining(true);
            float[] y = new float[3];
            dropout.forward(new float[][] {x}, new int[1], 1, y, 0);
            assertThat(y).containsExactly(p == 0 ? x : new float[] {0f, -0f, 0f});
        }
    }

    /**
     * A training-mode dropout whose every forward reseeds with the same seed, so that the
     * finite differences of {@link OpGradientCheck} see one fixed mask.
     */
    private static final class FixedMaskDropout implements Op {
        private final Dropout dropout;
        private final long seed;

        FixedMaskDropout(Dropout dropout, long seed) {
            this.dropout = dropout;
            this.seed = seed;
        }

        @Override
        public String type() {
            return "Dropout";
        }

        @Override
        public int inputCount() {
            return 1;
        }

        @Override
        public int[] inputShape(int i) {
            return dropout.inputShape(i);
        }

        @Override
        public int[] outputShape() {
            return dropout.outputShape();
        }

        @Override
        public int inputSize(int i) {
            return dropout.inputSize(i);
        }

        @Override
        public int outputSize() {
            return dropout.outputSize();
        }

        @Override
        public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
            dropout.reseed(seed);
            dropout.forward(inputs, inputOffsets, batch, out, outOff);
        }

        @Override
        public void backward(BackwardContext context) {
            dropout.backward(context);
        }

        @Override
        public String toString() {
            return "FixedMaskDropout(" + dropout + ")";
        }
    }
}
