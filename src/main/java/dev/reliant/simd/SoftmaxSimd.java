package dev.reliant.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link SoftmaxKernels}, with {@link SoftmaxPlain} as its twin.
 * The row maximum, the subtraction of the maximum, the final division (softmax) and the
 * subtraction of the log-sum (log-softmax) are vectorized; the exponentials and their sum stay
 * scalar ({@link StrictMath#exp} in a fixed order, shared with the twin), because the Vector
 * API's {@code EXP} is not bit-reproducible and a float sum must not go through
 * {@code reduceLanes(ADD)}. The maximum does use {@code reduceLanes(MAX)}: a maximum does not
 * depend on the order of comparisons, and a zero maximum is made +0 afterwards.
 *
 * <p>Rows are short (10 to 1000 classes), so 256-bit vectors (8 lanes) are used even where wider
 * ones exist.
 */
public final class SoftmaxSimd implements SoftmaxKernels {
    /** The single instance. */
    public static final SoftmaxSimd INSTANCE = new SoftmaxSimd();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();

    private SoftmaxSimd() {}

    @Override
    public String name() {
        return "simd (256-bit)";
    }

    @Override
    public void softmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        SoftmaxPlain.check("softmax", x, xOff, y, yOff, rows, cols);
        SoftmaxPlain.forRows(rows, cols, r -> {
            int xi = xOff + r * cols;
            int yi = yOff + r * cols;
            float m = rowMax(x, xi, cols);
            subtract(x, xi, y, yi, cols, m);
            float sum = (float) SoftmaxPlain.expInPlace(y, yi, cols);
            divide(y, yi, cols, sum);
        });
    }

    @Override
    public void logSoftmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        SoftmaxPlain.check("logSoftmax", x, xOff, y, yOff, rows, cols);
        SoftmaxPlain.forRows(rows, cols, r -> {
            int xi = xOff + r * cols;
            int yi = yOff + r * cols;
            float m = rowMax(x, xi, cols);
            subtract(x, xi, y, yi, cols, m);
            float lse = (float) StrictMath.log(SoftmaxPlain.expSum(y, yi, cols));
            subtract(y, yi, y, yi, cols, lse);
        });
    }

    /** Same value as {@link SoftmaxPlain#rowMax}: two vector accumulators, then the tail. */
    private static float rowMax(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        int i = 0;
        if (n >= L) {
            FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            FloatVector m1 = m0;
            for (; i <= n - 2 * L; i += 2 * L) {
                m0 = m0.max(FloatVector.fromArray(S, x, off + i));
                m1 = m1.max(FloatVector.fromArray(S, x, off + i + L));
            }
            for (; i <= n - L; i += L) {
                m0 = m0.max(FloatVector.fromArray(S, x, off + i));
            }
            m = m0.max(m1).reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        return SoftmaxPlain.canonicalMax(m);
    }

    /** {@code y[i] = x[i] − m}. */
    private static void subtract(float[] x, int xOff, float[] y, int yOff, int n, float m) {
        FloatVector vm = FloatVector.broadcast(S, m);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, x, xOff + i).sub(vm).intoArray(y, yOff + i);
        }
        SoftmaxPlain.subtract(x, xOff + i, y, yOff + i, n - i, m);
    }

    /** {@code y[i] = y[i] / s}. */
    private static void divide(float[] y, int off, int n, float s) {
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, y, off + i).div(vs).intoArray(y, off + i);
        }
        for (; i < n; i++) {
            y[off + i] = y[off + i] / s;
        }
    }
}
