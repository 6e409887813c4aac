package dev.reliant.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link ElementwiseKernels}, with {@link ElementwisePlain} as its
 * twin. Vectors of the preferred shape ({@link FloatVector#SPECIES_PREFERRED}) cover the bulk,
 * two per loop iteration, and the scalar tail runs the twin's loop, so every element sees the
 * same IEEE operations in both implementations (bit-identical results).
 *
 * <p>ReLU and clamp use the lane-wise {@code MAX} and {@code MIN} operators, which the Vector API
 * specifies with the semantics of {@link Math#max(float, float)} and {@link Math#min(float, float)}
 * (NaN propagates, −0 &lt; +0) — the same functions the twin calls.
 */
public final class ElementwiseSimd implements ElementwiseKernels {
    /** The single instance. */
    public static final ElementwiseSimd INSTANCE = new ElementwiseSimd();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int GRAIN = ElementwisePlain.PARALLEL_GRAIN;

    private ElementwiseSimd() {}

    @Override
    public String name() {
        return "simd (" + S.vectorBitSize() + "-bit)";
    }

    @Override
    public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        ElementwisePlain.checkUnary("relu", x, xOff, y, yOff, n);
        if (n <= GRAIN) {
            reluRange(x, xOff, y, yOff, n);
        } else {
            Parallel.forRange(n, GRAIN, (s, e) -> reluRange(x, xOff + s, y, yOff + s, e - s));
        }
    }

    /** {@code y = max(x, +0)}, lane-wise {@code MAX} having the semantics of {@link Math#max(float, float)}. */
    private static void reluRange(float[] x, int xOff, float[] y, int yOff, int n) {
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
        ElementwisePlain.reluRange(x, xOff + i, y, yOff + i, n - i);
    }

    @Override
    public void clamp(float[] x, int xOff, float[] y, int yOff, int n, float lo, float hi) {
        ElementwisePlain.checkUnary("clamp", x, xOff, y, yOff, n);
        ElementwisePlain.checkBounds("clamp", lo, hi);
        if (n <= GRAIN) {
            clampRange(x, xOff, y, yOff, n, lo, hi);
        } else {
            Parallel.forRange(n, GRAIN, (s, e) -> clampRange(x, xOff + s, y, yOff + s, e - s, lo, hi));
        }
    }

    /** {@code y = min(max(x, lo), hi)} with the semantics of {@link Math#max}/{@link Math#min}. */
    private static void clampRange(float[] x, int xOff, float[] y, int yOff, int n, float lo, float hi) {
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
        ElementwisePlain.clampRange(x, xOff + i, y, yOff + i, n - i, lo, hi);
    }

    @Override
    public void add(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        ElementwisePlain.checkBinary("add", a, aOff, b, bOff, y, yOff, n);
        if (n <= GRAIN) {
            addRange(a, aOff, b, bOff, y, yOff, n);
        } else {
            Parallel.forRange(n, GRAIN, (s, e) -> addRange(a, aOff + s, b, bOff + s, y, yOff + s, e - s));
        }
    }

    @Override
    public void addInPlace(float[] y, int yOff, float[] b, int bOff, int n) {
        String op = "addInPlace";
        ElementwisePlain.requireNonNegative(op, "n", n);
        ElementwisePlain.requireRange(op, "y", y, yOff, n);
        ElementwisePlain.requireRange(op, "b", b, bOff, n);
        if (n <= GRAIN) {
            addRange(y, yOff, b, bOff, y, yOff, n);
        } else {
            Parallel.forRange(n, GRAIN, (s, e) -> addRange(y, yOff + s, b, bOff + s, y, yOff + s, e - s));
        }
    }

    private static void addRange(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
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
        ElementwisePlain.addRange(a, aOff + i, b, bOff + i, y, yOff + i, n - i);
    }

    @Override
    public void addRelu(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        ElementwisePlain.checkBinary("addRelu", a, aOff, b, bOff, y, yOff, n);
        if (n <= GRAIN) {
            addReluRange(a, aOff, b, bOff, y, yOff, n);
        } else {
            Parallel.forRange(n, GRAIN, (s, e) -> addReluRange(a, aOff + s, b, bOff + s, y, yOff + s, e - s));
        }
    }

    private static void addReluRange(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
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
        ElementwisePlain.addReluRange(a, aOff + i, b, bOff + i, y, yOff + i, n - i);
    }

    @Override
    public void scale(float[] x, int xOff, float[] y, int yOff, int n, float s) {
        ElementwisePlain.checkUnary("scale", x, xOff, y, yOff, n);
        if (n <= GRAIN) {
            scaleRange(x, xOff, y, yOff, n, s);
        } else {
            Parallel.forRange(n, GRAIN, (i0, i1) -> scaleRange(x, xOff + i0, y, yOff + i0, i1 - i0, s));
        }
    }

    private static void scaleRange(float[] x, int xOff, float[] y, int yOff, int n, float s) {
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
        ElementwisePlain.scaleRange(x, xOff + i, y, yOff + i, n - i, s);
    }

    @Override
    public void scaleShift(float[] x, int xOff, float[] y, int yOff, int batch, int channels, int spatial,
                           float[] scale, float[] shift) {
        if (ElementwisePlain.checkScaleShift(x, xOff, y, yOff, batch, channels, spatial, scale, shift) == 0) {
            return;
        }
        int planes = batch * channels;
        int grain = ElementwisePlain.planeGrain(spatial);
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
            FloatVector vs = FloatVector.broadcast(S, s);
            FloatVector vt = FloatVector.broadcast(S, t);
            int xi = xOff + p * spatial;
            int yi = yOff + p * spatial;
            int i = 0;
            for (; i <= spatial - 2 * L; i += 2 * L) {
                FloatVector a = FloatVector.fromArray(S, x, xi + i);
                FloatVector b = FloatVector.fromArray(S, x, xi + i + L);
                // mul then add, two roundings, exactly as the scalar x * s + t (never fused).
                a.mul(vs).add(vt).intoArray(y, yi + i);
                b.mul(vs).add(vt).intoArray(y, yi + i + L);
            }
            for (; i <= spatial - L; i += L) {
                FloatVector.fromArray(S, x, xi + i).mul(vs).add(vt).intoArray(y, yi + i);
            }
            for (; i < spatial; i++) {
                float m = x[xi + i] * s;
                y[yi + i] = m + t;
            }
        }
    }
}
