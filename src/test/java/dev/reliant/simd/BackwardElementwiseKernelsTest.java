package dev.reliant.simd;

import static dev.reliant.simd.BitAssert.assertBitIdentical;
import static dev.reliant.simd.BitAssert.assertBitIdenticalUpToNaNPayload;
import static dev.reliant.simd.TestArrays.GUARD;
import static dev.reliant.simd.TestArrays.gaussian;
import static dev.reliant.simd.TestArrays.guarded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SIMD and plain twins of {@link BackwardElementwiseKernels} against each other and a reference. */
class BackwardElementwiseKernelsTest {
    /** Lengths and plane sizes that hit every tail of 8- and 16-lane vectors. */
    static final int[] SIZES = {1, 3, 7, 8, 9, 15, 16, 17, 33, 100};

    static final BackwardElementwiseKernels SIMD = BackwardElementwiseSimd.INSTANCE;
    static final BackwardElementwiseKernels PLAIN = BackwardElementwisePlain.INSTANCE;

    @Test
    void activeImplementationFollowsTheSwitch() {
        assertThat(BackwardElementwiseKernels.get()).isSameAs(Simd.enabled() ? SIMD : PLAIN);
        assertThat(SIMD.name()).startsWith("simd");
        assertThat(PLAIN.name()).isEqualTo("plain");
    }

