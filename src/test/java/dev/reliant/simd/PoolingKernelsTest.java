package dev.reliant.simd;

import static dev.reliant.simd.BitAssert.assertBitIdentical;
import static dev.reliant.simd.TestArrays.GUARD;
import static dev.reliant.simd.TestArrays.gaussian;
import static dev.reliant.simd.TestArrays.guarded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class PoolingKernelsTest {
    static final PoolingKernels SIMD = PoolingSimd.INSTANCE;
    static final PoolingKernels PLAIN = PoolingPlain.INSTANCE;

    /** {kh, kw, sh, sw, ph, pw}. */
    static final int[][] WINDOWS = {
        {2, 2, 2, 2, 0, 0}, // CIFAR-style downsampling
        {3, 3, 2, 2, 1, 1}, // ImageNet ResNet stem
        {3, 3, 1, 1, 1, 1}, // "same" pooling
        {1, 1, 1, 1, 0, 0},
        {2, 2, 1, 1, 0, 0},
        {3, 3, 3, 3, 0, 0},
        {5, 5, 2, 2, 2, 2},
        {3, 2, 1, 2, 1, 0}, // asymmetric
        {4, 4, 3, 3, 2, 1},
        {1, 3, 1, 4, 0, 1},
    };

    /** {h, w}: odd, tiny and vector-sized rows. */
    static final int[][] PLANES = {{1, 1}, {5, 7}, {7, 5}, {2, 3}, {8, 8}, {9, 17}, {15, 33}, {16, 16}, {32, 32},
        {17, 40}, {56, 56}};

    static boolean fits(int in, int k, int s, int p) {
        return in + 2 * p >= k;
    }

    // ------------------------------------------------------------------ naive double references

    static double[] maxRef(float[] x, int xOff, int planes, int h, int w, int[] win) {
        int kh = win[0], kw = win[1], sh = win[2], sw = win[3], ph = win[4], pw = win[5];
        int oh = (h + 2 * ph - kh) / sh + 1;
        int ow = (w + 2 * pw - kw) / sw + 1;
        double[] y = new double[planes * oh * ow];
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            int iy = oy * sh - ph + ky;
                            int ix = ox * sw - pw + kx;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                m = Math.max(m, x[xOff + (p * h + iy) * w + ix]);
                            }
                        }
                    }
                    y[(p * oh + oy) * ow + ox] = m;
                }
            }
        }
        return y;
    }

    /** Returns {mean, sum of |x| / divisor} per output, for the tolerance. */
    static double[][] avgRef(float[] x, int xOff, int planes, int h, int w, int[] win, boolean includePad) {
        int kh = win[0], kw = win[1], sh = win[2], sw = win[3], ph = win[4], pw = win[5];
        int oh = (h + 2 * ph - kh) / sh + 1;
        int ow = (w + 2 * pw - kw) / sw + 1;
        double[][] y = new double[2][planes * oh * ow];
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double sum = 0;
                    double abs = 0;
                    int count = 0;
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            int iy = oy * sh - ph + ky;
                            int ix = ox * sw - pw + kx;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                double v = x[xOff + (p * h + iy) * w + ix];
                                sum += v;
                                abs += Math.abs(v);
                                count++;
                            }
                        }
                    }
                    int divisor = includePad ? kh * kw : count;
                    y[0][(p * oh + oy) * ow + ox] = sum / divisor;
                    y[1][(p * oh + oy) * ow + ox] = abs / divisor;
                }
            }
        }
        return y;
    }

    // ------------------------------------------------------------------ tests

    @Test
    void activeImplementationFollowsTheSwitch() {
        assertThat(PoolingKernels.get()).isSameAs(Simd.halfWidthVectorsOk() ? SIMD : PLAIN);
        assertThat(SIMD.name()).startsWith("simd");
        assertThat(PLAIN.name()).isEqualTo("plain");
    }

    @Test
    void outSizeFollowsPyTorch() {
        assertThat(PoolingKernels.outSize(32, 2, 2, 0, 1)).isEqualTo(16);
        assertThat(PoolingKernels.outSize(112, 3, 2, 1, 1)).isEqualTo(56);
        assertThat(PoolingKernels.outSize(5, 3, 1, 1, 1)).isEqualTo(5);
        assertThat(PoolingKernels.outSize(7, 3, 2, 1, 1)).isEqualTo(4);
        assertThat(PoolingKernels.outSize(7, 3, 1, 0, 2)).isEqualTo(3);
        assertThat(PoolingKernels.outSize(1, 1, 1, 0, 1)).isEqualTo(1);
        assertThat(PoolingKernels.outSize(224, 7, 2, 3, 1)).isEqualTo(112);
        assertThat(PoolingKernels.outSize(3, 5, 1, 1, 1)).isEqualTo(1);
        assertThatThrownBy(() -> PoolingKernels.outSize(2, 5, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("larger than the padded input");
        assertThatThrownBy(() -> PoolingKernels.outSize(7, 3, 1, 0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dilation 4");
        assertThatThrownBy(() -> PoolingKernels.outSize(7, 3, 0, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride must be positive");
        assertThatThrownBy(() -> PoolingKernels.outSize(7, 3, 1, -1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("padding must not be negative");
        assertThatThrownBy(() -> PoolingKernels.outSize(0, 1, 1, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input must be positive");
    }

    @Test
    void windowedPoolingMatchesTwinAndReference() {
        Random rnd = new Random(21);
        int batch = 2;
        int channels = 3;
        int cases = 0;
        for (int[] win : WINDOWS) {
            for (int[] plane : PLANES) {
                int h = plane[0];
                int w = plane[1];
                if (!fits(h, win[0], win[2], win[4]) || !fits(w, win[1], win[3], win[5])) {
                    continue;
                }
                cases++;
                int oh = PoolingKernels.outSize(h, win[0], win[2], win[4], 1);
                int ow = PoolingKernels.outSize(w, win[1], win[3], win[5], 1);
                int planes = batch * channels;
                int xOff = 3;
                int yOff = 2;
                float[] x = gaussian(rnd, xOff + planes * h * w + 5, 0.5, 2);
                String what = "window " + Arrays.toString(win) + " plane " + h + "x" + w;

                float[] maxSimd = guarded(yOff + planes * oh * ow + 4);
                float[] maxPlain = guarded(maxSimd.length);
                SIMD.maxPool2d(x, xOff, batch, channels, h, w, win[0], win[1], win[2], win[3], win[4], win[5], maxSimd, yOff);
                PLAIN.maxPool2d(x, xOff, batch, channels, h, w, win[0], win[1], win[2], win[3], win[4], win[5], maxPlain, yOff);
                assertBitIdentical(maxPlain, maxSimd, "max " + what);
                double[] mref = maxRef(x, xOff, planes, h, w, win);
                float[] expected = guarded(maxSimd.length);
                for (int i = 0; i < mref.length; i++) {
                    expected[yOff + i] = (float) mref[i];
                }
                assertBitIdentical(expected, maxSimd, "max vs reference " + what);

                for (boolean includePad : new boolean[] {true, false}) {
                    float[] avgSimd = guarded(yOff + planes * oh * ow + 4);
                    float[] avgPlain = guarded(avgSimd.length);
                    SIMD.avgPool2d(x, xOff, batch, channels, h, w, win[0], win[1], win[2], win[3], win[4], win[5],
                            includePad, avgSimd, yOff);
                    PLAIN.avgPool2d(x, xOff, batch, channels, h, w, win[0], win[1], win[2], win[3], win[4], win[5],
                            includePad, avgPlain, yOff);
                    String avgWhat = "avg includePad=" + includePad + " " + what;
                    assertBitIdentical(avgPlain, avgSimd, avgWhat);
                    double[][] aref = avgRef(x, xOff, planes, h, w, win, includePad);
                    int kk = win[0] * win[1];
                    for (int i = 0; i < aref[0].length; i++) {
                        double tol = (kk + 1) * 0x1p-24 * aref[1][i] + Float.MIN_NORMAL;
                        assertThat((double) avgSimd[yOff + i]).as(avgWhat + " output " + i)
                                .isCloseTo(aref[0][i], org.assertj.core.data.Offset.offset(tol));
                    }
                    for (int i = 0; i < yOff; i++) {
                        assertThat(avgSimd[i]).isEqualTo(GUARD);
                    }
                    for (int i = yOff + planes * oh * ow; i < avgSimd.length; i++) {
                        assertThat(avgSimd[i]).isEqualTo(GUARD);
                    }
                }
            }
        }
        assertThat(cases).isGreaterThan(80);
    }

    @Test
    void knownSmallExample() {
        // One 4x4 plane, values 1..16 row by row.
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) {
            x[i] = i + 1;
        }
        for (PoolingKernels k : new PoolingKernels[] {SIMD, PLAIN}) {
            float[] y = new float[4];
            k.maxPool2d(x, 0, 1, 1, 4, 4, 2, 2, 2, 2, 0, 0, y, 0);
            assertThat(y).containsExactly(6f, 8f, 14f, 16f);
            k.avgPool2d(x, 0, 1, 1, 4, 4, 2, 2, 2, 2, 0, 0, true, y, 0);
            assertThat(y).containsExactly(3.5f, 5.5f, 11.5f, 13.5f);
            // k=3 s=2 p=1: windows at rows/cols {-1..1} and {1..3}.
            k.maxPool2d(x, 0, 1, 1, 4, 4, 3, 3, 2, 2, 1, 1, y, 0);
            assertThat(y).containsExactly(6f, 8f, 14f, 16f);
            k.avgPool2d(x, 0, 1, 1, 4, 4, 3, 3, 2, 2, 1, 1, true, y, 0);
            // top-left window holds 1, 2, 5, 6 (sum 14) and five padding zeros: 14 / 9.
            assertThat(y).containsExactly(14f / 9f, (2 + 3 + 4 + 6 + 7 + 8) / 9f,
                    (5 + 6 + 9 + 10 + 13 + 14) / 9f, (6 + 7 + 8 + 10 + 11 + 12 + 14 + 15 + 16) / 9f);
            k.avgPool2d(x, 0, 1, 1, 4, 4, 3, 3, 2, 2, 1, 1, false, y, 0);
            assertThat(y).containsExactly(14f / 4f, (2 + 3 + 4 + 6 + 7 + 8) / 6f,
                    (5 + 6 + 9 + 10 + 13 + 14) / 6f, (6 + 7 + 8 + 10 + 11 + 12 + 14 + 15 + 16) / 9f);
        }
    }

    @Test
    void paddingNeverWinsAMaxAndNaNPropagates() {
        int h = 9;
        int w = 20;
        float[] neg = new float[h * w];
        for (int i = 0; i < neg.length; i++) {
            neg[i] = -1f - i;
        }
        float[] withNaN = new float[h * w];
        for (int i = 0; i < withNaN.length; i++) {
            withNaN[i] = i % 7;
        }
        withNaN[4 * w + 10] = Float.NaN;
        for (PoolingKernels k : new PoolingKernels[] {SIMD, PLAIN}) {
            int oh = PoolingKernels.outSize(h, 3, 1, 1, 1);
            int ow = PoolingKernels.outSize(w, 3, 1, 1, 1);
            float[] y = new float[oh * ow];
            k.maxPool2d(neg, 0, 1, 1, h, w, 3, 3, 1, 1, 1, 1, y, 0);
            for (float v : y) {
                assertThat(v).as(k.name()).isNegative();
            }
            assertThat(y[0]).isEqualTo(-1f);
            k.maxPool2d(withNaN, 0, 1, 1, h, w, 3, 3, 1, 1, 1, 1, y, 0);
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    boolean covers = Math.abs(oy - 4) <= 1 && Math.abs(ox - 10) <= 1;
                    assertThat(Float.isNaN(y[oy * ow + ox])).as(k.name() + " (" + oy + ", " + ox + ")").isEqualTo(covers);
                }
            }
            k.avgPool2d(withNaN, 0, 1, 1, h, w, 3, 3, 1, 1, 1, 1, true, y, 0);
            assertThat(y[4 * ow + 10]).isNaN();
            assertThat(y[0]).isNotNaN();
        }
    }

    @Test
    void specialValuesGiveTheSameBitsInBothTwins() {
        Random rnd = new Random(22);
        float[] specials = {Float.NaN, Float.intBitsToFloat(0x7fc00123), 0f, -0f, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, 1f, -1f};
        int h = 11;
        int w = 37;
        float[] x = new float[2 * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = specials[rnd.nextInt(specials.length)];
        }
        for (int[] win : WINDOWS) {
            int oh = PoolingKernels.outSize(h, win[0], win[2], win[4], 1);
            int ow = PoolingKernels.outSize(w, win[1], win[3], win[5], 1);
            float[] a = new float[2 * oh * ow];
            float[] b = new float[2 * oh * ow];
            SIMD.maxPool2d(x, 0, 1, 2, h, w, win[0], win[1], win[2], win[3], win[4], win[5], a, 0);
            PLAIN.maxPool2d(x, 0, 1, 2, h, w, win[0], win[1], win[2], win[3], win[4], win[5], b, 0);
            assertBitIdentical(b, a, "max (raw bits, NaN payloads and signed zeros) " + Arrays.toString(win));
            SIMD.avgPool2d(x, 0, 1, 2, h, w, win[0], win[1], win[2], win[3], win[4], win[5], true, a, 0);
            PLAIN.avgPool2d(x, 0, 1, 2, h, w, win[0], win[1], win[2], win[3], win[4], win[5], true, b, 0);
            for (int i = 0; i < a.length; i++) {
                assertThat(Float.floatToIntBits(a[i])).isEqualTo(Float.floatToIntBits(b[i]));
            }
        }
    }

    @Test
    void globalAveragePoolingMatchesTwinAndReference() {
        Random rnd = new Random(23);
        int[] spatials = {1, 3, 7, 8, 9, 15, 16, 17, 33, 49, 64, 100, 1024, 3136};
        int batch = 3;
        int channels = 5;
        for (int spatial : spatials) {
            int planes = batch * channels;
            float[] x = gaussian(rnd, 1 + planes * spatial, 0.5, 2);
            float[] ySimd = guarded(planes + 3);
            float[] yPlain = guarded(planes + 3);
            SIMD.globalAvgPool(x, 1, batch, channels, spatial, ySimd, 2);
            PLAIN.globalAvgPool(x, 1, batch, channels, spatial, yPlain, 2);
            assertBitIdentical(yPlain, ySimd, "global spatial=" + spatial);
            for (int p = 0; p < planes; p++) {
                double sum = 0;
                double abs = 0;
                for (int i = 0; i < spatial; i++) {
                    sum += x[1 + p * spatial + i];
                    abs += Math.abs(x[1 + p * spatial + i]);
                }
                // Error bound of a float sum of n terms: about n · 2^-24 · Σ|x|, plus the division.
                double tol = (spatial / 8 + 8 + 2) * 0x1p-24 * abs / spatial + Float.MIN_NORMAL;
                assertThat((double) ySimd[2 + p]).as("global spatial=" + spatial + " plane " + p)
                        .isCloseTo(sum / spatial, org.assertj.core.data.Offset.offset(tol));
            }
            assertThat(ySimd[0]).isEqualTo(GUARD);
            assertThat(ySimd[1]).isEqualTo(GUARD);
            assertThat(ySimd[planes + 2]).isEqualTo(GUARD);
        }
    }

    @Test
    void globalAverageFollowsTheDocumentedStripedOrder() {
        // 19 values: stripes over i < 16, then the tail 16, 17, 18 added one by one.
        float[] x = new float[19];
        Random rnd = new Random(24);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.scalb(rnd.nextGaussian(), rnd.nextInt(40) - 20);
        }
        float[] s = new float[8];
        for (int i = 0; i < 16; i++) {
            s[i % 8] += x[i];
        }
        float t = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
        t += x[16];
        t += x[17];
        t += x[18];
        float expected = t / 19f;
        for (PoolingKernels k : new PoolingKernels[] {SIMD, PLAIN}) {
            float[] y = new float[1];
            k.globalAvgPool(x, 0, 1, 1, 19, y, 0);
            assertThat(Float.floatToRawIntBits(y[0])).as(k.name()).isEqualTo(Float.floatToRawIntBits(expected));
        }
    }

    @Test
    void imageResultsDoNotDependOnBatchOrThreads() {
        Random rnd = new Random(25);
        int batch = 7;
        int channels = 9;
        int h = 33;
        int w = 33;
        int[] win = {3, 3, 2, 2, 1, 1};
        int oh = PoolingKernels.outSize(h, 3, 2, 1, 1);
        int ow = PoolingKernels.outSize(w, 3, 2, 1, 1);
        int inImage = channels * h * w;
        int outImage = channels * oh * ow;
        float[] x = gaussian(rnd, batch * inImage, 0.5, 2);
        int saved = Parallel.threads();
        try {
            for (int threads : new int[] {1, 4}) {
                Parallel.setThreads(threads);
                for (PoolingKernels k : new PoolingKernels[] {SIMD, PLAIN}) {
                    float[] max = new float[batch * outImage];
                    float[] avg = new float[batch * outImage];
                    float[] glob = new float[batch * channels];
                    k.maxPool2d(x, 0, batch, channels, h, w, win[0], win[1], win[2], win[3], win[4], win[5], max, 0);
                    k.avgPool2d(x, 0, batch, channels, h, w, win[0], win[1], win[2], win[3], win[4], win[5], true, avg, 0);
                    k.globalAvgPool(x, 0, batch, channels, h * w, glob, 0);
                    for (int b = 0; b < batch; b++) {
                        String what = k.name() + " threads=" + threads + " image " + b;
                        float[] one = new float[outImage];
                        k.maxPool2d(x, b * inImage, 1, channels, h, w, win[0], win[1], win[2], win[3], win[4], win[5], one, 0);
                        assertBitIdentical(one, Arrays.copyOfRange(max, b * outImage, (b + 1) * outImage), "max " + what);
                        k.avgPool2d(x, b * inImage, 1, channels, h, w, win[0], win[1], win[2], win[3], win[4], win[5], true, one, 0);
                        assertBitIdentical(one, Arrays.copyOfRange(avg, b * outImage, (b + 1) * outImage), "avg " + what);
                        float[] g = new float[channels];
                        k.globalAvgPool(x, b * inImage, 1, channels, h * w, g, 0);
                        assertBitIdentical(g, Arrays.copyOfRange(glob, b * channels, (b + 1) * channels), "global " + what);
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void resultsDoNotChangeAfterJitWarmUp() {
        Random rnd = new Random(26);
        int h = 10;
        int w = 21;
        float[] x = gaussian(rnd, 2 * h * w, 0.5, 2);
        x[17] = Float.NaN;
        x[h * w + 40] = -0f;
        float[] first = null;
        int oh = PoolingKernels.outSize(h, 3, 2, 1, 1);
        int ow = PoolingKernels.outSize(w, 3, 2, 1, 1);
        int o1 = PoolingKernels.outSize(h, 3, 1, 1, 1) * PoolingKernels.outSize(w, 3, 1, 1, 1);
        float[] y = new float[2 * oh * ow * 2 + 2 * o1 + 2];
        for (int iter = 0; iter < 5_000; iter++) {
            SIMD.maxPool2d(x, 0, 1, 2, h, w, 3, 3, 2, 2, 1, 1, y, 0);
            SIMD.avgPool2d(x, 0, 1, 2, h, w, 3, 3, 2, 2, 1, 1, true, y, 2 * oh * ow);
            SIMD.maxPool2d(x, 0, 1, 2, h, w, 3, 3, 1, 1, 1, 1, y, 4 * oh * ow);
            SIMD.globalAvgPool(x, 0, 1, 2, h * w, y, 4 * oh * ow + 2 * o1);
            if (first == null) {
                first = y.clone();
            } else if (iter % 500 == 0 || iter == 4_999) {
                assertBitIdentical(first, y, "iteration " + iter);
            }
        }
    }

    @Test
    void invalidArgumentsNameTheOperand() {
        for (PoolingKernels k : new PoolingKernels[] {SIMD, PLAIN}) {
            float[] x = new float[2 * 3 * 4 * 4];
            float[] y = new float[2 * 3 * 2 * 2];
            assertThatThrownBy(() -> k.maxPool2d(x, 0, 1, 1, 2, 2, 5, 5, 1, 1, 0, 0, y, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxPool2d: kernel height 5 is larger than the padded input height 2");
            assertThatThrownBy(() -> k.avgPool2d(x, 0, 1, 1, 4, 2, 3, 5, 1, 1, 1, 1, true, y, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("avgPool2d: kernel width 5 is larger than the padded input width 4");
            assertThatThrownBy(() -> k.maxPool2d(x, 0, 1, 1, 4, 4, 2, 2, 2, 2, 2, 0, y, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most half the kernel");
            assertThatThrownBy(() -> k.maxPool2d(x, 0, 1, 1, 4, 4, 2, 2, 0, 2, 0, 0, y, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride height must be positive");
            assertThatThrownBy(() -> k.maxPool2d(x, 0, -1, 1, 4, 4, 2, 2, 2, 2, 0, 0, y, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch must not be negative");
            assertThatThrownBy(() -> k.maxPool2d(x, 0, 2, 3, 4, 4, 2, 2, 2, 2, 0, 0, new float[23], 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y [2 x 3 x 2 x 2] too short");
            assertThatThrownBy(() -> k.avgPool2d(x, 1, 2, 3, 4, 4, 2, 2, 2, 2, 0, 0, true, y, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x [2 x 3 x 4 x 4] too short");
            assertThatThrownBy(() -> k.globalAvgPool(x, 0, 2, 3, 0, y, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spatial must be positive");
            assertThatThrownBy(() -> k.globalAvgPool(x, 0, 2, 3, 16, new float[5], 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y [2 x 3] too short");
            assertThatThrownBy(() -> k.globalAvgPool(x, 0, 2, 3, 17, y, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x [2 x 3 x 17] too short");
            assertThat(y).containsOnly(0f);
        }
    }
}
