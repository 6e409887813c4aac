package dev.reliant.simd;

/**
 * The part of {@link PoolingKernels} that both twins share: argument checks, the output geometry
 * and the split over (image, channel) planes. {@link PoolingPlain} and {@link PoolingSimd} only
 * supply the work on one plane: windowed pooling ({@link #planePooler}) and the striped sum of
 * global average pooling ({@link #stripedSum}).
 */
abstract class PoolingDriver implements PoolingKernels {
    /** Input values per parallel work item, in whole planes: a few tens of thousands. */
    static final int PARALLEL_VALUES = 1 << 15;

    /** Pools one input plane (from {@code xp}) into one output plane (from {@code yp}). */
    @FunctionalInterface
    interface PlanePooler {
        void pool(float[] x, int xp, float[] y, int yp);
    }

    /**
     * The per-plane work of one max ({@code max = true}) or average pooling call with geometry
     * {@code g}; made once per call, so it may precompute what all planes share.
     */
    abstract PlanePooler planePooler(Geometry g, boolean max, boolean countIncludePad);

    /** The striped sum of {@code n} values from {@code off}, in the order of {@link PoolingKernels}. */
    abstract float stripedSum(float[] x, int off, int n);

    @Override
    public final void maxPool2d(float[] x, int xOff, int batch, int channels, int h, int w,
                                int kh, int kw, int sh, int sw, int ph, int pw, float[] y, int yOff) {
        Geometry g = checkPool("maxPool2d", x, xOff, batch, channels, h, w, kh, kw, sh, sw, ph, pw, y, yOff);
        forPlanes(x, xOff, batch * channels, y, yOff, g, planePooler(g, true, false));
    }

    @Override
    public final void avgPool2d(float[] x, int xOff, int batch, int channels, int h, int w,
                                int kh, int kw, int sh, int sw, int ph, int pw, boolean countIncludePad,
                                float[] y, int yOff) {
        Geometry g = checkPool("avgPool2d", x, xOff, batch, channels, h, w, kh, kw, sh, sw, ph, pw, y, yOff);
        forPlanes(x, xOff, batch * channels, y, yOff, g, planePooler(g, false, countIncludePad));
    }

    private static void forPlanes(float[] x, int xOff, int planes, float[] y, int yOff, Geometry g,
                                  PlanePooler pooler) {
        int in = g.h() * g.w();
        int out = g.oh() * g.ow();
        Parallel.forItems(planes, in, PARALLEL_VALUES, p -> pooler.pool(x, xOff + p * in, y, yOff + p * out));
    }

    @Override
    public final void globalAvgPool(float[] x, int xOff, int batch, int channels, int spatial, float[] y, int yOff) {
        checkGlobal(x, xOff, batch, channels, spatial, y, yOff);
        Parallel.forItems(batch * channels, spatial, PARALLEL_VALUES,
                p -> y[yOff + p] = stripedSum(x, xOff + p * spatial, spatial) / spatial);
    }

    // ------------------------------------------------------------------ geometry and checks

    /** The geometry of a pooling call: input plane, window, stride, padding and output plane. */
    record Geometry(int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow) {}

    private static Geometry checkPool(String op, float[] x, int xOff, int batch, int channels, int h, int w,
                                      int kh, int kw, int sh, int sw, int ph, int pw, float[] y, int yOff) {
        Checks.requireNonNegative(op, "batch", batch);
        Checks.requireNonNegative(op, "channels", channels);
        int oh = outSize(op, " height", h, kh, sh, ph, 1);
        int ow = outSize(op, " width", w, kw, sw, pw, 1);
        if (ph > kh / 2 || pw > kw / 2) {
            throw new IllegalArgumentException(op + ": padding " + ph + "x" + pw
                    + " must be at most half the kernel " + kh + "x" + kw);
        }
        long planes = (long) batch * channels;
        Checks.requireRange(op, "x [" + batch + " x " + channels + " x " + h + " x " + w + "]",
                x, xOff, planes * h * w);
        Checks.requireRange(op, "y [" + batch + " x " + channels + " x " + oh + " x " + ow + "]",
                y, yOff, planes * oh * ow);
        return new Geometry(h, w, kh, kw, sh, sw, ph, pw, oh, ow);
    }

    private static void checkGlobal(float[] x, int xOff, int batch, int channels, int spatial, float[] y, int yOff) {
        String op = "globalAvgPool";
        Checks.requireNonNegative(op, "batch", batch);
        Checks.requireNonNegative(op, "channels", channels);
        Checks.requirePositive(op, "spatial", spatial);
        long planes = (long) batch * channels;
        Checks.requireRange(op, "x [" + batch + " x " + channels + " x " + spatial + "]",
                x, xOff, planes * spatial);
        Checks.requireRange(op, "y [" + batch + " x " + channels + "]", y, yOff, planes);
    }

    /** {@link PoolingKernels#outSize} with the operation and axis named in messages. */
    static int outSize(String op, String axis, int in, int kernel, int stride, int pad, int dilation) {
        Checks.requirePositive(op, "input" + axis, in);
        Checks.requirePositive(op, "kernel" + axis, kernel);
        Checks.requirePositive(op, "stride" + axis, stride);
        Checks.requireNonNegative(op, "padding" + axis, pad);
        Checks.requirePositive(op, "dilation" + axis, dilation);
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