    /** Outputs: y values with exact zeros, the clip points and specials mixed in. */
    private static float[] activations(Random rnd, int n) {
        float[] specials = {0f, -0f, 6f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, 5.9999995f};
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextInt(5) == 0 ? specials[rnd.nextInt(specials.length)] : (float) (rnd.nextGaussian() * 4);
        }
        return v;
    }

    @FunctionalInterface
    interface MaskKernel {
        void run(BackwardElementwiseKernels k, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);
    }

    private static void checkMask(String name, MaskKernel kernel, java.util.function.Predicate<Float> passes) {
        Random rnd = new Random(name.hashCode());
        for (int n : SIZES) {
            float[] y = activations(rnd, n + 3);
            float[] dy = gaussian(rnd, n + 5);
            float[] dx0 = gaussian(rnd, n + 6);
            float[] dxSimd = dx0.clone();
            float[] dxPlain = dx0.clone();
            kernel.run(SIMD, y, 3, dy, 5, dxSimd, 2, n);
            kernel.run(PLAIN, y, 3, dy, 5, dxPlain, 2, n);
            assertBitIdentical(dxPlain, dxSimd, name + " n=" + n + " simd vs plain");
            for (int i = 0; i < dx0.length; i++) {
                boolean inside = i >= 2 && i < 2 + n;
                float expected = inside && passes.test(y[3 + i - 2]) ? dx0[i] + dy[5 + i - 2] : dx0[i];
                assertThat(dxSimd[i]).as("%s n=%d element %d", name, n, i).isEqualTo(expected);
            }
        }
    }

    @Test
    void reluBackwardPassesTheGradientWhereTheOutputIsPositive() {
        checkMask("reluBackward", BackwardElementwiseKernels::reluBackward, v -> v > 0);
    }

    @Test
    void clampBackwardPassesTheGradientStrictlyInsideTheBounds() {
        checkMask("clampBackward", (k, y, yo, dy, dyo, dx, dxo, n) -> k.clampBackward(y, yo, dy, dyo, dx, dxo, n, 0f, 6f),
                v -> v > 0 && v < 6);
    }

    // ------------------------------------------------------------------ per-channel kernels

    /** Runs a per-channel kernel on both twins for every plane size, batch 1 and 3, 1 and 4 channels. */
    private interface ChannelCase {
        void run(int batch, int channels, int spatial, Random rnd);
    }

    private static void forEachShape(String name, ChannelCase c) {
        Random rnd = new Random(name.hashCode());
        for (int spatial : SIZES) {
            for (int batch : new int[] {1, 3}) {
                for (int channels : new int[] {1, 4}) {
                    c.run(batch, channels, spatial, rnd);
                }
            }
        }
    }

    @Test
    void channelSumsAgreeBitForBitAndWithADoubleSum() {
        forEachShape("channelSums", (batch, channels, spatial, rnd) -> {
            float[] x = gaussian(rnd, 2 + batch * channels * spatial, 0.5, 2);
            double[] simd = new double[channels];
            double[] plain = new double[channels];
            SIMD.channelSums(x, 2, batch, channels, spatial, simd);
            PLAIN.channelSums(x, 2, batch, channels, spatial, plain);
            assertThat(simd).containsExactly(plain);
            for (int c = 0; c < channels; c++) {
                double exact = 0;
                double magnitude = 0;
                for (int b = 0; b < batch; b++) {
                    for (int i = 0; i < spatial; i++) {
                        float v = x[2 + (b * channels + c) * spatial + i];
                        exact += v;
                        magnitude += Math.abs(v);
                    }
                }
                assertThat(simd[c]).isCloseTo(exact, within(1e-6 * magnitude * spatial + 1e-12));
            }
        });
    }

    @Test
    void channelCentredMomentsAgreeBitForBitAndWithDoubleSums() {
        forEachShape("channelCentredMoments", (batch, channels, spatial, rnd) -> {
            float[] x = gaussian(rnd, batch * channels * spatial, 3, 1);
            float[] centre = gaussian(rnd, channels, 3, 0.5);
            double[][] simd = {new double[channels], new double[channels]};
            double[][] plain = {new double[channels], new double[channels]};
            SIMD.channelCentredMoments(x, 0, batch, channels, spatial, centre, simd[0], simd[1]);
            PLAIN.channelCentredMoments(x, 0, batch, channels, spatial, centre, plain[0], plain[1]);
            assertThat(simd[0]).containsExactly(plain[0]);
            assertThat(simd[1]).containsExactly(plain[1]);
            for (int c = 0; c < channels; c++) {
                double sum = 0;
                double squares = 0;
                double magnitude = 0;
                for (int b = 0; b < batch; b++) {
                    for (int i = 0; i < spatial; i++) {
                        double d = x[(b * channels + c) * spatial + i] - (double) centre[c];
                        sum += d;
                        squares += d * d;
                        magnitude += Math.abs(d);
                    }
                }
                assertThat(simd[0][c]).isCloseTo(sum, within(1e-6 * magnitude * spatial + 1e-12));
                assertThat(simd[1][c]).isCloseTo(squares, within(1e-6 * squares * spatial + 1e-12));
            }
        });
    }

    @Test
    void channelGradientSumsAgreeBitForBitAndWithDoubleSums() {
        forEachShape("channelGradientSums", (batch, channels, spatial, rnd) -> {
            int n = batch * channels * spatial;
            float[] dy = gaussian(rnd, 1 + n);
            float[] x = gaussian(rnd, 4 + n, 1, 1);
            float[] centre = gaussian(rnd, channels, 1, 0.3);
            double[][] simd = {new double[channels], new double[channels]};
            double[][] plain = {new double[channels], new double[channels]};
            SIMD.channelGradientSums(dy, 1, x, 4, batch, channels, spatial, centre, simd[0], simd[1]);
            PLAIN.channelGradientSums(dy, 1, x, 4, batch, channels, spatial, centre, plain[0], plain[1]);
            assertThat(simd[0]).containsExactly(plain[0]);
            assertThat(simd[1]).containsExactly(plain[1]);
            for (int c = 0; c < channels; c++) {
                double sumDy = 0;
                double sumDyX = 0;
                double magnitude = 0;
                for (int b = 0; b < batch; b++) {
                    for (int i = 0; i < spatial; i++) {
                        int k = (b * channels + c) * spatial + i;
                        double t = dy[1 + k] * (x[4 + k] - (double) centre[c]);
                        sumDy += dy[1 + k];
                        sumDyX += t;
                        magnitude += Math.abs(t) + Math.abs(dy[1 + k]);
                    }
                }
                double tol = 1e-6 * magnitude * spatial + 1e-12;
                assertThat(simd[0][c]).isCloseTo(sumDy, within(tol));
                assertThat(simd[1][c]).isCloseTo(sumDyX, within(tol));
            }
        });
    }

    @Test
    void channelNormalizeAgreesBitForBitInAndOutOfPlace() {
        forEachShape("channelNormalize", (batch, channels, spatial, rnd) -> {
            int n = batch * channels * spatial;
            float[] x = gaussian(rnd, 3 + n, 2, 3);
            float[] centre = gaussian(rnd, channels);
            float[] scale = gaussian(rnd, channels);
            float[] shift = gaussian(rnd, channels);
            float[] ySimd = guarded(n + 7);
            float[] yPlain = guarded(n + 7);
            SIMD.channelNormalize(x, 3, ySimd, 5, batch, channels, spatial, centre, scale, shift);
            PLAIN.channelNormalize(x, 3, yPlain, 5, batch, channels, spatial, centre, scale, shift);
            assertBitIdentical(yPlain, ySimd, "channelNormalize simd vs plain");
            for (int k = 0; k < ySimd.length; k++) {
                int p = k - 5;
                float expected = p >= 0 && p < n
                        ? (x[3 + p] - centre[(p / spatial) % channels]) * scale[(p / spatial) % channels]
                                + shift[(p / spatial) % channels]
                        : GUARD;
                assertThat(ySimd[k]).as("element %d", k).isEqualTo(expected);
            }
            float[] inPlace = x.clone();
            SIMD.channelNormalize(inPlace, 3, inPlace, 3, batch, channels, spatial, centre, scale, shift);
            assertBitIdentical(Arrays.copyOfRange(ySimd, 5, 5 + n), Arrays.copyOfRange(inPlace, 3, 3 + n),
                    "channelNormalize in place");
        });
    }

    @Test
    void channelScaleAccumulateAgreesBitForBit() {
        forEachShape("channelScaleAccumulate", (batch, channels, spatial, rnd) -> {
            int n = batch * channels * spatial;
            float[] dy = gaussian(rnd, n);
            float[] scale = gaussian(rnd, channels);
            float[] dx0 = gaussian(rnd, n + 2);
            float[] simd = dx0.clone();
            float[] plain = dx0.clone();
            SIMD.channelScaleAccumulate(dy, 0, simd, 2, batch, channels, spatial, scale);
            PLAIN.channelScaleAccumulate(dy, 0, plain, 2, batch, channels, spatial, scale);
            assertBitIdentical(plain, simd, "channelScaleAccumulate simd vs plain");
            assertThat(simd[0]).isEqualTo(dx0[0]);
            assertThat(simd[1]).isEqualTo(dx0[1]);
            for (int k = 0; k < n; k++) {
                assertThat(simd[2 + k]).isEqualTo(dx0[2 + k] + dy[k] * scale[(k / spatial) % channels]);
            }
        });
    }

    @Test
    void batchNormInputGradientAgreesBitForBit() {
        forEachShape("batchNormInputGradient", (batch, channels, spatial, rnd) -> {
            int n = batch * channels * spatial;
            float[] dy = gaussian(rnd, n + 1);
            float[] x = gaussian(rnd, n + 3, 1, 2);
            float[][] k4 = {gaussian(rnd, channels), gaussian(rnd, channels), gaussian(rnd, channels),
                gaussian(rnd, channels)};
            float[] dx0 = gaussian(rnd, n);
            float[] simd = dx0.clone();
            float[] plain = dx0.clone();
            SIMD.batchNormInputGradient(dy, 1, x, 3, simd, 0, batch, channels, spatial, k4[0], k4[1], k4[2], k4[3]);
            PLAIN.batchNormInputGradient(dy, 1, x, 3, plain, 0, batch, channels, spatial, k4[0], k4[1], k4[2], k4[3]);
            assertBitIdentical(plain, simd, "batchNormInputGradient simd vs plain");
            for (int k = 0; k < n; k++) {
                int c = (k / spatial) % channels;
                double expected = dx0[k] + k4[0][c] * (double) dy[1 + k] + k4[2][c] * ((double) x[3 + k] - k4[1][c])
                        + k4[3][c];
                assertThat((double) simd[k]).isCloseTo(expected, within(1e-5 * (1 + Math.abs(expected))));
            }
        });
    }

    @Test
    void reductionsDoNotDependOnTheThreadCount() {
        Random rnd = new Random(5);
        int batch = 8;
        int channels = 6;
        int spatial = 57 * 57;
        float[] x = gaussian(rnd, batch * channels * spatial);
        float[] dy = gaussian(rnd, x.length);
        float[] centre = gaussian(rnd, channels);
        int threads = Parallel.threads();
        double[][] results = new double[2][];
        try {
            for (int run = 0; run < 2; run++) {
                Parallel.setThreads(run == 0 ? 1 : 4);
                double[] a = new double[channels];
                double[] b = new double[channels];
                BackwardElementwiseKernels.get().channelGradientSums(dy, 0, x, 0, batch, channels, spatial, centre,
                        a, b);
                results[run] = new double[2 * channels];
                System.arraycopy(a, 0, results[run], 0, channels);
                System.arraycopy(b, 0, results[run], channels, channels);
            }
        } finally {
            Parallel.setThreads(threads);
        }
        assertThat(results[1]).containsExactly(results[0]);
    }

    @Test
    void nanPropagatesThroughTheSums() {
        float[] x = {1f, Float.NaN, 2f, 3f, 4f, 5f, 6f, 7f, 8f};
        for (BackwardElementwiseKernels k : new BackwardElementwiseKernels[] {SIMD, PLAIN}) {
            double[] sums = new double[1];
            k.channelSums(x, 0, 1, 1, 9, sums);
            assertThat(sums[0]).as(k.name()).isNaN();
        }
        float[] y = {Float.NaN};
        float[] dx = new float[1];
        SIMD.reluBackward(y, 0, new float[] {1f}, 0, dx, 0, 1);
        assertBitIdenticalUpToNaNPayload(new float[] {0f}, dx, "relu backward of NaN");
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsWritten() {
        float[] dx = new float[4];
        assertThatThrownBy(() -> SIMD.reluBackward(new float[4], 0, new float[3], 0, dx, 0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("reluBackward: dy too short");
        assertThatThrownBy(() -> PLAIN.clampBackward(new float[4], 0, new float[4], 0, dx, 0, 4, 6f, 0f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bounds");
        assertThatThrownBy(() -> SIMD.channelSums(new float[8], 0, 2, 2, 2, new double[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("channelSums: sums too short");
        assertThatThrownBy(() -> SIMD.channelNormalize(new float[8], 0, new float[8], 1, 2, 2, 2, new float[2],
                new float[2], new float[2])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("channelNormalize: y [2 x 2 x 2] too short");
        assertThatThrownBy(() -> PLAIN.batchNormInputGradient(new float[8], 0, new float[8], 0, new float[8], 0, 2, 2,
                2, new float[2], new float[2], new float[1], new float[2])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("batchNormInputGradient: xScale too short");
        assertThat(dx).containsOnly(0f);
    }
}
