package dev.reliant.simd;

/**
 * The part of {@link ElementwiseKernels} that both twins share: argument checks and the split
 * of the work over the thread pool. {@link ElementwisePlain} and {@link ElementwiseSimd} only
 * supply the loops over one contiguous range of elements ({@code *Range} methods), so both
 * reject the same arguments with the same messages and split the work the same way.
 */
abstract class ElementwiseDriver implements ElementwiseKernels {
    /**
     * Element count per parallel work item. Element-wise results do not depend on the split;
     * the size only amortizes the hand-off to the pool.
     */
    static final int PARALLEL_GRAIN = 1 << 16;

    // ------------------------------------------------------------------ the twins' range loops

    /** {@code y[i] = relu(x[i])} for i in [0, n). */
    abstract void reluRange(float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code y[i] = min(max(x[i], lo), hi)} for i in [0, n). */
    abstract void clampRange(float[] x, int xOff, float[] y, int yOff, int n, float lo, float hi);

    /** {@code y[i] = a[i] + b[i]} for i in [0, n); y may be a at the same offset. */
    abstract void addRange(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n);

    /** {@code y[i] = relu(a[i] + b[i])} for i in [0, n). */
    abstract void addReluRange(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n);

    /** {@code y[i] = x[i] * s} for i in [0, n). */
    abstract void scaleRange(float[] x, int xOff, float[] y, int yOff, int n, float s);

    /** {@code y[i] = x[i] * s + t} for i in [0, n), a rounded multiply then a rounded add (never fused). */
    abstract void scaleShiftRange(float[] x, int xOff, float[] y, int yOff, int n, float s, float t);

    // ------------------------------------------------------------------ the kernels

    @Override
    public final void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        checkUnary("relu", x, xOff, y, yOff, n);
        Parallel.forRange(n, PARALLEL_GRAIN, (s, e) -> reluRange(x, xOff + s, y, yOff + s, e - s));
    }

    @Override
    public final void clamp(float[] x, int xOff, float[] y, int yOff, int n, float lo, float hi) {
        checkUnary("clamp", x, xOff, y, yOff, n);
        checkBounds("clamp", lo, hi);
        Parallel.forRange(n, PARALLEL_GRAIN, (s, e) -> clampRange(x, xOff + s, y, yOff + s, e - s, lo, hi));
    }

    @Override
    public final void add(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        checkBinary("add", a, aOff, b, bOff, y, yOff, n);
        Parallel.forRange(n, PARALLEL_GRAIN, (s, e) -> addRange(a, aOff + s, b, bOff + s, y, yOff + s, e - s));
    }

    @Override
    public final void addInPlace(float[] y, int yOff, float[] b, int bOff, int n) {
        String op = "addInPlace";
        Checks.requireNonNegative(op, "n", n);
        Checks.requireRange(op, "y", y, yOff, n);
        Checks.requireRange(op, "b", b, bOff, n);
        Parallel.forRange(n, PARALLEL_GRAIN, (s, e) -> addRange(y, yOff + s, b, bOff + s, y, yOff + s, e - s));
    }

    @Override
    public final void addRelu(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        checkBinary("addRelu", a, aOff, b, bOff, y, yOff, n);
        Parallel.forRange(n, PARALLEL_GRAIN, (s, e) -> addReluRange(a, aOff + s, b, bOff + s, y, yOff + s, e - s));
    }

    @Override
    public final void scale(float[] x, int xOff, float[] y, int yOff, int n, float s) {
        checkUnary("scale", x, xOff, y, yOff, n);
        Parallel.forRange(n, PARALLEL_GRAIN, (i0, i1) -> scaleRange(x, xOff + i0, y, yOff + i0, i1 - i0, s));
    }

    /** Split over whole (image, channel) planes of about {@link #PARALLEL_GRAIN} elements per work item. */
    @Override
    public final void scaleShift(float[] x, int xOff, float[] y, int yOff, int batch, int channels, int spatial,
                                 float[] scale, float[] shift) {
        if (checkScaleShift(x, xOff, y, yOff, batch, channels, spatial, scale, shift) == 0) {
            return;
        }
        Parallel.forItems(batch * channels, spatial, PARALLEL_GRAIN, p -> {
            int c = p % channels;
            scaleShiftRange(x, xOff + p * spatial, y, yOff + p * spatial, spatial, scale[c], shift[c]);
        });
    }

    // ------------------------------------------------------------------ argument checks

    private static void checkUnary(String op, float[] x, int xOff, float[] y, int yOff, int n) {
        Checks.requireNonNegative(op, "n", n);
        Checks.requireRange(op, "x", x, xOff, n);
        Checks.requireRange(op, "y", y, yOff, n);
    }

    private static void checkBinary(String op, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        Checks.requireNonNegative(op, "n", n);
        Checks.requireRange(op, "a", a, aOff, n);
        Checks.requireRange(op, "b", b, bOff, n);
        Checks.requireRange(op, "y", y, yOff, n);
    }

    private static void checkBounds(String op, float lo, float hi) {
        if (Float.isNaN(lo) || Float.isNaN(hi) || lo > hi) {
            throw new IllegalArgumentException(op + ": bounds must be ordered numbers (lo <= hi), got lo="
                    + lo + ", hi=" + hi);
        }
    }

    /** Checks the arguments of scaleShift and returns the element count batch·channels·spatial. */
    private static long checkScaleShift(float[] x, int xOff, float[] y, int yOff, int batch, int channels,
                                        int spatial, float[] scale, float[] shift) {
        String op = "scaleShift";
        Checks.requireNonNegative(op, "batch", batch);
        Checks.requireNonNegative(op, "channels", channels);
        Checks.requireNonNegative(op, "spatial", spatial);
        long n = (long) batch * channels * spatial;
        Checks.requireRange(op, "x [" + batch + " x " + channels + " x " + spatial + "]", x, xOff, n);
        Checks.requireRange(op, "y [" + batch + " x " + channels + " x " + spatial + "]", y, yOff, n);
        Checks.requireRange(op, "scale", scale, 0, channels);
        Checks.requireRange(op, "shift", shift, 0, channels);
        return n;
    }
}
