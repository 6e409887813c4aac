package dev.reliant.simd;

/**
 * Plain-Java twin of {@link ElementwiseSimd}: the same signatures, the same per-element
 * operations, scalar loops. See {@link ElementwiseKernels} for the contract.
 *
 * <p>This class also holds the argument checks shared by the element-wise, pooling and softmax
 * kernel families (package-private {@code require*} methods), so that both twins of a family
 * reject exactly the same arguments with the same messages.
 */
public final class ElementwisePlain implements ElementwiseKernels {
    /** The single instance. */
    public static final ElementwisePlain INSTANCE = new ElementwisePlain();

    /**
     * Element count per parallel work item. Element-wise results do not depend on the split;
     * the size only amortizes the hand-off to the pool.
     */
    static final int PARALLEL_GRAIN = 1 << 16;

    private ElementwisePlain() {}

    @Override
    public String name() {
        return "plain";
    }

    // ------------------------------------------------------------------ kernels

    @Override
    public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        checkUnary("relu", x, xOff, y, yOff, n);
        if (n <= PARALLEL_GRAIN) {
            reluRange(x, xOff, y, yOff, n);
        } else {
            Parallel.forRange(n, PARALLEL_GRAIN, (s, e) -> reluRange(x, xOff + s, y, yOff + s, e - s));
        }
    }

    static void reluRange(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.max(x[xOff + i], 0f);
        }
    }

    @Override
    public void clamp(float[] x, int xOff, float[] y, int yOff, int n, float lo, float hi) {
        checkUnary("clamp", x, xOff, y, yOff, n);
        checkBounds("clamp", lo, hi);
        if (n <= PARALLEL_GRAIN) {
            clampRange(x, xOff, y, yOff, n, lo, hi);
        } else {
            Parallel.forRange(n, PARALLEL_GRAIN, (s, e) -> clampRange(x, xOff + s, y, yOff + s, e - s, lo, hi));
        }
    }

    static void clampRange(float[] x, int xOff, float[] y, int yOff, int n, float lo, float hi) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.min(Math.max(x[xOff + i], lo), hi);
        }
    }

    @Override
    public void add(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        checkBinary("add", a, aOff, b, bOff, y, yOff, n);
        if (n <= PARALLEL_GRAIN) {
            addRange(a, aOff, b, bOff, y, yOff, n);
        } else {
            Parallel.forRange(n, PARALLEL_GRAIN, (s, e) -> addRange(a, aOff + s, b, bOff + s, y, yOff + s, e - s));
        }
    }

    static void addRange(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = a[aOff + i] + b[bOff + i];
        }
    }

    @Override
    public void addInPlace(float[] y, int yOff, float[] b, int bOff, int n) {
        String op = "addInPlace";
        requireNonNegative(op, "n", n);
        requireRange(op, "y", y, yOff, n);
        requireRange(op, "b", b, bOff, n);
        if (n <= PARALLEL_GRAIN) {
            addRange(y, yOff, b, bOff, y, yOff, n);
        } else {
            Parallel.forRange(n, PARALLEL_GRAIN, (s, e) -> addRange(y, yOff + s, b, bOff + s, y, yOff + s, e - s));
        }
    }

    @Override
    public void addRelu(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        checkBinary("addRelu", a, aOff, b, bOff, y, yOff, n);
        if (n <= PARALLEL_GRAIN) {
            addReluRange(a, aOff, b, bOff, y, yOff, n);
        } else {
            Parallel.forRange(n, PARALLEL_GRAIN,
                    (s, e) -> addReluRange(a, aOff + s, b, bOff + s, y, yOff + s, e - s));
        }
    }

    static void addReluRange(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.max(a[aOff + i] + b[bOff + i], 0f);
        }
    }

    @Override
    public void scale(float[] x, int xOff, float[] y, int yOff, int n, float s) {
        checkUnary("scale", x, xOff, y, yOff, n);
        if (n <= PARALLEL_GRAIN) {
            scaleRange(x, xOff, y, yOff, n, s);
        } else {
            Parallel.forRange(n, PARALLEL_GRAIN, (i0, i1) -> scaleRange(x, xOff + i0, y, yOff + i0, i1 - i0, s));
        }
    }

    static void scaleRange(float[] x, int xOff, float[] y, int yOff, int n, float s) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = x[xOff + i] * s;
        }
    }

    @Override
    public void scaleShift(float[] x, int xOff, float[] y, int yOff, int batch, int channels, int spatial,
                           float[] scale, float[] shift) {
        if (checkScaleShift(x, xOff, y, yOff, batch, channels, spatial, scale, shift) == 0) {
            return;
        }
        int planes = batch * channels;
        int grain = planeGrain(spatial);
        if (planes <= grain) {
            scaleShiftPlanes(x, xOff, y, yOff, 0, planes, channels, spatial, scale, shift);
        } else {
            Parallel.forRange(planes, grain,
                    (p0, p1) -> scaleShiftPlanes(x, xOff, y, yOff, p0, p1, channels, spatial, scale, shift));
        }
    }

    private static void scaleShiftPlanes(float[] x, int xOff, float[] y, int yOff, int p0, int p1,
                                         int channels, int spatial, float[] scale, float[] shift) {
        for (int p = p0; p < p1; p++) {
            int c = p % channels;
            float s = scale[c];
            float t = shift[c];
            int xi = xOff + p * spatial;
            int yi = yOff + p * spatial;
            for (int i = 0; i < spatial; i++) {
                float m = x[xi + i] * s;
                y[yi + i] = m + t;
            }
        }
    }

    // ------------------------------------------------------------------ shared argument checks

    /** Planes (of {@code spatial} elements) per parallel work item, for about PARALLEL_GRAIN elements. */
    static int planeGrain(int spatial) {
        return Math.max(1, PARALLEL_GRAIN / Math.max(1, spatial));
    }

    static void checkUnary(String op, float[] x, int xOff, float[] y, int yOff, int n) {
        requireNonNegative(op, "n", n);
        requireRange(op, "x", x, xOff, n);
        requireRange(op, "y", y, yOff, n);
    }

    static void checkBinary(String op, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        requireNonNegative(op, "n", n);
        requireRange(op, "a", a, aOff, n);
        requireRange(op, "b", b, bOff, n);
        requireRange(op, "y", y, yOff, n);
    }

    static void checkBounds(String op, float lo, float hi) {
        if (Float.isNaN(lo) || Float.isNaN(hi) || lo > hi) {
            throw new IllegalArgumentException(op + ": bounds must be ordered numbers (lo <= hi), got lo="
                    + lo + ", hi=" + hi);
        }
    }

    /** Checks the arguments of scaleShift and returns the element count batch·channels·spatial. */
    static long checkScaleShift(float[] x, int xOff, float[] y, int yOff, int batch, int channels, int spatial,
                                float[] scale, float[] shift) {
        String op = "scaleShift";
        requireNonNegative(op, "batch", batch);
        requireNonNegative(op, "channels", channels);
        requireNonNegative(op, "spatial", spatial);
        long n = (long) batch * channels * spatial;
        requireRange(op, "x [" + batch + " x " + channels + " x " + spatial + "]", x, xOff, n);
        requireRange(op, "y [" + batch + " x " + channels + " x " + spatial + "]", y, yOff, n);
        requireRange(op, "scale", scale, 0, channels);
        requireRange(op, "shift", shift, 0, channels);
        return n;
    }

    /** Throws unless {@code value >= 0}. */
    static void requireNonNegative(String op, String what, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(op + ": " + what + " must not be negative, got " + value);
        }
    }

    /** Throws unless {@code value >= 1}. */
    static void requirePositive(String op, String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(op + ": " + what + " must be positive, got " + value);
        }
    }

    /** Throws unless {@code array} holds {@code count} elements from {@code offset}. */
    static void requireRange(String op, String operand, float[] array, int offset, long count) {
        if (array == null) {
            throw new IllegalArgumentException(op + ": " + operand + " is null");
        }
        checkSpan(op, operand, array.length, offset, count);
    }

    /** Throws unless {@code array} holds {@code count} elements from {@code offset}. */
    static void requireRange(String op, String operand, int[] array, int offset, long count) {
        if (array == null) {
            throw new IllegalArgumentException(op + ": " + operand + " is null");
        }
        checkSpan(op, operand, array.length, offset, count);
    }

    private static void checkSpan(String op, String operand, int length, int offset, long count) {
        if (offset < 0) {
            throw new IllegalArgumentException(op + ": " + operand + " offset must not be negative, got " + offset);
        }
        if (count < 0 || offset + count > length) {
            throw new IllegalArgumentException(op + ": " + operand + " too short: needs " + count
                    + " elements from offset " + offset + ", array length is " + length);
        }
    }
}
