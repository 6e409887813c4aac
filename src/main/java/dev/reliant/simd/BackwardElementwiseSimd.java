package dev.reliant.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link BackwardElementwiseKernels}, with
 * {@link BackwardElementwisePlain} as its twin. Element-wise loops use vectors of the preferred
 * shape and finish with the twin's scalar loop, so every element sees the same IEEE operations.
 * The striped sums keep stripe j in lane j of one 256-bit accumulator (8 lanes whatever the
 * hardware's widest shape, so the order of additions is the documented one) and combine the
 * lanes in the fixed order of {@link BackwardElementwisePlain#combine}, never with
 * {@code reduceLanes}.
 */
public final class BackwardElementwiseSimd extends BackwardElementwiseDriver {
    /** The single instance. */
    public static final BackwardElementwiseSimd INSTANCE = new BackwardElementwiseSimd();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** The species of the striped sums: one lane per stripe. */
    private static final VectorSpecies<Float> STRIPE = FloatVector.SPECIES_256;
    /** Whether the striped sums may use {@link #STRIPE} beside S ({@link Simd#halfWidthVectorsOk()}). */
    private static final boolean STRIPED_SIMD = Simd.halfWidthVectorsOk();
    private static final BackwardElementwisePlain TAIL = BackwardElementwisePlain.INSTANCE;

    private BackwardElementwiseSimd() {}

    @Override
    public String name() {
        return "simd (" + S.vectorBitSize() + "-bit)";
    }

    /** Adds dy where y > 0 and +0 elsewhere (a blend, then an add, as the twin's {@code dx += y > 0 ? dy : 0}). */
    @Override
    void reluBackwardRange(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) {
            VectorMask<Float> pass = FloatVector.fromArray(S, y, yOff + i).compare(VectorOperators.GT, 0f);
            FloatVector g = zero.blend(FloatVector.fromArray(S, dy, dyOff + i), pass);
            FloatVector.fromArray(S, dx, dxOff + i).add(g).intoArray(dx, dxOff + i);
        }
        TAIL.reluBackwardRange(y, yOff + i, dy, dyOff + i, dx, dxOff + i, n - i);
    }

    @Override
    void clampBackwardRange(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n,
                            float lo, float hi) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, y, yOff + i);
            VectorMask<Float> pass = v.compare(VectorOperators.GT, lo).and(v.compare(VectorOperators.LT, hi));
            FloatVector g = zero.blend(FloatVector.fromArray(S, dy, dyOff + i), pass);
            FloatVector.fromArray(S, dx, dxOff + i).add(g).intoArray(dx, dxOff + i);
        }
        TAIL.clampBackwardRange(y, yOff + i, dy, dyOff + i, dx, dxOff + i, n - i, lo, hi);
    }

    @Override
    float planeSum(float[] x, int off, int n) {
        if (!STRIPED_SIMD) {
            return TAIL.planeSum(x, off, n);
        }
        FloatVector acc = FloatVector.zero(STRIPE);
        int i = 0;
        for (; i <= n - STRIPES; i += STRIPES) {
            acc = acc.add(FloatVector.fromArray(STRIPE, x, off + i));
        }
        return BackwardElementwisePlain.sumTail(x, off, i, n, BackwardElementwisePlain.combine(acc.toArray()));
    }

    @Override
    void planeCentredMoments(float[] x, int off, int n, float c, float[] out) {
        if (!STRIPED_SIMD) {
            TAIL.planeCentredMoments(x, off, n, c, out);
            return;
        }
        FloatVector acc = FloatVector.zero(STRIPE);
        FloatVector accSquares = FloatVector.zero(STRIPE);
        int i = 0;
        for (; i <= n - STRIPES; i += STRIPES) {
            FloatVector d = FloatVector.fromArray(STRIPE, x, off + i).sub(c);
            acc = acc.add(d);
            accSquares = accSquares.add(d.mul(d));
        }
        BackwardElementwisePlain.centredMomentsTail(x, off, i, n, c, BackwardElementwisePlain.combine(acc.toArray()),
                BackwardElementwisePlain.combine(accSquares.toArray()), out);
    }

    @Override
    void planeGradientSums(float[] dy, int dyOff, float[] x, int xOff, int n, float c, float[] out) {
        if (!STRIPED_SIMD) {
            TAIL.planeGradientSums(dy, dyOff, x, xOff, n, c, out);
            return;
        }
        FloatVector acc = FloatVector.zero(STRIPE);
        FloatVector accX = FloatVector.zero(STRIPE);
        int i = 0;
        for (; i <= n - STRIPES; i += STRIPES) {
            FloatVector g = FloatVector.fromArray(STRIPE, dy, dyOff + i);
            acc = acc.add(g);
            accX = accX.add(g.mul(FloatVector.fromArray(STRIPE, x, xOff + i).sub(c)));
        }
        BackwardElementwisePlain.gradientSumsTail(dy, dyOff, x, xOff, i, n, c,
                BackwardElementwisePlain.combine(acc.toArray()), BackwardElementwisePlain.combine(accX.toArray()), out);
    }

    @Override
    void normalizeRange(float[] x, int xOff, float[] y, int yOff, int n, float c, float s, float t) {
        FloatVector vc = FloatVector.broadcast(S, c);
        FloatVector vs = FloatVector.broadcast(S, s);
        FloatVector vt = FloatVector.broadcast(S, t);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, x, xOff + i).sub(vc).mul(vs).add(vt).intoArray(y, yOff + i);
        }
        TAIL.normalizeRange(x, xOff + i, y, yOff + i, n - i, c, s, t);
    }

    @Override
    void scaleAccumulateRange(float[] dy, int dyOff, float[] dx, int dxOff, int n, float s) {
        FloatVector vs = FloatVector.broadcast(S, s);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector m = FloatVector.fromArray(S, dy, dyOff + i).mul(vs);
            FloatVector.fromArray(S, dx, dxOff + i).add(m).intoArray(dx, dxOff + i);
        }
        TAIL.scaleAccumulateRange(dy, dyOff + i, dx, dxOff + i, n - i, s);
    }

    @Override
    void batchNormInputGradientRange(float[] dy, int dyOff, float[] x, int xOff, float[] dx, int dxOff, int n,
                                     float a, float c, float b, float d) {
        FloatVector va = FloatVector.broadcast(S, a);
        FloatVector vc = FloatVector.broadcast(S, c);
        FloatVector vb = FloatVector.broadcast(S, b);
        FloatVector vd = FloatVector.broadcast(S, d);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector fromDy = FloatVector.fromArray(S, dy, dyOff + i).mul(va);
            FloatVector fromX = FloatVector.fromArray(S, x, xOff + i).sub(vc).mul(vb);
            FloatVector sum = fromDy.add(fromX).add(vd);
            FloatVector.fromArray(S, dx, dxOff + i).add(sum).intoArray(dx, dxOff + i);
        }
        TAIL.batchNormInputGradientRange(dy, dyOff + i, x, xOff + i, dx, dxOff + i, n - i, a, c, b, d);
    }
}
