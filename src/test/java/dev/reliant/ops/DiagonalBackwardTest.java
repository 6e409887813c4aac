package dev.reliant.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.simd.ConvShape;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each operator's {@link Op#backwardDiagonal} against its Becker–LeCun rule (specs/cim-swim.md
 * A.5) evaluated independently in double: the ReLU masks, pooling routes and divisors, the
 * batch-norm factor, and for convolution and linear layers naive loops of {@code Σ W²·h} and
 * {@code Σ h·x²}.
 *
 * <p>Every run places the operands at non-zero offsets and pre-fills the accumulators, so the
 * tests also check that the rules read and add at the offsets they are given. Tolerance: the
 * operators compute in float with sums of at most a few hundred positive terms, so a relative
 * error of 1e-5 (plus 1e-6 absolute for values near the pre-fill) bounds the rounding with a
 * wide margin, while any wrong rule (a missing square, a wrong route) is off by far more.
 */
class DiagonalBackwardTest {
    private static final int IN_OFF = 5;
    private static final int H_OFF = 3;
    private static final int GX_OFF = 2;
    private static final float GX_BASE = 0.25f;
    private static final float GP_BASE = 0.5f;

    /** Operands and results of one forward + diagonal backward. */
    private static final class Run {
        final Op op;
        final int batch;
        final float[][] x;
        final float[] y;
        final float[] h;
        final float[][] hx;
        final float[][] hp;

        Run(Op op, int batch, float[][] x, float[] y, float[] h, float[][] hx, float[][] hp) {
            this.op = op;
            this.batch = batch;
            this.x = x;
            this.y = y;
            this.h = h;
            this.hx = hx;
            this.hp = hp;
        }

        /** Input i of the forward, element e (without the offset). */
        double x(int i, int e) {
            return x[i][IN_OFF + e];
        }

        double y(int e) {
            return y[e];
        }

        double h(int e) {
            return h[H_OFF + e];
        }

        /** The rule's contribution to input i's accumulator, element e (the pre-fill removed). */
        double hx(int i, int e) {
            return (double) hx[i][GX_OFF + e] - GX_BASE;
        }

        double hp(int j, int e) {
            return (double) hp[j][e] - GP_BASE;
        }
    }

    private static float[] uniform(SplittableRandom rng, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
        return a;
    }

    /** Inputs uniform in [lo, hi), h_y uniform in [0.1, 2): forward, then the diagonal backward. */
    private static Run run(Op op, int batch, long seed, double lo, double hi) {
        SplittableRandom rng = new SplittableRandom(seed);
        int k = op.inputCount();
        float[][] x = new float[k][];
        int[] xOff = new int[k];
        for (int i = 0; i < k; i++) {
            float[] v = uniform(rng, batch * op.inputSize(i), lo, hi);
            x[i] = new float[IN_OFF + v.length];
            System.arraycopy(v, 0, x[i], IN_OFF, v.length);
            xOff[i] = IN_OFF;
        }
        float[] y = new float[batch * op.outputSize()];
        op.forward(x, xOff, batch, y, 0);
        float[] hv = uniform(rng, batch * op.outputSize(), 0.1, 2);
        float[] h = new float[H_OFF + hv.length];
        System.arraycopy(hv, 0, h, H_OFF, hv.length);
        BackwardContext ctx = new BackwardContext();
        ctx.inputs = x;
        ctx.inputOffsets = xOff;
        ctx.output = y;
        ctx.outputOffset = 0;
        ctx.batch = batch;
        ctx.gradOutput = h.clone();
        ctx.gradOutputOffset = H_OFF;
        ctx.gradInputs = new float[k][];
        ctx.gradInputOffsets = new int[k];
        for (int i = 0; i < k; i++) {
            ctx.gradInputs[i] = new float[GX_OFF + batch * op.inputSize(i)];
            java.util.Arrays.fill(ctx.gradInputs[i], GX_BASE);
            ctx.gradInputOffsets[i] = GX_OFF;
        }
        List<Parameter> ps = op.parameters();
        ctx.gradParameters = new float[ps.size()][];
        for (int j = 0; j < ps.size(); j++) {
            if (op.isTrainable(j)) {
                ctx.gradParameters[j] = new float[ps.get(j).numel()];
                java.util.Arrays.fill(ctx.gradParameters[j], GP_BASE);
            }
        }
        op.backwardDiagonal(ctx);
        assertThat(ctx.gradOutput).as("the diagonal backward must not modify h_y").isEqualTo(h);
        return new Run(op, batch, x, y, h, ctx.gradInputs, ctx.gradParameters);
    }

