package dev.reliant.simd;

/**
 * Plain-Java twin of {@link PoolingSimd}: one output element at a time, in the order fixed by
 * {@link PoolingKernels}. The per-element helpers are shared with the SIMD twin, which uses them
 * at the borders of each output row (where windows are clipped by the padding).
 */
public final class PoolingPlain implements PoolingKernels {
    /** The single instance. */
    public static final PoolingPlain INSTANCE = new PoolingPlain();

    private PoolingPlain() {}

    @Override
    public String name() {
        return "plain";
    }

    @Override
    public void maxPool2d(float[] x, int xOff, int batch, int channels, int h, int w,
                          int kh, int kw, int sh, int sw, int ph, int pw, float[] y, int yOff) {
        Geometry g = checkPool("maxPool2d", x, xOff, batch, channels, h, w, kh, kw, sh, sw, ph, pw, y, yOff);
        forPlanes(batch * channels, h * w, p -> {
            int xp = xOff + p * h * w;
            int yp = yOff + p * g.oh * g.ow;
            for (int oy = 0; oy < g.oh; oy++) {
                int iy0 = oy * sh - ph;
                for (int ox = 0; ox < g.ow; ox++) {
                    y[yp + oy * g.ow + ox] = maxAt(x, xp, h, w, iy0, ox * sw - pw, kh, kw);
                }
            }
        });
    }

    @Override
    public void avgPool2d(float[] x, int xOff, int batch, int channels, int h, int w,
                          int kh, int kw, int sh, int sw, int ph, int pw, boolean countIncludePad,
                          float[] y, int yOff) {
        Geometry g = checkPool("avgPool2d", x, xOff, batch, channels, h, w, kh, kw, sh, sw, ph, pw, y, yOff);
        forPlanes(batch * channels, h * w, p -> {
            int xp = xOff + p * h * w;
            int yp = yOff + p * g.oh * g.ow;
            for (int oy = 0; oy < g.oh; oy++) {
                int iy0 = oy * sh - ph;
                for (int ox = 0; ox < g.ow; ox++) {
                    y[yp + oy * g.ow + ox] = avgAt(x, xp, h, w, iy0, ox * sw - pw, kh, kw, countIncludePad);
                }
            }
        });
    }

    @Override
    public void globalAvgPool(float[] x, int xOff, int batch, int channels, int spatial, float[] y, int yOff) {
        checkGlobal(x, xOff, batch, channels, spatial, y, yOff);
        forPlanes(batch * channels, spatial, p -> y[yOff + p] = stripedSum(x, xOff + p * spatial, spatial) / spatial);
    }

    // ------------------------------------------------------------------ per-element helpers

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

    /** The striped sum of {@code n} values from {@code off}, in the order of {@link PoolingKernels}. */
    static float stripedSum(float[] x, int off, int n) {
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

    // ------------------------------------------------------------------ planes and checks

    /** Planes (n, c) per parallel work item, for a few tens of thousands of input values. */
    static int planeGrain(int planeSize) {
        return Math.max(1, (1 << 15) / Math.max(1, planeSize));
    }

    /** Runs {@code body} for every plane in [0, planes), split over the pool in fixed chunks. */
    static void forPlanes(int planes, int planeSize, java.util.function.IntConsumer body) {
        int grain = planeGrain(planeSize);
        if (planes <= grain) {
            for (int p = 0; p < planes; p++) {
                body.accept(p);
            }
        } else {
            Parallel.forRange(planes, grain, (p0, p1) -> {
                for (int p = p0; p < p1; p++) {
                    body.accept(p);
                }
            });
        }
    }

    /** The geometry of a pooling call: input plane, window, stride, padding and output plane. */
    record Geometry(int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow) {}

    static Geometry checkPool(String op, float[] x, int xOff, int batch, int channels, int h, int w,
                              int kh, int kw, int sh, int sw, int ph, int pw, float[] y, int yOff) {
        ElementwisePlain.requireNonNegative(op, "batch", batch);
        ElementwisePlain.requireNonNegative(op, "channels", channels);
        int oh = outSize(op, " height", h, kh, sh, ph, 1);
        int ow = outSize(op, " width", w, kw, sw, pw, 1);
        if (ph > kh / 2 || pw > kw / 2) {
            throw new IllegalArgumentException(op + ": padding " + ph + "x" + pw
                    + " must be at most half the kernel " + kh + "x" + kw);
        }
        long planes = (long) batch * channels;
        ElementwisePlain.requireRange(op, "x [" + batch + " x " + channels + " x " + h + " x " + w + "]",
                x, xOff, planes * h * w);
        ElementwisePlain.requireRange(op, "y [" + batch + " x " + channels + " x " + oh + " x " + ow + "]",
                y, yOff, planes * oh * ow);
        return new Geometry(h, w, kh, kw, sh, sw, ph, pw, oh, ow);
    }

    static void checkGlobal(float[] x, int xOff, int batch, int channels, int spatial, float[] y, int yOff) {
        String op = "globalAvgPool";
        ElementwisePlain.requireNonNegative(op, "batch", batch);
        ElementwisePlain.requireNonNegative(op, "channels", channels);
        ElementwisePlain.requirePositive(op, "spatial", spatial);
        long planes = (long) batch * channels;
        ElementwisePlain.requireRange(op, "x [" + batch + " x " + channels + " x " + spatial + "]",
                x, xOff, planes * spatial);
        ElementwisePlain.requireRange(op, "y [" + batch + " x " + channels + "]", y, yOff, planes);
    }

    /** {@link PoolingKernels#outSize} with the operation and axis named in messages. */
    static int outSize(String op, String axis, int in, int kernel, int stride, int pad, int dilation) {
        ElementwisePlain.requirePositive(op, "input" + axis, in);
        ElementwisePlain.requirePositive(op, "kernel" + axis, kernel);
        ElementwisePlain.requirePositive(op, "stride" + axis, stride);
        ElementwisePlain.requireNonNegative(op, "padding" + axis, pad);
        ElementwisePlain.requirePositive(op, "dilation" + axis, dilation);
        long effective = (long) dilation * (kernel - 1) + 1;
        long padded = (long) in + 2L * pad;
        if (effective > padded) {
            throw new IllegalArgumentException(op + ": kernel" + axis + " " + kernel
                    + (dilation == 1 ? "" : " (dilation " + dilation + ", spans " + effective + ")")
                    + " is larger than the padded input" + axis + " " + padded
                    + " (input " + in + ", padding " + pad + ")");
        }
        return (int) ((padded - effective) / stride + 1);
    }
}
