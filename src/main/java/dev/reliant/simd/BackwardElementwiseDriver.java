package dev.reliant.simd;

/**
 * The part of {@link BackwardElementwiseKernels} that both twins share: argument checks, the
 * split over the thread pool, and the double-precision sum of plane results across the batch.
 * {@link BackwardElementwisePlain} and {@link BackwardElementwiseSimd} only supply the work on
 * one contiguous range or plane, so both reject the same arguments with the same messages and
 * add the plane sums in the same order.
 */
abstract class BackwardElementwiseDriver implements BackwardElementwiseKernels {
    /** Values per parallel work item; results never depend on the split (see the class comment). */
    static final int PARALLEL_GRAIN = 1 << 15;

    // ------------------------------------------------------------------ the twins' loops

    /** {@code dx[i] += y[i] > 0 ? dy[i] : +0} for i in [0, n). */
    abstract void reluBackwardRange(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** {@code dx[i] += lo < y[i] && y[i] < hi ? dy[i] : +0} for i in [0, n). */
    abstract void clampBackwardRange(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n,
                                     float lo, float hi);

    /** The striped float sum of the n values from off. */
    abstract float planeSum(float[] x, int off, int n);

    /** The striped float sums {@code Σ (x − c)} into out[0] and {@code Σ (x − c)²} into out[1]. */
    abstract void planeCentredMoments(float[] x, int off, int n, float c, float[] out);

    /** The striped float sums {@code Σ dy} into out[0] and {@code Σ dy·(x − c)} into out[1]. */
    abstract void planeGradientSums(float[] dy, int dyOff, float[] x, int xOff, int n, float c, float[] out);

    /** {@code y[i] = (x[i] − c)·s + t} for i in [0, n). */
    abstract void normalizeRange(float[] x, int xOff, float[] y, int yOff, int n, float c, float s, float t);

    /** {@code dx[i] += dy[i]·s} for i in [0, n). */
    abstract void scaleAccumulateRange(float[] dy, int dyOff, float[] dx, int dxOff, int n, float s);

    /** {@code dx[i] += (a·dy[i] + b·(x[i] − c)) + d} for i in [0, n). */
    abstract void batchNormInputGradientRange(float[] dy, int dyOff, float[] x, int xOff, float[] dx, int dxOff,
                                              int n, float a, float c, float b, float d);

    // ------------------------------------------------------------------ the kernels

    @Override
    public final void reluBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        checkMask("reluBackward", y, yOff, dy, dyOff, dx, dxOff, n);
        Parallel.forRange(n, PARALLEL_GRAIN, (s, e) -> reluBackwardRange(y, yOff + s, dy, dyOff + s, dx, dxOff + s,
                e - s));
    }