    private static void close(String what, double actual, double expected) {
        assertThat(Math.abs(actual - expected)).as("%s: got %s, expected %s", what, actual, expected)
                .isLessThanOrEqualTo(1e-6 + 1e-5 * Math.abs(expected));
    }

    @Test
    void reluPassesHWhereTheOutputIsPositive() {
        Run r = run(new ReLU(new int[] {3, 4, 5}), 2, 1, -1, 1);
        int positives = 0;
        for (int e = 0; e < r.y.length; e++) {
            boolean pass = r.x(0, e) > 0;
            positives += pass ? 1 : 0;
            close("relu " + e, r.hx(0, e), pass ? r.h(e) : 0);
        }
        assertThat(positives).isBetween(20, 100);
    }

    @Test
    void relu6PassesHStrictlyBetweenTheClipPoints() {
        Run r = run(new ReLU6(new int[] {40}), 3, 2, -3, 9);
        for (int e = 0; e < r.y.length; e++) {
            double x = r.x(0, e);
            close("relu6 " + e, r.hx(0, e), x > 0 && x < 6 ? r.h(e) : 0);
        }
    }

    @Test
    void maxPoolRoutesHToTheFirstMaximumOfEachWindow() {
        // Overlapping windows with padding, and ties: inputs from a few levels only.
        MaxPool2d op = new MaxPool2d(new int[] {2, 7, 7}, 3, 2, 1);
        SplittableRandom rng = new SplittableRandom(3);
        float[] input = new float[IN_OFF + 2 * op.inputSize(0)];
        for (int i = IN_OFF; i < input.length; i++) {
            input[i] = rng.nextInt(4);
        }
        Run r = rerun(op, 2, input, 4);
        double[] expected = new double[r.x[0].length - IN_OFF];
        int[] o = op.outputShape();
        for (int p = 0; p < 2 * 2; p++) {
            for (int oy = 0; oy < o[1]; oy++) {
                for (int ox = 0; ox < o[2]; ox++) {
                    int best = -1;
                    double m = Double.NEGATIVE_INFINITY;
                    for (int iy = oy * 2 - 1; iy < oy * 2 + 2; iy++) {
                        for (int ix = ox * 2 - 1; ix < ox * 2 + 2; ix++) {
                            if (iy >= 0 && iy < 7 && ix >= 0 && ix < 7 && r.x(0, p * 49 + iy * 7 + ix) > m) {
                                m = r.x(0, p * 49 + iy * 7 + ix);
                                best = p * 49 + iy * 7 + ix;
                            }
                        }
                    }
                    expected[best] += r.h(p * o[1] * o[2] + oy * o[2] + ox);
                }
            }
        }
        for (int e = 0; e < expected.length; e++) {
            close("max pool " + e, r.hx(0, e), expected[e]);
        }
    }

