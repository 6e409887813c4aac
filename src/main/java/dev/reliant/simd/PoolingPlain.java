package dev.reliant.simd;

/**
 * Plain-Java twin of {@link PoolingSimd}: one output element at a time, in the order fixed by
 * {@link PoolingKernels}. Argument checks and the split over planes are shared with the SIMD
 * twin ({@link PoolingDriver}); so are the per-element helpers here, which the SIMD twin uses at
 * the borders of each output row (where windows are clipped by the padding).
 */
public final class PoolingPlain extends PoolingDriver {
    /** The single instance. */
    public static final PoolingPlain INSTANCE = new PoolingPlain();

    private PoolingPlain() {}

    @Override
    public String name() {
        return "plain";
    }

    @Override
    PlanePooler planePooler(Geometry g, boolean max, boolean countIncludePad) {
        return (x, xp, y, yp) -> {
            for (int oy = 0; oy < g.oh(); oy++) {
                int iy0 = oy * g.sh() - g.ph();
                for (int ox = 0; ox < g.ow(); ox++) {
                    y[yp + oy * g.ow() + ox] = windowAt(x, xp, g, iy0, ox * g.sw() - g.pw(), max, countIncludePad);
                }
            }
        };
    }

    // ------------------------------------------------------------------ per-element helpers

    /** {@link #maxAt} ({@code max = true}) or {@link #avgAt} of the window at (iy0, ix0) of geometry g. */
    static float windowAt(float[] x, int plane, Geometry g, int iy0, int ix0, boolean max, boolean countIncludePad) {
        return max ? maxAt(x, plane, g.h(), g.w(), iy0, ix0, g.kh(), g.kw())
                : avgAt(x, plane, g.h(), g.w(), iy0, ix0, g.kh(), g.kw(), countIncludePad);
    }

    /**
     * Max of the window whose top-left corner (possibly in the padding) is input (iy0, ix0) of
     * the plane starting at {@code plane}; only in-bounds values are read.
     */
    static float maxAt(float[] x, int plane, int h, int w, int iy0, int ix0, int kh, int kw) {
        int kyLo = Math.max(0, -iy0);
        int kyHi = Math.min(kh, h - iy0);
        int kxLo = Math.max(0, -ix0);
        int kxHi = Math.min(kw, w - ix0);
        float m = Float.NEGATIVE_INFINITY;
        for (int ky = kyLo; ky < kyHi; ky++) {
            int row = plane + (iy0 + ky) * w + ix0;
            for (int kx = kxLo; kx < kxHi; kx++) {
                float v = x[row + kx];
                if (v > m || v != v) {
                    m = v;
                }
            }
        }
        return m;
    }

    /** Average of the window at (iy0, ix0); see {@link PoolingKernels} for the divisor. */
    static float avgAt(float[] x, int plane, int h, int w, int iy0, int ix0, int kh, int kw,
                       boolean countIncludePad) {
        int kyLo = Math.max(0, -iy0);
        int kyHi = Math.min(kh, h - iy0);
        int kxLo = Math.max(0, -ix0);
        int kxHi = Math.min(kw, w - ix0);
        float sum = 0f;
        for (int ky = kyLo; ky < kyHi; ky++) {
            int row = plane + (iy0 + ky) * w + ix0;
            for (int kx = kxLo; kx < kxHi; kx++) {
                sum += x[row + kx];
            }
        }
        int divisor = countIncludePad ? kh * kw : (kyHi - kyLo) * (kxHi - kxLo);
        return sum / (float) divisor;
    }

    /** The striped sum with eight scalar accumulators. */
    @Override
    float stripedSum(float[] x, int off, int n) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        float s4 = 0f;
        float s5 = 0f;
        float s6 = 0f;
        float s7 = 0f;
        int i = 0;
        for (; i <= n - STRIPES; i += STRIPES) {
            int j = off + i;
            s0 += x[j];
            s1 += x[j + 1];
            s2 += x[j + 2];
            s3 += x[j + 3];
            s4 += x[j + 4];
            s5 += x[j + 5];
            s6 += x[j + 6];
            s7 += x[j + 7];
        }
        return addTail(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)), x, off + i, n - i);
    }

    /** {@code t} plus the {@code n} values from {@code off}, added one by one in order. */
    static float addTail(float t, float[] x, int off, int n) {
        for (int i = 0; i < n; i++) {
            t += x[off + i];
        }
        return t;
    }
}
