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
public final class SoftmaxSimd extends SoftmaxDriver {
    /** The single instance. */
    public static final SoftmaxSimd INSTANCE = new SoftmaxSimd();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();
    /** The twin, whose loops finish the scalar tails. */
    private static final SoftmaxPlain TAIL = SoftmaxPlain.INSTANCE;

    private SoftmaxSimd() {}

    @Override
    public String name() {
        return "simd (256-bit)";
    }

    /** Same value as {@link SoftmaxPlain#rowMax}: two vector accumulators, then the tail. */
    @Override
    float rowMax(float[] x, int off, int n) {
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
        return m;
    }

    /** {@code y[i] = x[i] − m}. */
    @Override
    void subtract(float[] x, int xOff, float[] y, int yOff, int n, float m) {
        FloatVector vm = FloatVector.broadcast(S, m);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, x, xOff + i).sub(vm).intoArray(y, yOff + i);
        }
        TAIL.subtract(x, xOff + i, y, yOff + i, n - i, m);
    }

    /** {@code y[i] = y[i] / s}. */
    @Override
    void divide(float[] y, int off, int n, float s) {
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, y, off + i).div(vs).intoArray(y, off + i);
        }
        TAIL.divide(y, off + i, n - i, s);
    }
}
