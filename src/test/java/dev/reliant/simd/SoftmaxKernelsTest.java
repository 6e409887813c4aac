package dev.reliant.simd;

import static dev.reliant.simd.BitAssert.assertBitIdenticalUpToNaNPayload;
import static dev.reliant.simd.TestArrays.GUARD;
import static dev.reliant.simd.TestArrays.gaussian;
import static dev.reliant.simd.TestArrays.guarded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class SoftmaxKernelsTest {
    static final int[] COLS = {1, 2, 3, 7, 8, 9, 10, 15, 16, 17, 24, 33, 100, 1000};
    static final SoftmaxKernels SIMD = SoftmaxSimd.INSTANCE;
    static final SoftmaxKernels PLAIN = SoftmaxPlain.INSTANCE;

    /** Softmax of one row in double precision, from the float inputs. */
    static double[] softmaxRef(float[] x, int off, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        double sum = 0;
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            e[i] = Math.exp(x[off + i] - m);
            sum += e[i];
        }
        for (int i = 0; i < n; i++) {
            e[i] /= sum;
        }
        return e;
    }

    static double[] logSoftmaxRef(float[] x, int off, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(x[off + i] - m);
        }
        double lse = m + Math.log(sum);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = x[off + i] - lse;
        }
        return y;
    }

    @Test
    void activeImplementationFollowsTheSwitch() {
        assertThat(SoftmaxKernels.get()).isSameAs(Simd.halfWidthVectorsOk() ? SIMD : PLAIN);
        assertThat(SIMD.name()).startsWith("simd");
        assertThat(PLAIN.name()).isEqualTo("plain");
    }

    @Test
    void softmaxMatchesTwinAndDoubleReference() {
        Random rnd = new Random(31);
        for (int rows : new int[] {1, 3, 7}) {
            for (int cols : COLS) {
                for (double spread : new double[] {1, 8}) {
                    int xOff = 2;
                    int yOff = 3;
                    float[] x = gaussian(rnd, xOff + rows * cols + 1, 0, spread);
                    float[] ySimd = guarded(yOff + rows * cols + 2);
                    float[] yPlain = guarded(ySimd.length);
                    SIMD.softmax(x, xOff, ySimd, yOff, rows, cols);
                    PLAIN.softmax(x, xOff, yPlain, yOff, rows, cols);
                    String what = "softmax " + rows + "x" + cols + " spread " + spread;
                    assertBitIdenticalUpToNaNPayload(yPlain, ySimd, what);
                    assertThat(ySimd[yOff - 1]).isEqualTo(GUARD);
                    assertThat(ySimd[yOff + rows * cols]).isEqualTo(GUARD);
                    for (int r = 0; r < rows; r++) {
                        double[] ref = softmaxRef(x, xOff + r * cols, cols);
                        double max = Double.NEGATIVE_INFINITY;
                        for (int i = 0; i < cols; i++) {
                            max = Math.max(max, x[xOff + r * cols + i]);
                        }
                        double sum = 0;
                        for (int i = 0; i < cols; i++) {
                            float got = ySimd[yOff + r * cols + i];
                            // x − max is rounded once (relative error 2^-24 of |x − max|, which exp turns
                            // into an absolute error of its exponent), then exp, sum and division round.
                            double d = max - x[xOff + r * cols + i];
                            double tol = ref[i] * (d * 0x1p-24 + 4 * 0x1p-24) + Double.MIN_VALUE;
                            assertThat((double) got).as(what + " row " + r + " col " + i).isCloseTo(ref[i], within(tol));
                            sum += got;
                        }
                        assertThat(sum).as(what + " row sum").isCloseTo(1.0, within((cols + 4) * 0x1p-24 * 4));
                    }
                }
            }
        }
    }

    @Test
    void logSoftmaxMatchesTwinAndReferenceAndLogOfSoftmax() {
        Random rnd = new Random(32);
        for (int rows : new int[] {1, 3, 7}) {
            for (int cols : COLS) {
                int xOff = 1;
                float[] x = gaussian(rnd, xOff + rows * cols, 0, 3);
                float[] ySimd = guarded(rows * cols + 1);
                float[] yPlain = guarded(rows * cols + 1);
                SIMD.logSoftmax(x, xOff, ySimd, 0, rows, cols);
                PLAIN.logSoftmax(x, xOff, yPlain, 0, rows, cols);
                String what = "logSoftmax " + rows + "x" + cols;
                assertBitIdenticalUpToNaNPayload(yPlain, ySimd, what);
                assertThat(ySimd[rows * cols]).isEqualTo(GUARD);
                float[] sm = new float[rows * cols];
                SIMD.softmax(x, xOff, sm, 0, rows, cols);
                for (int r = 0; r < rows; r++) {
                    double[] ref = logSoftmaxRef(x, xOff + r * cols, cols);
                    for (int i = 0; i < cols; i++) {
                        float got = ySimd[r * cols + i];
                        // Two roundings of values of size |x − max| and log(sum): a few ulps of the larger.
                        double scale = Math.abs(ref[i]) + Math.log(cols) + 1;
                        assertThat((double) got).as(what + " vs reference, row " + r + " col " + i)
                                .isCloseTo(ref[i], within(scale * 4 * 0x1p-24));
                        assertThat((double) got).as(what + " vs log(softmax), row " + r + " col " + i)
                                .isCloseTo(Math.log(sm[r * cols + i]), within(scale * 8 * 0x1p-24));
                    }
                }
            }
        }
    }

    @Test
    void hugeLogitsAreStable() {
        float[] x = {1e30f, -1e30f, 0f, 5f, -1e30f, -1e30f};
        for (SoftmaxKernels k : new SoftmaxKernels[] {SIMD, PLAIN}) {
            float[] y = new float[6];
            k.softmax(x, 0, y, 0, 1, 4);
            assertThat(y).as(k.name()).containsExactly(1f, 0f, 0f, 0f, 0f, 0f);
            k.softmax(x, 4, y, 4, 1, 2);
            assertThat(y[4]).isEqualTo(0.5f);
            assertThat(y[5]).isEqualTo(0.5f);
            k.logSoftmax(x, 0, y, 0, 1, 4);
            assertThat(y[0]).isEqualTo(0f);
            assertThat(y[1]).isEqualTo(-2e30f);
            assertThat(y[2]).isEqualTo(-1e30f);
            assertThat(y[3]).isEqualTo(-1e30f);
            for (float v : y) {
                assertThat(v).isFinite();
            }
            // A long row, so the SIMD twin's vector path sees the huge values too.
            float[] big = new float[37];
            Arrays.fill(big, -1e30f);
            big[29] = 1e30f;
            float[] out = new float[37];
            k.softmax(big, 0, out, 0, 1, 37);
            for (int i = 0; i < 37; i++) {
                assertThat(out[i]).isEqualTo(i == 29 ? 1f : 0f);
            }
        }
    }

    @Test
    void nanAndInfinityRows() {
        float[] x = gaussian(new Random(33), 4 * 20);
        x[0 * 20 + 13] = Float.NaN; // row 0: a NaN
        x[1 * 20 + 2] = Float.POSITIVE_INFINITY; // row 1: +inf
        Arrays.fill(x, 2 * 20, 3 * 20, Float.NEGATIVE_INFINITY); // row 2: all −inf; row 3 normal
        for (SoftmaxKernels k : new SoftmaxKernels[] {SIMD, PLAIN}) {
            for (boolean log : new boolean[] {false, true}) {
                float[] y = new float[x.length];
                if (log) {
                    k.logSoftmax(x, 0, y, 0, 4, 20);
                } else {
                    k.softmax(x, 0, y, 0, 4, 20);
                }
                for (int i = 0; i < 60; i++) {
                    assertThat(y[i]).as(k.name() + " log=" + log + " element " + i).isNaN();
                }
                for (int i = 60; i < 80; i++) {
                    assertThat(y[i]).as(k.name() + " log=" + log + " normal row").isNotNaN();
                }
            }
        }
    }

    @Test
    void signedZeroMaximumAndInPlace() {
        // Row maximum −0 (all values ≤ −0): the kernels take it as +0, so both twins agree on every bit.
        float[] x = {-0f, -3f, -0f, -1f, -2f, -0f, -5f, -0f, -0f, -4f, -0f};
        for (int cols : new int[] {1, 2, 9, 11}) {
            float[] a = new float[cols];
            float[] b = new float[cols];
            SIMD.logSoftmax(x, 0, a, 0, 1, cols);
            PLAIN.logSoftmax(x, 0, b, 0, 1, cols);
            for (int i = 0; i < cols; i++) {
                assertThat(Float.floatToRawIntBits(a[i])).isEqualTo(Float.floatToRawIntBits(b[i]));
            }
        }
        Random rnd = new Random(34);
        float[] v = gaussian(rnd, 3 * 17, 0, 2);
        for (SoftmaxKernels k : new SoftmaxKernels[] {SIMD, PLAIN}) {
            float[] out = new float[v.length];
            k.softmax(v, 0, out, 0, 3, 17);
            float[] in = v.clone();
            k.softmax(in, 0, in, 0, 3, 17);
            assertBitIdenticalUpToNaNPayload(out, in, k.name() + " softmax in place");
            k.logSoftmax(v, 0, out, 0, 3, 17);
            in = v.clone();
            k.logSoftmax(in, 0, in, 0, 3, 17);
            assertBitIdenticalUpToNaNPayload(out, in, k.name() + " logSoftmax in place");
        }
    }

    @Test
    void rowResultsDoNotDependOnBatchOrThreads() {
        Random rnd = new Random(35);
        int rows = 7;
        int cols = 1000;
        float[] x = gaussian(rnd, rows * cols, 0, 4);
        int saved = Parallel.threads();
        try {
            for (int threads : new int[] {1, 4}) {
                Parallel.setThreads(threads);
                for (SoftmaxKernels k : new SoftmaxKernels[] {SIMD, PLAIN}) {
                    float[] all = new float[rows * cols];
                    float[] allLog = new float[rows * cols];
                    k.softmax(x, 0, all, 0, rows, cols);
                    k.logSoftmax(x, 0, allLog, 0, rows, cols);
                    for (int r = 0; r < rows; r++) {
                        float[] one = new float[cols];
                        k.softmax(x, r * cols, one, 0, 1, cols);
                        assertBitIdenticalUpToNaNPayload(one, Arrays.copyOfRange(all, r * cols, (r + 1) * cols),
                                k.name() + " threads=" + threads + " softmax row " + r);
                        k.logSoftmax(x, r * cols, one, 0, 1, cols);
                        assertBitIdenticalUpToNaNPayload(one, Arrays.copyOfRange(allLog, r * cols, (r + 1) * cols),
                                k.name() + " threads=" + threads + " logSoftmax row " + r);
                    }
                }
            }
            // Enough rows to be split over the pool.
            float[] many = gaussian(rnd, 200 * 100, 0, 3);
            Parallel.setThreads(1);
            float[] one = new float[many.length];
            SIMD.softmax(many, 0, one, 0, 200, 100);
            Parallel.setThreads(4);
            float[] four = new float[many.length];
            SIMD.softmax(many, 0, four, 0, 200, 100);
            assertBitIdenticalUpToNaNPayload(one, four, "200 rows, 4 threads vs 1");
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void resultsDoNotChangeAfterJitWarmUp() {
        Random rnd = new Random(36);
        float[] x = gaussian(rnd, 3 * 19, 0, 3);
        x[20] = -0f;
        float[] first = null;
        float[] y = new float[2 * x.length];
        for (int iter = 0; iter < 10_000; iter++) {
            SIMD.softmax(x, 0, y, 0, 3, 19);
            SIMD.logSoftmax(x, 0, y, x.length, 3, 19);
            if (first == null) {
                first = y.clone();
            } else if (iter % 1000 == 0 || iter == 9_999) {
                assertBitIdenticalUpToNaNPayload(first, y, "iteration " + iter);
            }
        }
        float[] plain = new float[y.length];
        PLAIN.softmax(x, 0, plain, 0, 3, 19);
        PLAIN.logSoftmax(x, 0, plain, x.length, 3, 19);
        assertBitIdenticalUpToNaNPayload(plain, y, "warm simd vs plain");
    }

    @Test
    void invalidSoftmaxArguments() {
        for (SoftmaxKernels k : new SoftmaxKernels[] {SIMD, PLAIN}) {
            float[] x = new float[12];
            assertThatThrownBy(() -> k.softmax(x, 0, new float[11], 0, 3, 4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("softmax: y [3 x 4] too short");
            assertThatThrownBy(() -> k.logSoftmax(x, 1, new float[12], 0, 3, 4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("logSoftmax: x [3 x 4] too short");
            assertThatThrownBy(() -> k.softmax(x, 0, x, 0, 3, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cols must be positive");
            assertThatThrownBy(() -> k.softmax(x, 0, x, 0, -1, 4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows must not be negative");
            k.softmax(x, 0, x, 0, 0, 4); // no rows: nothing to do
        }
    }

    // ------------------------------------------------------------------ Ranking

    @Test
    void argmaxTakesTheFirstMaximumAndTreatsNaNAsLargest() {
        assertThat(Ranking.argmax(new float[] {1f, 3f, 3f, 2f}, 0, 4)).isEqualTo(1);
        assertThat(Ranking.argmax(new float[] {1f, Float.NaN, 5f, Float.NaN}, 0, 4)).isEqualTo(1);
        assertThat(Ranking.argmax(new float[] {Float.NaN, 9f}, 0, 2)).isZero();
        assertThat(Ranking.argmax(new float[] {-0f, 0f}, 0, 2)).isZero();
        assertThat(Ranking.argmax(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 0, 2)).isZero();
        assertThat(Ranking.argmax(new float[] {7f, 1f, 2f, 9f, 9f}, 1, 4)).isEqualTo(2);

        float[] rows = {0f, 2f, 1f, /**/ 5f, 5f, 5f, /**/ -1f, -2f, Float.NaN};
        int[] out = new int[5];
        Arrays.fill(out, -7);
        Ranking.argmax(rows, 0, 3, 3, out, 1);
        assertThat(out).containsExactly(-7, 1, 0, 2, -7);

        assertThatThrownBy(() -> Ranking.argmax(new float[3], 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("argmax: n must be positive");
        assertThatThrownBy(() -> Ranking.argmax(rows, 0, 3, 3, new int[2], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("argmax: out too short");
    }

    @Test
    void topKSortsByValueThenIndex() {
        float[] x = {1f, 5f, 3f, 5f, Float.NaN, 2f, 3f};
        assertThat(Ranking.topK(x, 0, 7, 4)).containsExactly(4, 1, 3, 2);
        assertThat(Ranking.topK(x, 0, 7, 7)).containsExactly(4, 1, 3, 2, 6, 5, 0);
        assertThat(Ranking.topK(x, 0, 7, 1)).containsExactly(4);
        assertThat(Ranking.topK(x, 0, 7, 0)).isEmpty();
        assertThat(Ranking.topK(x, 5, 2, 2)).containsExactly(1, 0);

        // Random rows with many ties against a sort-based reference.
        Random rnd = new Random(37);
        for (int cols : new int[] {1, 3, 9, 17, 100}) {
            int rows = 5;
            float[] v = new float[rows * cols];
            for (int i = 0; i < v.length; i++) {
                int r = rnd.nextInt(12);
                v[i] = r == 0 ? Float.NaN : r == 1 ? -0f : (float) rnd.nextInt(6);
            }
            for (int k : new int[] {0, 1, Math.min(3, cols), cols}) {
                int[] out = new int[rows * k];
                Ranking.topK(v, 0, rows, cols, k, out, 0);
                for (int r = 0; r < rows; r++) {
                    int base = r * cols;
                    Comparator<Integer> byRank = (a, b) -> {
                        float fa = v[base + a];
                        float fb = v[base + b];
                        boolean na = Float.isNaN(fa);
                        boolean nb = Float.isNaN(fb);
                        if (na != nb) {
                            return na ? -1 : 1;
                        }
                        if (!na && fa != fb) {
                            return fa > fb ? -1 : 1;
                        }
                        return Integer.compare(a, b);
                    };
                    int[] expected = IntStream.range(0, cols).boxed().sorted(byRank).limit(k)
                            .mapToInt(Integer::intValue).toArray();
                    assertThat(Arrays.copyOfRange(out, r * k, (r + 1) * k)).as("cols=" + cols + " k=" + k + " row " + r)
                            .containsExactly(expected);
                    if (k > 0) {
                        assertThat(out[r * k]).isEqualTo(Ranking.argmax(v, base, cols));
                    }
                }
            }
        }

        assertThatThrownBy(() -> Ranking.topK(x, 0, 7, 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k must be in [0, 7]");
        assertThatThrownBy(() -> Ranking.topK(x, 0, 2, 3, 2, new int[3], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out [2 x 2] too short");
        assertThatThrownBy(() -> Ranking.topK(x, 0, 2, 4, 2, new int[4], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x [2 x 4] too short");
    }

    @Test
    void ranksBeforeIsATotalOrder() {
        assertThat(Ranking.ranksBefore(2f, 5, 1f, 0)).isTrue();
        assertThat(Ranking.ranksBefore(1f, 0, 2f, 5)).isFalse();
        assertThat(Ranking.ranksBefore(Float.NaN, 5, Float.POSITIVE_INFINITY, 0)).isTrue();
        assertThat(Ranking.ranksBefore(Float.NaN, 5, Float.NaN, 0)).isFalse();
        assertThat(Ranking.ranksBefore(Float.NaN, 0, Float.NaN, 5)).isTrue();
        assertThat(Ranking.ranksBefore(-0f, 0, 0f, 1)).isTrue();
        assertThat(Ranking.ranksBefore(0f, 1, -0f, 0)).isFalse();
    }
}
