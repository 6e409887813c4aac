package dev.reliant.simd;

/**
 * Plain-Java twin of {@link ElementwiseSimd}: the same per-element operations in scalar loops.
 * See {@link ElementwiseKernels} for the contract; the argument checks and the split over
 * threads are shared with the SIMD twin ({@link ElementwiseDriver}), which also runs these
 * loops for its tails.
 */
public final class ElementwisePlain extends ElementwiseDriver {
    /** The single instance. */
    public static final ElementwisePlain INSTANCE = new ElementwisePlain();

    private ElementwisePlain() {}

    @Override
    public String name() {
        return "plain";
    }

    @Override
    void reluRange(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.max(x[xOff + i], 0f);
        }
    }

    @Override
    void clampRange(float[] x, int xOff, float[] y, int yOff, int n, float lo, float hi) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.min(Math.max(x[xOff + i], lo), hi);
        }
    }

    @Override
    void addRange(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = a[aOff + i] + b[bOff + i];
        }
    }

    @Override
    void addReluRange(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.max(a[aOff + i] + b[bOff + i], 0f);
        }
    }

    @Override
    void scaleRange(float[] x, int xOff, float[] y, int yOff, int n, float s) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = x[xOff + i] * s;
        }
    }

    @Override
    void scaleShiftRange(float[] x, int xOff, float[] y, int yOff, int n, float s, float t) {
        for (int i = 0; i < n; i++) {
            float m = x[xOff + i] * s;
            y[yOff + i] = m + t;
        }
    }
}