    @Override
    public final void clampBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n,
                                    float lo, float hi) {
        String op = "clampBackward";
        checkMask(op, y, yOff, dy, dyOff, dx, dxOff, n);
        if (Float.isNaN(lo) || Float.isNaN(hi) || lo > hi) {
            throw new IllegalArgumentException(op + ": bounds must be ordered numbers (lo <= hi), got lo="
                    + lo + ", hi=" + hi);
        }
        Parallel.forRange(n, PARALLEL_GRAIN, (s, e) -> clampBackwardRange(y, yOff + s, dy, dyOff + s, dx, dxOff + s,
                e - s, lo, hi));
    }

    @Override
    public final void channelSums(float[] x, int xOff, int batch, int channels, int spatial, double[] sums) {
        String op = "channelSums";
        checkBlock(op, "x", x, xOff, batch, channels, spatial);
        requireLength(op, "sums", sums, channels);
        int image = channels * spatial;
        Parallel.forItems(channels, batch * spatial, PARALLEL_GRAIN, c -> {
            double acc = 0;
            for (int b = 0; b < batch; b++) {
                acc += planeSum(x, xOff + b * image + c * spatial, spatial);
            }
            sums[c] = acc;
        });
    }

    @Override
    public final void channelCentredMoments(float[] x, int xOff, int batch, int channels, int spatial,
                                            float[] centre, double[] sums, double[] squares) {
        String op = "channelCentredMoments";
        checkBlock(op, "x", x, xOff, batch, channels, spatial);
        Checks.requireRange(op, "centre", centre, 0, channels);
        requireLength(op, "sums", sums, channels);
        requireLength(op, "squares", squares, channels);
        sumPlanePairs(batch, channels, spatial, (p, c, plane) -> planeCentredMoments(x, xOff + p, spatial, centre[c],
                plane), sums, squares);
    }

    @Override
    public final void channelGradientSums(float[] dy, int dyOff, float[] x, int xOff, int batch, int channels,
                                          int spatial, float[] centre, double[] sumDy, double[] sumDyCentred) {
        String op = "channelGradientSums";
        checkBlock(op, "dy", dy, dyOff, batch, channels, spatial);
        checkBlock(op, "x", x, xOff, batch, channels, spatial);
        Checks.requireRange(op, "centre", centre, 0, channels);
        requireLength(op, "sumDy", sumDy, channels);
        requireLength(op, "sumDyCentred", sumDyCentred, channels);
        sumPlanePairs(batch, channels, spatial, (p, c, plane) -> planeGradientSums(dy, dyOff + p, x, xOff + p, spatial,
                centre[c], plane), sumDy, sumDyCentred);
    }

    @Override
    public final void channelNormalize(float[] x, int xOff, float[] y, int yOff, int batch, int channels,
                                       int spatial, float[] centre, float[] scale, float[] shift) {
        String op = "channelNormalize";
        checkBlock(op, "x", x, xOff, batch, channels, spatial);
        checkBlock(op, "y", y, yOff, batch, channels, spatial);
        checkConstants(op, channels, "centre", centre, "scale", scale, "shift", shift);
        Parallel.forItems(batch * channels, spatial, PARALLEL_GRAIN, p -> {
            int c = p % channels;
            normalizeRange(x, xOff + p * spatial, y, yOff + p * spatial, spatial, centre[c], scale[c], shift[c]);
        });
    }

    @Override
    public final void channelScaleAccumulate(float[] dy, int dyOff, float[] dx, int dxOff, int batch, int channels,
                                             int spatial, float[] scale) {
        String op = "channelScaleAccumulate";
        checkBlock(op, "dy", dy, dyOff, batch, channels, spatial);
        checkBlock(op, "dx", dx, dxOff, batch, channels, spatial);
        Checks.requireRange(op, "scale", scale, 0, channels);
        Parallel.forItems(batch * channels, spatial, PARALLEL_GRAIN, p -> scaleAccumulateRange(dy, dyOff + p * spatial,
                dx, dxOff + p * spatial, spatial, scale[p % channels]));
    }

    @Override
    public final void batchNormInputGradient(float[] dy, int dyOff, float[] x, int xOff, float[] dx, int dxOff,
                                             int batch, int channels, int spatial, float[] dyScale, float[] centre,
                                             float[] xScale, float[] shift) {
        String op = "batchNormInputGradient";
        checkBlock(op, "dy", dy, dyOff, batch, channels, spatial);
        checkBlock(op, "x", x, xOff, batch, channels, spatial);
        checkBlock(op, "dx", dx, dxOff, batch, channels, spatial);
        checkConstants(op, channels, "dyScale", dyScale, "centre", centre, "xScale", xScale);
        Checks.requireRange(op, "shift", shift, 0, channels);
        Parallel.forItems(batch * channels, spatial, PARALLEL_GRAIN, p -> {
            int c = p % channels;
            int o = p * spatial;
            batchNormInputGradientRange(dy, dyOff + o, x, xOff + o, dx, dxOff + o, spatial, dyScale[c], centre[c],
                    xScale[c], shift[c]);
        });
    }

    // ------------------------------------------------------------------ the channel sums

    /** Two float results of one (image, channel) plane. */
    @FunctionalInterface
    private interface PlanePair {
        /** Stores the results of the plane at offset {@code p} (relative to the batch), channel c, in out[0..1]. */
        void compute(int p, int c, float[] out);
    }

    /**
     * Per channel c, adds the pair of every image's plane, in image order and in double, into
     * first[c] and second[c]: the fixed order of the channel sums whatever the split.
     */
    private static void sumPlanePairs(int batch, int channels, int spatial, PlanePair pair, double[] first,
                                      double[] second) {
        int image = channels * spatial;
        Parallel.forItems(channels, batch * spatial, PARALLEL_GRAIN, c -> {
            float[] plane = new float[2];
            double acc = 0;
            double secondAcc = 0;
            for (int b = 0; b < batch; b++) {
                pair.compute(b * image + c * spatial, c, plane);
                acc += plane[0];
                secondAcc += plane[1];
            }
            first[c] = acc;
            second[c] = secondAcc;
        });
    }

    // ------------------------------------------------------------------ argument checks

    private static void checkMask(String op, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                  int n) {
        Checks.requireNonNegative(op, "n", n);
        Checks.requireRange(op, "y", y, yOff, n);
        Checks.requireRange(op, "dy", dy, dyOff, n);
        Checks.requireRange(op, "dx", dx, dxOff, n);
    }

    private static void checkBlock(String op, String operand, float[] a, int off, int batch, int channels,
                                   int spatial) {
        Checks.requireNonNegative(op, "batch", batch);
        Checks.requireNonNegative(op, "channels", channels);
        Checks.requireNonNegative(op, "spatial", spatial);
        Checks.requireRange(op, operand + " [" + batch + " x " + channels + " x " + spatial + "]", a, off,
                (long) batch * channels * spatial);
    }

    private static void checkConstants(String op, int channels, String n1, float[] a1, String n2, float[] a2,
                                       String n3, float[] a3) {
        Checks.requireRange(op, n1, a1, 0, channels);
        Checks.requireRange(op, n2, a2, 0, channels);
        Checks.requireRange(op, n3, a3, 0, channels);
    }

    private static void requireLength(String op, String operand, double[] a, int count) {
        if (a == null) {
            throw new IllegalArgumentException(op + ": " + operand + " is null");
        }
        if (a.length < count) {
            throw new IllegalArgumentException(op + ": " + operand + " too short: needs " + count
                    + " elements, array length is " + a.length);
        }
    }
}
