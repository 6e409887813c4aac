package dev.reliant.simd;

import static dev.reliant.simd.BitAssert.assertBitIdenticalUpToNaNPayload;
import static dev.reliant.simd.TestArrays.guarded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ElementwiseKernelsTest {
    /** Sizes that hit every tail of 8- and 16-lane vectors and of the 2-vector unrolled loops. */
    static final int[] SIZES = {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 100, 1000};

    static final ElementwiseKernels SIMD = ElementwiseSimd.INSTANCE;
    static final ElementwiseKernels PLAIN = ElementwisePlain.INSTANCE;

    @FunctionalInterface
    interface Unary {
        void run(ElementwiseKernels k, float[] x, int xOff, float[] y, int yOff, int n);
    }

    @FunctionalInterface
    interface Binary {
        void run(ElementwiseKernels k, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n);
    }

    @FunctionalInterface
    interface FloatOp {
        float apply(float v);
    }

    @FunctionalInterface
    interface FloatOp2 {
        float apply(float a, float b);
    }

    /** Gaussian values with specials sprinkled in: NaN, ±0, ±inf, the clamp bounds. */
    static float[] data(Random rnd, int n) {
        float[] v = new float[n];
        float[] specials = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 6f, -1.5f, 2.25f,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE};
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextInt(8) == 0 ? specials[rnd.nextInt(specials.length)] : (float) (rnd.nextGaussian() * 4);
        }
        return v;
    }

    /** Runs a unary kernel on both twins with offsets and guards; checks twins, reference and guards. */
    static void checkUnary(String name, Unary op, FloatOp reference) {
        Random rnd = new Random(name.hashCode());
        for (int n : SIZES) {
            int xOff = 3;
            int yOff = 5;
            float[] x = data(rnd, xOff + n + 4);
            float[] ySimd = guarded(yOff + n + 6);
            float[] yPlain = guarded(yOff + n + 6);
            op.run(SIMD, x, xOff, ySimd, yOff, n);
            op.run(PLAIN, x, xOff, yPlain, yOff, n);
            String what = name + " n=" + n;
            assertBitIdenticalUpToNaNPayload(yPlain, ySimd, what + " simd vs plain");
            float[] expected = guarded(yOff + n + 6);
            for (int i = 0; i < n; i++) {
                expected[yOff + i] = reference.apply(x[xOff + i]);
            }
            assertBitIdenticalUpToNaNPayload(expected, ySimd, what + " vs reference (guards included)");

            // In place: y is x at the same offset.
            float[] inPlace = x.clone();
            op.run(SIMD, inPlace, xOff, inPlace, xOff, n);
            float[] inPlacePlain = x.clone();
            op.run(PLAIN, inPlacePlain, xOff, inPlacePlain, xOff, n);
            assertBitIdenticalUpToNaNPayload(inPlacePlain, inPlace, what + " in place");
            assertBitIdenticalUpToNaNPayload(Arrays.copyOfRange(ySimd, yOff, yOff + n),
                    Arrays.copyOfRange(inPlace, xOff, xOff + n), what + " in place vs out of place");
        }
    }

    static void checkBinary(String name, Binary op, FloatOp2 reference) {
        Random rnd = new Random(name.hashCode());
        for (int n : SIZES) {
            int aOff = 1;
            int bOff = 4;
            int yOff = 2;
            float[] a = data(rnd, aOff + n + 3);
            float[] b = data(rnd, bOff + n + 2);
            float[] ySimd = guarded(yOff + n + 5);
            float[] yPlain = guarded(yOff + n + 5);
            op.run(SIMD, a, aOff, b, bOff, ySimd, yOff, n);
            op.run(PLAIN, a, aOff, b, bOff, yPlain, yOff, n);
            String what = name + " n=" + n;
            assertBitIdenticalUpToNaNPayload(yPlain, ySimd, what + " simd vs plain");
            float[] expected = guarded(yOff + n + 5);
            for (int i = 0; i < n; i++) {
                expected[yOff + i] = reference.apply(a[aOff + i], b[bOff + i]);
            }
            assertBitIdenticalUpToNaNPayload(expected, ySimd, what + " vs reference (guards included)");
        }
    }

    /** Reference relu written differently from the kernels: keep positives and NaN, else +0. */
    static float reluRef(float v) {
        return (v > 0f || Float.isNaN(v)) ? v : 0f;
    }

    /** The documented rule: Math.min(Math.max(v, lo), hi) (NaN propagates, −0 < +0). */
    static float clampRef(float v, float lo, float hi) {
        return Math.min(Math.max(v, lo), hi);
    }

    @Test
    void activeImplementationFollowsTheSwitch() {
        assertThat(ElementwiseKernels.get()).isSameAs(Simd.enabled() ? SIMD : PLAIN);
        assertThat(SIMD.name()).startsWith("simd");
        assertThat(PLAIN.name()).isEqualTo("plain");
    }

    @Test
    void relu() {
        checkUnary("relu", ElementwiseKernels::relu, ElementwiseKernelsTest::reluRef);
    }

    @Test
    void relu6() {
        checkUnary("relu6", ElementwiseKernels::relu6, v -> clampRef(v, 0f, 6f));
    }

    @Test
    void clamp() {
        checkUnary("clamp", (k, x, xo, y, yo, n) -> k.clamp(x, xo, y, yo, n, -1.5f, 2.25f),
                v -> clampRef(v, -1.5f, 2.25f));
        checkUnary("clamp-degenerate", (k, x, xo, y, yo, n) -> k.clamp(x, xo, y, yo, n, 2.25f, 2.25f),
                v -> Float.isNaN(v) ? v : 2.25f);
        checkUnary("clamp-signed-zero-bounds", (k, x, xo, y, yo, n) -> k.clamp(x, xo, y, yo, n, -0f, 0f),
                v -> clampRef(v, -0f, 0f));
        checkUnary("clamp-infinite", (k, x, xo, y, yo, n) -> k.clamp(x, xo, y, yo, n,
                Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY), v -> v);
    }

    @Test
    void add() {
        checkBinary("add", ElementwiseKernels::add, (a, b) -> (float) ((double) a + (double) b));
    }

    @Test
    void addRelu() {
        checkBinary("addRelu", ElementwiseKernels::addRelu, (a, b) -> reluRef((float) ((double) a + (double) b)));
    }

    @Test
    void addInPlace() {
        checkBinary("addInPlace", (k, a, ao, b, bo, y, yo, n) -> {
            System.arraycopy(a, ao, y, yo, n);
            k.addInPlace(y, yo, b, bo, n);
        }, (a, b) -> (float) ((double) a + (double) b));
    }

    @Test
    void scale() {
        checkUnary("scale", (k, x, xo, y, yo, n) -> k.scale(x, xo, y, yo, n, -0.3f),
                v -> (float) ((double) v * (double) -0.3f));
    }

    @Test
    void nanSignedZeroAndInfinityRules() {
        float[] x = {Float.NaN, -0f, 0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -2f, 7f, 6f, 0.5f};
        for (ElementwiseKernels k : new ElementwiseKernels[] {SIMD, PLAIN}) {
            // Repeat the pattern so that the SIMD twin runs it through full vectors, not only the tail.
            float[] big = new float[x.length * 8];
            for (int i = 0; i < big.length; i++) {
                big[i] = x[i % x.length];
            }
            float[] y = new float[big.length];
            k.relu(big, 0, y, 0, big.length);
            for (int i = 0; i < big.length; i++) {
                float expected = new float[] {Float.NaN, 0f, 0f, 0f, Float.POSITIVE_INFINITY, 0f, 7f, 6f, 0.5f}[i % x.length];
                assertThat(Float.floatToIntBits(y[i])).as(k.name() + " relu(" + big[i] + ")")
                        .isEqualTo(Float.floatToIntBits(expected));
            }
            k.relu6(big, 0, y, 0, big.length);
            for (int i = 0; i < big.length; i++) {
                float expected = new float[] {Float.NaN, 0f, 0f, 0f, 6f, 0f, 6f, 6f, 0.5f}[i % x.length];
                assertThat(Float.floatToIntBits(y[i])).as(k.name() + " relu6(" + big[i] + ")")
                        .isEqualTo(Float.floatToIntBits(expected));
            }
            float[] a = new float[big.length];
            Arrays.fill(a, -0f);
            k.addRelu(a, 0, big, 0, y, 0, big.length);
            for (int i = 0; i < big.length; i++) {
                assertThat(Float.floatToIntBits(y[i])).as(k.name() + " addRelu(-0, " + big[i] + ")")
                        .isEqualTo(Float.floatToIntBits(reluRef(-0f + big[i])));
            }
        }
    }

    @Test
    void scaleShiftMatchesTwinAndReference() {
        Random rnd = new Random(11);
        int[][] shapes = {{1, 1, 1}, {2, 3, 5 * 7}, {3, 5, 1}, {1, 7, 17}, {2, 3, 33}, {4, 9, 100}, {1, 2, 0}, {0, 3, 4},
            {2, 16, 8 * 8}, {1, 3, 15 * 15}};
        for (int[] s : shapes) {
            int batch = s[0];
            int channels = s[1];
            int spatial = s[2];
            int n = batch * channels * spatial;
            float[] x = data(rnd, n + 2);
            float[] scale = data(rnd, channels);
            float[] shift = data(rnd, channels);
            float[] ySimd = guarded(n + 3);
            float[] yPlain = guarded(n + 3);
            SIMD.scaleShift(x, 2, ySimd, 1, batch, channels, spatial, scale, shift);
            PLAIN.scaleShift(x, 2, yPlain, 1, batch, channels, spatial, scale, shift);
            String what = "scaleShift " + Arrays.toString(s);
            assertBitIdenticalUpToNaNPayload(yPlain, ySimd, what);
            float[] expected = guarded(n + 3);
            for (int b = 0; b < batch; b++) {
                for (int c = 0; c < channels; c++) {
                    for (int i = 0; i < spatial; i++) {
                        int j = (b * channels + c) * spatial + i;
                        float m = (float) ((double) x[2 + j] * scale[c]);
                        expected[1 + j] = (float) ((double) m + shift[c]);
                    }
                }
            }
            assertBitIdenticalUpToNaNPayload(expected, ySimd, what + " vs reference");
        }
    }

    @Test
    void scaleShiftPerImageEqualsBatch() {
        Random rnd = new Random(12);
        int batch = 7;
        int channels = 5;
        int spatial = 9 * 9;
        int image = channels * spatial;
        float[] x = data(rnd, batch * image);
        float[] scale = data(rnd, channels);
        float[] shift = data(rnd, channels);
        for (ElementwiseKernels k : new ElementwiseKernels[] {SIMD, PLAIN}) {
            float[] all = new float[batch * image];
            k.scaleShift(x, 0, all, 0, batch, channels, spatial, scale, shift);
            for (int b = 0; b < batch; b++) {
                float[] one = new float[image];
                k.scaleShift(x, b * image, one, 0, 1, channels, spatial, scale, shift);
                assertBitIdenticalUpToNaNPayload(one, Arrays.copyOfRange(all, b * image, (b + 1) * image),
                        k.name() + " image " + b + " of 7 vs alone");
            }
        }
    }

    @Test
    void largeArraysAreSplitOverThreadsWithoutChangingBits() {
        int n = 3 * ElementwiseDriver.PARALLEL_GRAIN + 123;
        Random rnd = new Random(13);
        float[] a = data(rnd, n);
        float[] b = data(rnd, n);
        int saved = Parallel.threads();
        try {
            float[][] results = new float[4][];
            int r = 0;
            for (int threads : new int[] {1, 4}) {
                Parallel.setThreads(threads);
                for (ElementwiseKernels k : new ElementwiseKernels[] {SIMD, PLAIN}) {
                    float[] y = new float[n];
                    k.addRelu(a, 0, b, 0, y, 0, n);
                    k.clamp(y, 0, y, 0, n, -1f, 3f);
                    k.scale(y, 0, y, 0, n, 0.75f);
                    k.addInPlace(y, 0, a, 0, n);
                    results[r++] = y;
                }
            }
            for (int i = 1; i < results.length; i++) {
                assertBitIdenticalUpToNaNPayload(results[0], results[i], "result " + i);
            }
            float[] expected = new float[n];
            for (int i = 0; i < n; i++) {
                float v = clampRef(reluRef(a[i] + b[i]), -1f, 3f) * 0.75f;
                expected[i] = v + a[i];
            }
            assertBitIdenticalUpToNaNPayload(expected, results[0], "vs reference");
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void resultsDoNotChangeAfterJitWarmUp() {
        Random rnd = new Random(14);
        int n = 41;
        float[] a = data(rnd, n);
        float[] b = data(rnd, n);
        float[] first = null;
        float[] y = new float[3 * n];
        for (int iter = 0; iter < 20_000; iter++) {
            SIMD.relu(a, 0, y, 0, n);
            SIMD.clamp(a, 0, y, n, n, -1.5f, 2.25f);
            SIMD.addRelu(a, 0, b, 0, y, 2 * n, n);
            if (first == null) {
                first = y.clone();
            } else if (iter % 1000 == 0 || iter == 19_999) {
                assertBitIdenticalUpToNaNPayload(first, y, "iteration " + iter);
            }
        }
        float[] plain = new float[3 * n];
        PLAIN.relu(a, 0, plain, 0, n);
        PLAIN.clamp(a, 0, plain, n, n, -1.5f, 2.25f);
        PLAIN.addRelu(a, 0, b, 0, plain, 2 * n, n);
        assertBitIdenticalUpToNaNPayload(plain, y, "warm simd vs plain");
    }

    @Test
    void foldBatchNormComputesScaleAndShiftInDouble() {
        float[] gamma = {2f, 1f, 0.5f};
        float[] beta = {1f, 0f, -1f};
        float[] mean = {3f, 0f, 2f};
        float[] var = {4f, 1f, 0.25f};
        float[] scale = new float[3];
        float[] shift = new float[3];
        ElementwiseKernels.foldBatchNorm(gamma, beta, mean, var, 0.0, 3, scale, shift);
        assertThat(scale).containsExactly(1f, 1f, 1f);
        assertThat(shift).containsExactly(-2f, 0f, -3f);

        ElementwiseKernels.foldBatchNorm(gamma, beta, mean, var, 1e-5, 3, scale, shift);
        for (int c = 0; c < 3; c++) {
            double s = gamma[c] / Math.sqrt(var[c] + 1e-5);
            assertThat(scale[c]).isEqualTo((float) s);
            assertThat(shift[c]).isEqualTo((float) (beta[c] - mean[c] * s));
        }

        // affine=False, and a faulty (negative) variance that must give NaN, not an exception.
        ElementwiseKernels.foldBatchNorm(null, null, new float[] {1f, 1f, 1f}, new float[] {3f, -2f, Float.NaN},
                1.0, 3, scale, shift);
        assertThat(scale[0]).isEqualTo(0.5f);
        assertThat(shift[0]).isEqualTo(-0.5f);
        assertThat(scale[1]).isNaN();
        assertThat(shift[1]).isNaN();
        assertThat(scale[2]).isNaN();

        assertThatThrownBy(() -> ElementwiseKernels.foldBatchNorm(gamma, beta, mean, new float[2], 1e-5, 3, scale, shift))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("var");
        assertThatThrownBy(() -> ElementwiseKernels.foldBatchNorm(gamma, beta, mean, var, 1e-5, 3, scale, new float[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shift");
    }

    @Test
    void invalidArgumentsNameTheOperand() {
        for (ElementwiseKernels k : new ElementwiseKernels[] {SIMD, PLAIN}) {
            float[] four = new float[4];
            assertThatThrownBy(() -> k.relu(four, 0, four, 0, -1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("relu").hasMessageContaining("n must not be negative");
            assertThatThrownBy(() -> k.relu(four, 0, new float[3], 0, 4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y too short");
            assertThatThrownBy(() -> k.relu(four, 2, new float[4], 0, 3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x too short");
            assertThatThrownBy(() -> k.relu(four, -1, four, 0, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x offset");
            assertThatThrownBy(() -> k.relu(null, 0, four, 0, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x is null");
            assertThatThrownBy(() -> k.clamp(four, 0, four, 0, 4, 1f, 0f))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clamp").hasMessageContaining("lo <= hi");
            assertThatThrownBy(() -> k.clamp(four, 0, four, 0, 4, Float.NaN, 1f))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bounds");
            assertThatThrownBy(() -> k.add(four, 0, new float[2], 0, four, 0, 4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("add: b too short");
            assertThatThrownBy(() -> k.addRelu(new float[2], 0, four, 0, four, 0, 4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("addRelu: a too short");
            assertThatThrownBy(() -> k.addInPlace(four, 1, four, 0, 4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("addInPlace: y too short");
            assertThatThrownBy(() -> k.scale(four, 0, four, 0, 5, 2f))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scale: x too short");
            assertThatThrownBy(() -> k.scaleShift(new float[12], 0, new float[12], 0, 2, 3, 2, new float[2], new float[3]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scaleShift: scale too short");
            assertThatThrownBy(() -> k.scaleShift(new float[11], 0, new float[12], 0, 2, 3, 2, new float[3], new float[3]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x [2 x 3 x 2] too short");
            assertThatThrownBy(() -> k.scaleShift(new float[12], 0, new float[12], 0, 2, -3, 2, new float[3], new float[3]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channels must not be negative");
            // Nothing was written by a rejected call.
            assertThat(four).containsOnly(0f);
        }
    }
}
