package dev.reliant.simd;

/**
 * Plain-Java twin of {@link BackwardElementwiseSimd}: the same operations in scalar loops, the
 * striped sums emulated with eight scalar accumulators. See {@link BackwardElementwiseKernels}
 * for the contract; checks and the split over threads are shared ({@link BackwardElementwiseDriver}),
 * and the SIMD twin runs these loops for its tails.
 */
public final class BackwardElementwisePlain extends BackwardElementwiseDriver {
    /** The single instance. */
    public static final BackwardElementwisePlain INSTANCE = new BackwardElementwisePlain();

    private BackwardElementwisePlain() {}

    @Override
    public String name() {
        return "plain";
    }

    @Override
    void reluBackwardRange(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            dx[dxOff + i] += y[yOff + i] > 0f ? dy[dyOff + i] : 0f;
        }
    }

    @Override
    void clampBackwardRange(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n,
                            float lo, float hi) {
        for (int i = 0; i < n; i++) {
            float v = y[yOff + i];
            dx[dxOff + i] += lo < v && v < hi ? dy[dyOff + i] : 0f;
        }
    }

    @Override
    float planeSum(float[] x, int off, int n) {
        float[] s = new float[STRIPES];
        int i = 0;
        for (; i <= n - STRIPES; i += STRIPES) {
            for (int j = 0; j < STRIPES; j++) {
                s[j] += x[off + i + j];
            }
        }
        return sumTail(x, off, i, n, combine(s));
    }

    /** {@code t} plus the values i..n−1 from off, added in order: the end of {@link #planeSum}. */
    static float sumTail(float[] x, int off, int i, int n, float t) {
        for (; i < n; i++) {
            t += x[off + i];
        }
        return t;
    }

    @Override
    void planeCentredMoments(float[] x, int off, int n, float c, float[] out) {
        float[] s = new float[STRIPES];
        float[] sq = new float[STRIPES];
        int i = 0;
        for (; i <= n - STRIPES; i += STRIPES) {
            for (int j = 0; j < STRIPES; j++) {
                float d = x[off + i + j] - c;
                s[j] += d;
                sq[j] += d * d;
            }
        }
        centredMomentsTail(x, off, i, n, c, combine(s), combine(sq), out);
    }

    /**
     * The end of {@link #planeCentredMoments}: adds the values i..n−1 in order to the combined
     * stripe sums {@code t} and {@code tq} and stores them in out.
     */
    static void centredMomentsTail(float[] x, int off, int i, int n, float c, float t, float tq, float[] out) {
        for (; i < n; i++) {
            float d = x[off + i] - c;
            t += d;
            tq += d * d;
        }
        out[0] = t;
        out[1] = tq;
    }

    @Override
    void planeGradientSums(float[] dy, int dyOff, float[] x, int xOff, int n, float c, float[] out) {
        float[] s = new float[STRIPES];
        float[] sx = new float[STRIPES];
        int i = 0;
        for (; i <= n - STRIPES; i += STRIPES) {
            for (int j = 0; j < STRIPES; j++) {
                float g = dy[dyOff + i + j];
                s[j] += g;
                sx[j] += g * (x[xOff + i + j] - c);
            }
        }
        gradientSumsTail(dy, dyOff, x, xOff, i, n, c, combine(s), combine(sx), out);
    }

    /**
     * The end of {@link #planeGradientSums}: adds the values i..n−1 in order to the combined
     * stripe sums {@code t} and {@code tx} and stores them in out.
     */
    static void gradientSumsTail(float[] dy, int dyOff, float[] x, int xOff, int i, int n, float c, float t,
                                 float tx, float[] out) {
        for (; i < n; i++) {
            float g = dy[dyOff + i];
            t += g;
            tx += g * (x[xOff + i] - c);
        }
        out[0] = t;
        out[1] = tx;
    }

    /** The fixed combination of the eight stripes. */
    static float combine(float[] s) {
        return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    }

    @Override
    void normalizeRange(float[] x, int xOff, float[] y, int yOff, int n, float c, float s, float t) {
        for (int i = 0; i < n; i++) {
            float m = (x[xOff + i] - c) * s;
            y[yOff + i] = m + t;
        }
    }

    @Override
    void scaleAccumulateRange(float[] dy, int dyOff, float[] dx, int dxOff, int n, float s) {
        for (int i = 0; i < n; i++) {
            float m = dy[dyOff + i] * s;
            dx[dxOff + i] += m;
        }
    }

    @Override
    void batchNormInputGradientRange(float[] dy, int dyOff, float[] x, int xOff, float[] dx, int dxOff, int n,
                                     float a, float c, float b, float d) {
        for (int i = 0; i < n; i++) {
            float fromDy = a * dy[dyOff + i];
            float fromX = b * (x[xOff + i] - c);
            float sum = fromDy + fromX;
            dx[dxOff + i] += sum + d;
        }
    }
}
