package dev.reliant.ops;

import dev.reliant.simd.Parallel;

/**
 * SWIM's activation quantizer q_N (specs/cim-swim.md A.2): {@code round(x / d)·d} with
 * {@code d = max|x| / 2^N} taken over the <b>whole batch tensor</b>, round half to even, the
 * input unchanged when d = 0. Integer codes lie in [−2^N, 2^N], so one output tensor takes at
 * most 2^(N+1) + 1 distinct values. Backward (first and second order): straight-through, the
 * incoming quantity passes unchanged.
 *
 * <p><b>Batch dependence.</b> Unlike every other operator, an image's output depends on the
 * other images of its batch (the range is the batch's, as in the study, which evaluates with
 * batch 128): {@link #forward} computes d over all {@code batch} images of the call in one go,
 * so an executor must pass the whole batch in one call to reproduce the study — it does; an
 * engine that recomputes subsets of a batch (the fault fast path) does not see the same d.
 *
 * <p>Arithmetic is float32 as PyTorch's: d is exact (a division by a power of two), x / d is
 * one rounded float division, the product code·d one rounded multiplication. A NaN in the
 * tensor makes d NaN and every output NaN, as {@code torch.max} would.
 */
public final class Quantize extends AbstractOp {

    /** The range is the whole batch's (see the class comment). */
    @Override
    public boolean batchDependent() {
        return true;
    }
    /** The widest code range: codes up to 2^24 are exact in float32. */
    public static final int MAX_BITS = 24;
    /** Values per parallel chunk; the split never depends on the thread count, and both passes are exact anyway. */
    private static final int GRAIN = 1 << 16;

    private final int bits;

    /**
     * @param shape the per-image shape (input and output)
     * @param bits N, the number of magnitude bits of the codes (1 … {@value #MAX_BITS})
     */
    public Quantize(int[] shape, int bits) {
        super(shape, shape);
        this.bits = checkBits(bits);
    }

    /** Checks N and returns it. */
    public static int checkBits(int bits) {
        if (bits < 1 || bits > MAX_BITS) {
            throw new IllegalArgumentException("quantization bits N must be in 1.." + MAX_BITS + ", got " + bits);
        }
        return bits;
    }

    public int bits() {
        return bits;
    }

    @Override
    public String type() {
        return "Quantize";
    }

    /** Reads every element (for the range) before writing any, so it can run in place. */
    @Override
    public int inPlaceInput() {
        return 0;
    }

    @Override
    public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        quantize(inputs[0], inputOffsets[0], out, outOff, batch * outputSize(), bits);
    }

    /** Straight-through: dL/dx += dL/dy. */
    @Override
    public void backward(BackwardContext ctx) {
        passGradient(ctx);
    }

    /** Straight-through for the diagonal second derivative too: h_x += h_y. */
    @Override
    public void backwardDiagonal(BackwardContext ctx) {
        passGradient(ctx);
    }

    @Override
    public String toString() {
        return "Quantize(N=" + bits + ")";
    }

    // ------------------------------------------------------------------ q_N on a range

    /** {@code max|x|} over {@code x[off, off + len)}; NaN if any element is NaN. */
    public static float maxAbs(float[] x, int off, int len) {
        checkRange(x, off, len, "input");
        if (len <= GRAIN) {
            return maxAbsSerial(x, off, len);
        }
        int chunks = (len + GRAIN - 1) / GRAIN;
        float[] partial = new float[chunks];
        Parallel.forRange(len, GRAIN, (s, e) -> partial[s / GRAIN] = maxAbsSerial(x, off + s, e - s));
        return maxAbsSerial(partial, 0, chunks);
    }

    private static float maxAbsSerial(float[] x, int off, int len) {
        float m = 0f;
        for (int i = off; i < off + len; i++) {
            m = Math.max(m, Math.abs(x[i])); // Math.max propagates NaN
        }
        return m;
    }

    /** The step d = max|x| / 2^N of q_N over {@code x[off, off + len)}. */
    public static float step(float[] x, int off, int len, int bits) {
        checkBits(bits);
        return maxAbs(x, off, len) / (float) (1 << bits);
    }

    /**
     * q_N of the whole range {@code in[inOff, inOff + len)} into {@code out[outOff, …)}; the two
     * ranges may be the same place (the range is read completely before anything is written).
     */
    public static void quantize(float[] in, int inOff, float[] out, int outOff, int len, int bits) {
        checkRange(out, outOff, len, "output");
        float d = step(in, inOff, len, bits);
        if (d == 0f) {
            if (in != out || inOff != outOff) {
                System.arraycopy(in, inOff, out, outOff, len);
            }
            return;
        }
        Parallel.forRange(len, GRAIN, (s, e) -> {
            for (int i = s; i < e; i++) {
                out[outOff + i] = (float) Math.rint(in[inOff + i] / d) * d;
            }
        });
    }

    private static void checkRange(float[] a, int off, int len, String what) {
        if (a == null || off < 0 || len < 0 || (long) off + len > a.length) {
            throw new IllegalArgumentException("q_N " + what + ": " + len + " values from offset " + off
                    + " do not fit an array of " + (a == null ? "none" : a.length));
        }
    }
}