    /** A run of {@code op} on the given input array (offset {@link #IN_OFF} included). */
    private static Run rerun(Op op, int batch, float[] input, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] y = new float[batch * op.outputSize()];
        op.forward(new float[][] {input}, new int[] {IN_OFF}, batch, y, 0);
        float[] hv = uniform(rng, batch * op.outputSize(), 0.1, 2);
        float[] h = new float[H_OFF + hv.length];
        System.arraycopy(hv, 0, h, H_OFF, hv.length);
        BackwardContext ctx = new BackwardContext();
        ctx.inputs = new float[][] {input};
        ctx.inputOffsets = new int[] {IN_OFF};
        ctx.output = y;
        ctx.batch = batch;
        ctx.gradOutput = h;
        ctx.gradOutputOffset = H_OFF;
        ctx.gradInputs = new float[][] {new float[GX_OFF + batch * op.inputSize(0)]};
        java.util.Arrays.fill(ctx.gradInputs[0], GX_BASE);
        ctx.gradInputOffsets = new int[] {GX_OFF};
        ctx.gradParameters = new float[0][];
        op.backwardDiagonal(ctx);
        return new Run(op, batch, new float[][] {input}, y, h, ctx.gradInputs, ctx.gradParameters);
    }

    static Stream<Arguments> averagePools() {
        return Stream.of(Arguments.of(2, 2, 0, true), Arguments.of(3, 2, 1, true), Arguments.of(3, 2, 1, false),
                Arguments.of(3, 1, 1, false));
    }

    @ParameterizedTest(name = "k={0} s={1} p={2} count_include_pad={3}")
    @MethodSource("averagePools")
    void averagePoolPassesHOverTheDivisorSquared(int k, int s, int pad, boolean includePad) {
        AvgPool2d op = new AvgPool2d(new int[] {2, 6, 7}, k, s, pad, includePad);
        Run r = run(op, 2, 5, -1, 1);
        int[] o = op.outputShape();
        double[] expected = new double[2 * op.inputSize(0)];
        for (int p = 0; p < 4; p++) {
            for (int oy = 0; oy < o[1]; oy++) {
                for (int ox = 0; ox < o[2]; ox++) {
                    int inside = 0;
                    for (int iy = oy * s - pad; iy < oy * s - pad + k; iy++) {
                        for (int ix = ox * s - pad; ix < ox * s - pad + k; ix++) {
                            inside += iy >= 0 && iy < 6 && ix >= 0 && ix < 7 ? 1 : 0;
                        }
                    }
                    double divisor = includePad ? k * k : inside;
                    double v = r.h(p * o[1] * o[2] + oy * o[2] + ox) / (divisor * divisor);
                    for (int iy = oy * s - pad; iy < oy * s - pad + k; iy++) {
                        for (int ix = ox * s - pad; ix < ox * s - pad + k; ix++) {
                            if (iy >= 0 && iy < 6 && ix >= 0 && ix < 7) {
                                expected[p * 42 + iy * 7 + ix] += v;
                            }
                        }
                    }
                }
            }
        }
        for (int e = 0; e < expected.length; e++) {
            close("avg pool " + e, r.hx(0, e), expected[e]);
        }
    }

    @Test
    void globalAveragePoolPassesHOverTheAreaSquared() {
        Run r = run(new GlobalAvgPool(new int[] {3, 4, 4}), 2, 6, -1, 1);
        for (int e = 0; e < 2 * 48; e++) {
            close("global avg pool " + e, r.hx(0, e), r.h(e / 16) / 256.0);
        }
    }

    @Test
    void batchNormScalesHByTheSquaredFactorOfTheRunningStatistics() {
        BatchNorm2d bn = BatchNorm2d.create("bn", new int[] {3, 2, 2}, 1e-5);
        float[] gamma = {0.5f, -2f, 1.3f};
        float[] var = {0.25f, 4f, 0.01f};
        System.arraycopy(gamma, 0, bn.weight().data(), 0, 3);
        System.arraycopy(var, 0, bn.runningVar().data(), 0, 3);
        bn.runningMean().data()[1] = 0.7f;
        bn.weight().markChanged();
        Run r = run(bn, 2, 7, -1, 1);
        for (int e = 0; e < 24; e++) {
            int c = e / 4 % 3;
            double f = gamma[c] * gamma[c] / ((double) var[c] + 1e-5);
            close("batch norm " + e, r.hx(0, e), r.h(e) * f);
        }
        for (int j = 0; j < 2; j++) {
            for (int c = 0; c < 3; c++) {
                assertThat(r.hp(j, c)).as("no batch-norm parameter terms").isZero();
            }
        }
    }

    @Test
    void batchNormInTrainingModeIsRefused() {
        BatchNorm2d bn = BatchNorm2d.create("layer1.bn", new int[] {2, 2, 2}, 1e-5);
        bn.setTraining(true);
        assertThatThrownBy(() -> run(bn, 2, 8, -1, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("layer1.bn").hasMessageContaining("running statistics");
    }

    @Test
    void addPassesHIntoBothSummands() {
        Run r = run(new Add(new int[] {2, 3}, new int[] {2, 3}), 3, 9, -1, 1);
        for (int e = 0; e < 18; e++) {
            close("add a " + e, r.hx(0, e), r.h(e));
            close("add b " + e, r.hx(1, e), r.h(e));
        }
    }

    @Test
    void concatHandsEachInputItsChannels() {
        Run r = run(new Concat(new int[] {1, 2, 2}, new int[] {2, 2, 2}), 2, 10, -1, 1);
        for (int b = 0; b < 2; b++) {
            for (int e = 0; e < 4; e++) {
                close("concat 0", r.hx(0, b * 4 + e), r.h(b * 12 + e));
            }
            for (int e = 0; e < 8; e++) {
                close("concat 1", r.hx(1, b * 8 + e), r.h(b * 12 + 4 + e));
            }
        }
    }

    @Test
    void optionAShortcutRoutesHToTheKeptPositions() {
        OptionAShortcut op = new OptionAShortcut(new int[] {2, 4, 4}, 2, 1, 1);
        Run r = run(op, 2, 11, -1, 1);
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < 2; c++) {
                for (int iy = 0; iy < 4; iy++) {
                    for (int ix = 0; ix < 4; ix++) {
                        boolean kept = iy % 2 == 0 && ix % 2 == 0;
                        double expected = kept ? r.h(b * 16 + (c + 1) * 4 + iy / 2 * 2 + ix / 2) : 0;
                        close("shortcut", r.hx(0, b * 32 + c * 16 + iy * 4 + ix), expected);
                    }
                }
            }
        }
    }

    @Test
    void viewsAndEvalDropoutCopyH() {
        for (Op op : new Op[] {new Flatten(new int[] {2, 3}), new Identity(new int[] {6}), new Dropout(new int[] {6}, 0.5)}) {
            Run r = run(op, 2, 12, -1, 1);
            for (int e = 0; e < 12; e++) {
                close(op + " " + e, r.hx(0, e), r.h(e));
            }
        }
    }

    @Test
    void trainingDropoutScalesHByTheSquaredMask() {
        Dropout d = new Dropout(new int[] {50}, 0.5);
        d.setTraining(true);
        d.reseed(4);
        Run r = run(d, 2, 13, 0.5, 1);
        int dropped = 0;
        for (int e = 0; e < 100; e++) {
            double mask = r.y(e) / r.x(0, e); // 0 or 2
            dropped += mask == 0 ? 1 : 0;
            close("dropout " + e, r.hx(0, e), r.h(e) * mask * mask);
        }
        assertThat(dropped).isBetween(20, 80);
    }

    // ------------------------------------------------------------------ linear and convolution

    private static void randomize(Op op, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Parameter p : op.parameters()) {
            float[] d = p.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (rng.nextDouble() * 2 - 1);
            }
            p.markChanged();
        }
    }

    @Test
    void linearUsesSquaredWeightsAndSquaredInputs() {
        for (boolean bias : new boolean[] {true, false}) {
            Linear op = Linear.create("fc", 7, 5, bias);
            randomize(op, 14);
            int batch = 3;
            Run r = run(op, batch, 15, -1, 1);
            float[] w = op.weight().data();
            for (int n = 0; n < batch; n++) {
                for (int j = 0; j < 7; j++) {
                    double s = 0;
                    for (int i = 0; i < 5; i++) {
                        s += (double) w[i * 7 + j] * w[i * 7 + j] * r.h(n * 5 + i);
                    }
                    close("linear h_x", r.hx(0, n * 7 + j), s);
                }
            }
            for (int i = 0; i < 5; i++) {
                double sb = 0;
                for (int j = 0; j < 7; j++) {
                    double s = 0;
                    for (int n = 0; n < batch; n++) {
                        s += r.h(n * 5 + i) * r.x(0, n * 7 + j) * r.x(0, n * 7 + j);
                    }
                    close("linear H", r.hp(0, i * 7 + j), s);
                }
                for (int n = 0; n < batch; n++) {
                    sb += r.h(n * 5 + i);
                }
                if (bias) {
                    close("linear H_b", r.hp(1, i), sb);
                }
            }
        }
    }

    static Stream<Arguments> convolutions() {
        return Stream.of(
                Arguments.of("3x3 pad 1 with bias", new ConvShape(3, 6, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1), true),
                Arguments.of("stride 2", new ConvShape(4, 7, 7, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1), true),
                Arguments.of("padding 2, no bias", new ConvShape(2, 5, 6, 3, 3, 3, 1, 1, 2, 2, 1, 1, 1), false),
                Arguments.of("groups 2", new ConvShape(4, 6, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2), true),
                Arguments.of("depthwise stride 2", new ConvShape(5, 7, 7, 5, 3, 3, 2, 2, 1, 1, 1, 1, 5), false),
                Arguments.of("dilation 2", new ConvShape(3, 7, 7, 4, 3, 3, 1, 1, 2, 2, 2, 2, 1), true),
                Arguments.of("1x1 stride 2", new ConvShape(6, 6, 6, 8, 1, 1, 2, 2, 0, 0, 1, 1, 1), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convolutions")
    void convolutionUsesSquaredWeightsAndSquaredInputs(String name, ConvShape s, boolean bias) {
        Conv2d op = Conv2d.create("conv", s, bias);
        randomize(op, name.hashCode());
        int batch = 2;
        Run r = run(op, batch, 16, -1, 1);
        float[] w = op.weight().data();
        int cpg = s.inChannelsPerGroup();
        int opg = s.outChannelsPerGroup();
        int kk = s.kernelHeight * s.kernelWidth;
        double[] hx = new double[batch * s.inputSize()];
        double[] hw = new double[s.weightCount()];
        double[] hb = new double[s.outChannels];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < s.outChannels; o++) {
                int g = o / opg;
                for (int oy = 0; oy < s.outHeight; oy++) {
                    for (int ox = 0; ox < s.outWidth; ox++) {
                        double h = r.h(n * s.outputSize() + (o * s.outHeight + oy) * s.outWidth + ox);
                        hb[o] += h;
                        for (int c = 0; c < cpg; c++) {
                            int ci = g * cpg + c;
                            for (int u = 0; u < s.kernelHeight; u++) {
                                for (int v = 0; v < s.kernelWidth; v++) {
                                    int iy = oy * s.strideH - s.padH + u * s.dilationH;
                                    int ix = ox * s.strideW - s.padW + v * s.dilationW;
                                    if (iy < 0 || iy >= s.inHeight || ix < 0 || ix >= s.inWidth) {
                                        continue;
                                    }
                                    int xi = n * s.inputSize() + (ci * s.inHeight + iy) * s.inWidth + ix;
                                    int wi = (o * cpg + c) * kk + u * s.kernelWidth + v;
                                    hx[xi] += (double) w[wi] * w[wi] * h;
                                    hw[wi] += h * r.x(0, xi) * r.x(0, xi);
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int e = 0; e < hx.length; e++) {
            close(name + " h_x " + e, r.hx(0, e), hx[e]);
        }
        for (int e = 0; e < hw.length; e++) {
            close(name + " H " + e, r.hp(0, e), hw[e]);
        }
        if (bias) {
            for (int o = 0; o < s.outChannels; o++) {
                close(name + " H_b " + o, r.hp(1, o), hb[o]);
            }
        }
    }
}
