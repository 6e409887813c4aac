package dev.reliant.tensor;

/**
 * Signed fixed point Qm.n in the ARM convention: 1 sign bit, m integer bits and n fraction bits,
 * 1 + m + n ≤ 32 bits of two's complement (Q15.16 is the 32-bit format of fault-injection
 * studies on fixed-point accelerators). A code c stands for c / 2^n.
 *
 * <p>Encoding computes {@code rint(v * 2^n)} and saturates to [-2^(m+n), 2^(m+n) - 1], the full
 * two's complement range (so every code round-trips); NaN encodes to 0, because a fixed-point
 * store has no NaN. Decoding is computed in double and rounded once to float: exact while the
 * code fits 24 bits (1 + m + n ≤ 24), otherwise the nearest float to the exact value.
 *
 * @param intBits m, the integer bits after the sign bit
 * @param fracBits n, the fraction bits
 */
public record FixedPointFormat(int intBits, int fracBits) implements NumberFormat {

    /** Validates the widths. */
    public FixedPointFormat {
        if (intBits < 0 || fracBits < 0 || intBits > 31 || fracBits > 31
                || intBits + fracBits > 31 || intBits + fracBits < 1) {
            throw new IllegalArgumentException("fixed point Q" + intBits + "." + fracBits
                    + ": need m, n >= 0 and 2 <= 1 + m + n <= 32");
        }
    }

    /** Q15.16, 32 bits. */
    public static FixedPointFormat q15_16() {
        return new FixedPointFormat(15, 16);
    }

    @Override
    public int bits() {
        return 1 + intBits + fracBits;
    }

    @Override
    public String name() {
        return "Q" + intBits + "." + fracBits;
    }

    @Override
    public long encode(float value) {
        if (Float.isNaN(value)) {
            return 0;
        }
        long max = (1L << (intBits + fracBits)) - 1;
        double scaled = Math.rint(Math.scalb((double) value, fracBits)); // exact scaling
        long c = (long) Math.max(-max - 1, Math.min(max, scaled));
        return c & mask();
    }

    @Override
    public float decode(long code) {
        int shift = 64 - bits();
        long c = (code << shift) >> shift; // sign-extend
        return (float) Math.scalb((double) c, -fracBits);
    }

    /** The parseable form, e.g. {@code Q15.16}. */
    @Override
    public String toString() {
        return name();
    }
}
