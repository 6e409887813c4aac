package dev.reliant.simd;

/**
 * The part of {@link SoftmaxKernels} that both twins share: argument checks, the split over
 * rows, and the recipe of each row with its scalar steps (the exponentials, their
 * double-precision sum and the logarithm). {@link SoftmaxPlain} and {@link SoftmaxSimd} only
 * supply the steps that the SIMD twin vectorizes: the row maximum, the subtraction and the
 * division.
 */
abstract class SoftmaxDriver implements SoftmaxKernels {
    /** Values per parallel work item, in whole rows. */
    static final int PARALLEL_VALUES = 1 << 14;

    /** The maximum of {@code n ≥ 1} values (NaN if one is NaN); the driver turns a −0 maximum into +0. */
    abstract float rowMax(float[] x, int off, int n);

    /** {@code y[i] = x[i] − m} for i in [0, n); y may be x at the same offset. */
    abstract void subtract(float[] x, int xOff, float[] y, int yOff, int n, float m);

    /** {@code y[i] = y[i] / s} for i in [0, n). */
    abstract void divide(float[] y, int off, int n, float s);

    @Override
    public final void softmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        forShiftedRows("softmax", x, xOff, y, yOff, rows, cols, (d, off, n) -> {
            float sum = (float) expInPlace(d, off, n);
            divide(d, off, n, sum);
        });
    }

    @Override
    public final void logSoftmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        forShiftedRows("logSoftmax", x, xOff, y, yOff, rows, cols, (d, off, n) -> {
            float lse = (float) StrictMath.log(expSum(d, off, n));
            subtract(d, off, d, off, n, lse);
        });
    }

    /** The rest of a row's recipe, on the row's differences d[i] = x[i] − m (n values from off). */
    @FunctionalInterface
    private interface RowFinish {
        void finish(float[] d, int off, int n);
    }

    /**
     * Checks the arguments, then for every row (split over the pool): steps 1 and 2 of the recipe,
     * the differences to the row maximum written to y, then {@code finish} on them.
     */
    private void forShiftedRows(String op, float[] x, int xOff, float[] y, int yOff, int rows, int cols,
                                RowFinish finish) {
        check(op, x, xOff, y, yOff, rows, cols);
        Parallel.forItems(rows, cols, PARALLEL_VALUES, r -> {
            int xi = xOff + r * cols;
            int yi = yOff + r * cols;
            float m = canonicalMax(rowMax(x, xi, cols));
            subtract(x, xi, y, yi, cols, m);
            finish.finish(y, yi, cols);
        });
    }

    /** Turns −0 into +0 (adding +0 does exactly that and changes no other value). */
    private static float canonicalMax(float m) {
        return m + 0f;
    }

    /** Replaces d[i] by {@code (float) StrictMath.exp(d[i])} and returns their sum in double, in order. */
    private static double expInPlace(float[] d, int off, int n) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            float e = (float) StrictMath.exp(d[off + i]);
            d[off + i] = e;
            sum += e;
        }
        return sum;
    }

    /** The sum of {@code (float) StrictMath.exp(d[i])} in double, in order, leaving d unchanged. */
    private static double expSum(float[] d, int off, int n) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            sum += (float) StrictMath.exp(d[off + i]);
        }
        return sum;
    }

    private static void check(String op, float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        Checks.requireNonNegative(op, "rows", rows);
        Checks.requirePositive(op, "cols", cols);
        long n = (long) rows * cols;
        Checks.requireRange(op, "x [" + rows + " x " + cols + "]", x, xOff, n);
        Checks.requireRange(op, "y [" + rows + " x " + cols + "]", y, yOff, n);
    }
}
