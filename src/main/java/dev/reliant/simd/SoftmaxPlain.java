package dev.reliant.simd;

/**
 * Plain-Java twin of {@link SoftmaxSimd}: the recipe of {@link SoftmaxKernels} in scalar loops.
 * The recipe itself, with its scalar steps (exponentials, logarithm, double-precision sum), is
 * shared with the SIMD twin ({@link SoftmaxDriver}); this class supplies the row maximum, the
 * subtraction and the division, whose loops also finish the SIMD twin's tails.
 */
public final class SoftmaxPlain extends SoftmaxDriver {
    /** The single instance. */
    public static final SoftmaxPlain INSTANCE = new SoftmaxPlain();

    private SoftmaxPlain() {}

    @Override
    public String name() {
        return "plain";
    }

    @Override
    float rowMax(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        return m;
    }

    @Override
    void subtract(float[] x, int xOff, float[] y, int yOff, int n, float m) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = x[xOff + i] - m;
        }
    }

    @Override
    void divide(float[] y, int off, int n, float s) {
        for (int i = 0; i < n; i++) {
            y[off + i] = y[off + i] / s;
        }
    }
}
