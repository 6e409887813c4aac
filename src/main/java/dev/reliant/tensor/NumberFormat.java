package dev.reliant.tensor;

/**
 * A stored number format: how a float value is kept in memory as a pattern of {@link #bits()}
 * bits. Fault models act on that stored pattern, so every format offers an exact mapping
 * between a float and its code.
 *
 * <p>A code is an unsigned bit pattern in the low {@code bits()} bits of a {@code long}; bit 0 is
 * the least significant. {@link #encode} returns only those bits (higher bits zero) and {@link
 * #decode} ignores any higher bits. For fp32 the code is the raw IEEE pattern: bits 0–22
 * mantissa, 23–30 exponent, 31 sign.
 *
 * <p>A fault at bit {@code b} of a value {@code v} is {@code decode(flip(encode(v), b))}; it
 * stands for the stored value only when {@code v} is representable, i.e. {@code
 * quantize(v) == v}.
 */
public interface NumberFormat {

    /** Short name, e.g. {@code fp32}, {@code int8}, {@code Q15.16}. */
    String name();

    /** Width of the stored code in bits, 1 to 32. */
    int bits();

    /** The stored code of {@code value} (rounded or saturated as the format defines). */
    long encode(float value);

    /** The value of a stored code; only the low {@link #bits()} bits of {@code code} are read. */
    float decode(long code);

    /** The nearest representable value as this format rounds: {@code decode(encode(v))}. */
    default float quantize(float value) {
        return decode(encode(value));
    }

    /** The mask of the code's bits, {@code 2^bits() - 1}. */
    default long mask() {
        return -1L >>> (64 - bits());
    }

    /** {@code code} with bit {@code bit} inverted (a bit-flip fault), within the low bits. */
    default long flip(long code, int bit) {
        return (code ^ (1L << checkBit(bit))) & mask();
    }

    /** {@code code} with bit {@code bit} forced to 1 (a stuck-at-1 fault), within the low bits. */
    default long setBit(long code, int bit) {
        return (code | (1L << checkBit(bit))) & mask();
    }

    /** {@code code} with bit {@code bit} forced to 0 (a stuck-at-0 fault), within the low bits. */
    default long clearBit(long code, int bit) {
        return code & ~(1L << checkBit(bit)) & mask();
    }

    /** Whether bit {@code bit} of {@code code} is 1. */
    default boolean testBit(long code, int bit) {
        return (code >>> checkBit(bit) & 1L) != 0;
    }

    /**
     * Returns {@code bit} if it addresses a bit of this format's code.
     *
     * @throws IllegalArgumentException {@code bit 32 out of range for fp32 (bits 0..31)}
     */
    default int checkBit(int bit) {
        if (bit < 0 || bit >= bits()) {
            throw new IllegalArgumentException("bit " + bit + " out of range for " + this
                    + " (bits 0.." + (bits() - 1) + ")");
        }
        return bit;
    }
}
