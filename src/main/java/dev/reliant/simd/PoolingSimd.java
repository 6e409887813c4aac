package dev.reliant.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link PoolingKernels}, with {@link PoolingPlain} as its twin.
 *
 * <p>Windowed pooling vectorizes across 8 neighbouring outputs of a row (lane j holds output
 * ox + j): each lane runs the scalar per-element recipe on its own window, in the same order,
 * so results are bit-identical to the twin. Lanes only cover the interior of a row, where no
 * window is clipped horizontally (the last block of a row is shifted back to end at the
 * interior's edge, recomputing a few outputs rather than leaving them to scalar code); the
 * border outputs use the twin's per-element helpers. With stride 1 the lanes' inputs are
 * contiguous; with a larger stride they are gathered. The NaN test of the max rule is
 * {@code v != v} as a lane comparison.
 * Pooling uses 256-bit vectors (8 lanes) even where wider ones exist, because output rows in
 * CNNs are short (7 to 56) and 16-lane blocks would leave most of a row to the scalar border.
 *
 * <p>Global average pooling keeps one 8-lane accumulator per plane, which is the striped order
 * of {@link PoolingKernels} by construction, and reads the lanes out in the fixed pairwise
 * order; there is no {@code reduceLanes}.
 */
public final class PoolingSimd extends PoolingDriver {
    /** The single instance. */
    public static final PoolingSimd INSTANCE = new PoolingSimd();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();

    private PoolingSimd() {}

    @Override
    public String name() {
        return "simd (256-bit)";
    }

    @Override
    PlanePooler planePooler(Geometry g, boolean max, boolean countIncludePad) {
        int[] taps = tapOffsets(g.kh(), g.kw(), g.w());
        int[] map = strideMap(g.sw());
        return (x, xp, y, yp) -> pool(x, xp, y, yp, g, taps, map, max, countIncludePad);
    }

    /** One plane of max (max = true) or average pooling. */
    private static void pool(float[] x, int xp, float[] y, int yp, Geometry g, int[] taps, int[] map,
                             boolean max, boolean countIncludePad) {
        int h = g.h();
        int w = g.w();
        int kh = g.kh();
        int kw = g.kw();
        int sw = g.sw();
        int pw = g.pw();
        int ow = g.ow();
        int oxA = interiorStart(pw, sw, ow);
        int oxB = interiorEnd(w, kw, sw, pw, ow);
        boolean vectors = oxB - oxA >= L;
        for (int oy = 0; oy < g.oh(); oy++) {
            int iy0 = oy * g.sh() - g.ph();
            int kyLo = Math.max(0, -iy0);
            int kyHi = Math.min(kh, h - iy0);
            int yr = yp + oy * ow;
            int ox = 0;
            if (vectors) {
                for (; ox < oxA; ox++) {
                    y[yr + ox] = PoolingPlain.windowAt(x, xp, g, iy0, ox * sw - pw, max, countIncludePad);
                }
                // Taps of the vertically clipped window: rows kyLo … kyHi-1, all kw columns.
                int t0 = kyLo * kw;
                int t1 = kyHi * kw;
                float divisor = countIncludePad ? (float) (kh * kw) : (float) (t1 - t0);
                int rowBase = xp + iy0 * w - pw;
                // Interior blocks of L outputs; the last block is moved back to end at oxB, so it
                // may recompute a few outputs (same inputs, same order, hence the same bits).
                for (int next = oxA; next < oxB; next += L) {
                    int o = Math.min(next, oxB - L);
                    FloatVector v;
                    if (sw == 1) {
                        v = max ? maxContiguous(x, rowBase + o, taps, t0, t1)
                                : sumContiguous(x, rowBase + o, taps, t0, t1).div(divisor);
                    } else {
                        v = max ? maxStrided(x, rowBase + o * sw, taps, t0, t1, map)
                                : sumStrided(x, rowBase + o * sw, taps, t0, t1, map).div(divisor);
                    }
                    v.intoArray(y, yr + o);
                }
                ox = oxB;
            }
            for (; ox < ow; ox++) {
                y[yr + ox] = PoolingPlain.windowAt(x, xp, g, iy0, ox * sw - pw, max, countIncludePad);
            }
        }
    }

    // The tap loops below are single flat loops over precomputed offsets on purpose: on JDK 17,
    // C2 does not keep a vector in registers across the phi of an outer loop (window rows and
    // columns as two nested loops allocated a vector box per tap and ran several times slower).

    /**
     * Lane j: the max over taps t in [t0, t1) of {@code x[base + taps[t] + j]}, taking v where
     * {@code v > m || isNaN(v)} (the scalar rule of {@link PoolingPlain#maxAt}, lane by lane).
     */
    private static FloatVector maxContiguous(float[] x, int base, int[] taps, int t0, int t1) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int t = t0; t < t1; t++) {
            FloatVector v = FloatVector.fromArray(S, x, base + taps[t]);
            m = m.blend(v, v.compare(VectorOperators.GT, m).or(v.compare(VectorOperators.NE, v)));
        }
        return m;
    }

    /** {@link #maxContiguous} with lane j reading {@code x[base + taps[t] + map[j]]} (gathered). */
    private static FloatVector maxStrided(float[] x, int base, int[] taps, int t0, int t1, int[] map) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int t = t0; t < t1; t++) {
            FloatVector v = FloatVector.fromArray(S, x, base + taps[t], map, 0);
            m = m.blend(v, v.compare(VectorOperators.GT, m).or(v.compare(VectorOperators.NE, v)));
        }
        return m;
    }

    /** Lane j: +0 plus {@code x[base + taps[t] + j]} for t = t0 … t1-1 (the scalar order). */
    private static FloatVector sumContiguous(float[] x, int base, int[] taps, int t0, int t1) {
        FloatVector sum = FloatVector.zero(S);
        for (int t = t0; t < t1; t++) {
            sum = sum.add(FloatVector.fromArray(S, x, base + taps[t]));
        }
        return sum;
    }

    /** {@link #sumContiguous} with lane j reading {@code x[base + taps[t] + map[j]]} (gathered). */
    private static FloatVector sumStrided(float[] x, int base, int[] taps, int t0, int t1, int[] map) {
        FloatVector sum = FloatVector.zero(S);
        for (int t = t0; t < t1; t++) {
            sum = sum.add(FloatVector.fromArray(S, x, base + taps[t], map, 0));
        }
        return sum;
    }

    /** Offsets of the window taps from the window's top-left input, row-major: ky·w + kx. */
    private static int[] tapOffsets(int kh, int kw, int w) {
        int[] taps = new int[kh * kw];
        for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
                taps[ky * kw + kx] = ky * w + kx;
            }
        }
        return taps;
    }

    /** {@link PoolingPlain#stripedSum} with one 8-lane accumulator (lane j = stripe j). */
    @Override
    float stripedSum(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) {
            acc = acc.add(FloatVector.fromArray(S, x, off + i));
        }
        float t = ((acc.lane(0) + acc.lane(1)) + (acc.lane(2) + acc.lane(3)))
                + ((acc.lane(4) + acc.lane(5)) + (acc.lane(6) + acc.lane(7)));
        return PoolingPlain.addTail(t, x, off + i, n - i);
    }

    // ------------------------------------------------------------------ row geometry

    /** Lanes' offsets for stride s: {0, s, 2s, …}; null for stride 1 (contiguous loads). */
    private static int[] strideMap(int stride) {
        if (stride == 1) {
            return null;
        }
        int[] map = new int[L];
        for (int j = 0; j < L; j++) {
            map[j] = j * stride;
        }
        return map;
    }

    /** First output column whose window does not reach into the left padding. */
    static int interiorStart(int pw, int sw, int ow) {
        return Math.min(ow, (pw + sw - 1) / sw);
    }

    /** One past the last output column whose window does not reach into the right padding. */
    static int interiorEnd(int w, int kw, int sw, int pw, int ow) {
        int room = w + pw - kw; // ox·sw ≤ room
        return room < 0 ? 0 : Math.min(ow, room / sw + 1);
    }
}
