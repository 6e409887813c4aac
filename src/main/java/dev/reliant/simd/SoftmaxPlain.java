package dev.reliant.simd;

/**
 * Plain-Java twin of {@link SoftmaxSimd}: the recipe of {@link SoftmaxKernels} in scalar loops.
 * The exponentials, logarithm and the double-precision sum are scalar in both twins; this class
 * holds them so the SIMD twin calls the very same code.
 */
public final class SoftmaxPlain implements SoftmaxKernels {
    /** The single instance. */
    public static final SoftmaxPlain INSTANCE = new SoftmaxPlain();

    private SoftmaxPlain() {}

    @Override
    public String name() {
        return "plain";
    }

    @Override
    public void softmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        check("softmax", x, xOff, y, yOff, rows, cols);
        forRows(rows, cols, r -> {
            int xi = xOff + r * cols;
            int yi = yOff + r * cols;
            float m = rowMax(x, xi, cols);
            subtract(x, xi, y, yi, cols, m);
            float sum = (float) expInPlace(y, yi, cols);
            for (int i = 0; i < cols; i++) {
                y[yi + i] = y[yi + i] / sum;
            }
        });
    }

    @Override
    public void logSoftmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        check("logSoftmax", x, xOff, y, yOff, rows, cols);
        forRows(rows, cols, r -> {
            int xi = xOff + r * cols;
            int yi = yOff + r * cols;
            float m = rowMax(x, xi, cols);
            subtract(x, xi, y, yi, cols, m);
            float lse = (float) StrictMath.log(expSum(y, yi, cols));
            subtract(y, yi, y, yi, cols, lse);
        });
    }

    /** The maximum of {@code n ≥ 1} values (NaN if one is NaN), with a zero maximum made +0. */
    static float rowMax(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        return canonicalMax(m);
    }

    /** Turns −0 into +0 (adding +0 does exactly that and changes no other value). */
    static float canonicalMax(float m) {
        return m + 0f;
    }

    /** {@code y[i] = x[i] − m} for i in [0, n). */
    static void subtract(float[] x, int xOff, float[] y, int yOff, int n, float m) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = x[xOff + i] - m;
        }
    }

    /** Replaces d[i] by {@code (float) StrictMath.exp(d[i])} and returns their sum in double, in order. */
    static double expInPlace(float[] d, int off, int n) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            float e = (float) StrictMath.exp(d[off + i]);
            d[off + i] = e;
            sum += e;
        }
        return sum;
    }

    /** The sum of {@code (float) StrictMath.exp(d[i])} in double, in order, leaving d unchanged. */
    static double expSum(float[] d, int off, int n) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            sum += (float) StrictMath.exp(d[off + i]);
        }
        return sum;
    }

    /** Runs {@code body} for every row, split over the pool in fixed chunks for large inputs. */
    static void forRows(int rows, int cols, java.util.function.IntConsumer body) {
        int grain = Math.max(1, (1 << 14) / Math.max(1, cols));
        if (rows <= grain) {
            for (int r = 0; r < rows; r++) {
                body.accept(r);
            }
        } else {
            Parallel.forRange(rows, grain, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    body.accept(r);
                }
            });
        }
    }

    static void check(String op, float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        ElementwisePlain.requireNonNegative(op, "rows", rows);
        ElementwisePlain.requirePositive(op, "cols", cols);
        long n = (long) rows * cols;
        ElementwisePlain.requireRange(op, "x [" + rows + " x " + cols + "]", x, xOff, n);
        ElementwisePlain.requireRange(op, "y [" + rows + " x " + cols + "]", y, yOff, n);
    }
}
