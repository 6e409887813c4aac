package dev.reliant.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link ElementwiseKernels}, with {@link ElementwisePlain} as its
 * twin. Vectors of the preferred shape ({@link FloatVector#SPECIES_PREFERRED}) cover the bulk,
 * two per loop iteration, and the scalar tail runs the twin's loop, so every element sees the
 * same IEEE operations in both implementations (bit-identical results). Argument checks and the
 * split over threads are shared with the twin ({@link ElementwiseDriver}).
 *
 * <p>ReLU and clamp use the lane-wise {@code MAX} and {@code MIN} operators, which the Vector API
 * specifies with the semantics of {@link Math#max(float, float)} and {@link Math#min(float, float)}
 * (NaN propagates, −0 &lt; +0) — the same functions the twin calls.
 */
public final class ElementwiseSimd extends ElementwiseDriver {
    /** The single instance. */
    public static final ElementwiseSimd INSTANCE = new ElementwiseSimd();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** The twin, whose loops finish the scalar tails. */
    private static final ElementwisePlain TAIL = ElementwisePlain.INSTANCE;

    private ElementwiseSimd() {}

    @Override
    public String name() {
        return "simd (" + S.vectorBitSize() + "-bit)";
    }

    /** {@code y = max(x, +0)}, lane-wise {@code MAX} having the semantics of {@link Math#max(float, float)}. */
    @Override
    void reluRange(float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            FloatVector a = FloatVector.fromArray(S, x, xOff + i);
            FloatVector b = FloatVector.fromArray(S, x, xOff + i + L);
            a.max(zero).intoArray(y, yOff + i);
            b.max(zero).intoArray(y, yOff + i + L);
        }
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, x, xOff + i).max(zero).intoArray(y, yOff + i);
        }
        TAIL.reluRange(x, xOff + i, y, yOff + i, n - i);
    }

    /** {@code y = min(max(x, lo), hi)} with the semantics of {@link Math#max}/{@link Math#min}. */
    @Override
    void clampRange(float[] x, int xOff, float[] y, int yOff, int n, float lo, float hi) {
        FloatVector vlo = FloatVector.broadcast(S, lo);
        FloatVector vhi = FloatVector.broadcast(S, hi);
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            FloatVector a = FloatVector.fromArray(S, x, xOff + i);
            FloatVector b = FloatVector.fromArray(S, x, xOff + i + L);
            a.max(vlo).min(vhi).intoArray(y, yOff + i);
            b.max(vlo).min(vhi).intoArray(y, yOff + i + L);
        }
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, x, xOff + i).max(vlo).min(vhi).intoArray(y, yOff + i);
        }
        TAIL.clampRange(x, xOff + i, y, yOff + i, n - i, lo, hi);
    }

    @Override
    void addRange(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            FloatVector a0 = FloatVector.fromArray(S, a, aOff + i);
            FloatVector a1 = FloatVector.fromArray(S, a, aOff + i + L);
            FloatVector b0 = FloatVector.fromArray(S, b, bOff + i);
            FloatVector b1 = FloatVector.fromArray(S, b, bOff + i + L);
            a0.add(b0).intoArray(y, yOff + i);
            a1.add(b1).intoArray(y, yOff + i + L);
        }
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i)).intoArray(y, yOff + i);
        }
        TAIL.addRange(a, aOff + i, b, bOff + i, y, yOff + i, n - i);
    }

    @Override
    void addReluRange(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            FloatVector s0 = FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i));
            FloatVector s1 = FloatVector.fromArray(S, a, aOff + i + L).add(FloatVector.fromArray(S, b, bOff + i + L));
            s0.max(zero).intoArray(y, yOff + i);
            s1.max(zero).intoArray(y, yOff + i + L);
        }
        for (; i <= n - L; i += L) {
            FloatVector s0 = FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i));
            s0.max(zero).intoArray(y, yOff + i);
        }
        TAIL.addReluRange(a, aOff + i, b, bOff + i, y, yOff + i, n - i);
    }

    @Override
    void scaleRange(float[] x, int xOff, float[] y, int yOff, int n, float s) {
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            FloatVector a = FloatVector.fromArray(S, x, xOff + i);
            FloatVector b = FloatVector.fromArray(S, x, xOff + i + L);
            a.mul(vs).intoArray(y, yOff + i);
            b.mul(vs).intoArray(y, yOff + i + L);
        }
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(vs).intoArray(y, yOff + i);
        }
        TAIL.scaleRange(x, xOff + i, y, yOff + i, n - i, s);
    }

    @Override
    void scaleShiftRange(float[] x, int xOff, float[] y, int yOff, int n, float s, float t) {
        FloatVector vs = FloatVector.broadcast(S, s);
        FloatVector vt = FloatVector.broadcast(S, t);
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            FloatVector a = FloatVector.fromArray(S, x, xOff + i);
            FloatVector b = FloatVector.fromArray(S, x, xOff + i + L);
            // mul then add, two roundings, exactly as the scalar x * s + t (never fused).
            a.mul(vs).add(vt).intoArray(y, yOff + i);
            b.mul(vs).add(vt).intoArray(y, yOff + i + L);
        }
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(vs).add(vt).intoArray(y, yOff + i);
        }
        TAIL.scaleShiftRange(x, xOff + i, y, yOff + i, n - i, s, t);
    }
}
