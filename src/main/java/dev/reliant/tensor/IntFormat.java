package dev.reliant.tensor;

/**
 * Symmetric signed integer quantization with {@code bits} = N bits (2 ≤ N ≤ 16) and a float
 * {@code scale}: the value {@code q * scale} is stored as q in N-bit two's complement.
 *
 * <p>Encoding computes {@code Math.rint(v / scale)} (float division, as PyTorch's {@code
 * round(w / scale)}) and clamps it to ±(2^(N-1) - 1), the symmetric range; NaN encodes to 0,
 * because an integer store has no NaN and 0 is what a quantizer that skips it leaves. Decoding
 * sign-extends the N bits and multiplies by {@code scale} in float; the code -2^(N-1), which
 * encoding never produces but a bit flip can, decodes to -2^(N-1) · scale.
 *
 * <p>The scale must be a normal positive float with 2^(N-1) · scale finite, so every code decodes
 * to a finite value and {@code decode(encode(decode(c))) == decode(c)} for every code but
 * -2^(N-1).
 *
 * @param bits the stored width N
 * @param scale the value of one integer step
 */
public record IntFormat(int bits, float scale) implements NumberFormat {

    /** Validates width and scale. */
    public IntFormat {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("int format: bits must be in 2..16, got " + bits);
        }
        if (!(scale >= Float.MIN_NORMAL) || !Float.isFinite(scale * (1 << (bits - 1)))) {
            throw new IllegalArgumentException("int" + bits + ": scale must be a positive normal float"
                    + " with 2^" + (bits - 1) + " * scale finite, got " + scale);
        }
    }

    /** The symmetric 8-bit format with the given scale. */
    public static IntFormat int8(float scale) {
        return new IntFormat(8, scale);
    }

    /**
     * The symmetric scale that maps {@code maxAbs} to the largest code: {@code maxAbs /
     * (2^(bits-1) - 1)}. An all-zero tensor ({@code maxAbs == 0}) gets scale 1, which represents
     * it exactly; a tiny {@code maxAbs} gets at least {@link Float#MIN_NORMAL}.
     *
     * @throws IllegalArgumentException if {@code maxAbs} is negative, NaN or infinite
     */
    public static float scaleFor(float maxAbs, int bits) {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("int format: bits must be in 2..16, got " + bits);
        }
        if (!(maxAbs >= 0) || maxAbs == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("scaleFor: maxAbs must be finite and >= 0, got " + maxAbs);
        }
        if (maxAbs == 0) {
            return 1f;
        }
        return Math.max(maxAbs / ((1 << (bits - 1)) - 1), Float.MIN_NORMAL);
    }

    /** The symmetric format of {@code bits} bits whose largest code holds the tensor's max |x|. */
    public static IntFormat symmetricFor(Tensor t, int bits) {
        return new IntFormat(bits, scaleFor(t.maxAbs(), bits));
    }

    /** The largest code, 2^(N-1) - 1; encoding clamps to ± this. */
    public int maxCode() {
        return (1 << (bits - 1)) - 1;
    }

    @Override
    public String name() {
        return "int" + bits;
    }

    @Override
    public long encode(float value) {
        if (Float.isNaN(value)) {
            return 0;
        }
        int max = maxCode();
        double q = Math.rint(value / scale);
        long c = (long) Math.max(-max, Math.min(max, q));
        return c & mask();
    }

    @Override
    public float decode(long code) {
        int shift = 64 - bits;
        long q = (code << shift) >> shift; // sign-extend the low N bits
        return q * scale;
    }

    /** The parseable form, e.g. {@code int8:0.0125}. */
    @Override
    public String toString() {
        return name() + ":" + Float.toString(scale);
    }
}
