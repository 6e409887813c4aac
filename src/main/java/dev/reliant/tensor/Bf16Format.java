package dev.reliant.tensor;

/**
 * bfloat16: the top 16 bits of a float32 (sign, 8 exponent bits, 7 mantissa bits), the format
 * of many training accelerators. Encoding rounds to nearest, ties to even; values beyond the
 * largest bfloat16 round to infinity. A NaN keeps its sign and top payload bits; if those
 * payload bits are all zero the quiet bit (bit 6) is set, so a NaN never turns into infinity.
 * Decoding is exact.
 */
public final class Bf16Format implements NumberFormat {
    /** The only instance. */
    public static final Bf16Format INSTANCE = new Bf16Format();

    private Bf16Format() {}

    @Override
    public String name() {
        return "bf16";
    }

    @Override
    public int bits() {
        return 16;
    }

    @Override
    public long encode(float value) {
        int x = Float.floatToRawIntBits(value);
        if ((x & 0x7FFF_FFFF) > 0x7F80_0000) { // NaN: truncate, keep it a NaN
            int h = x >>> 16;
            if ((h & 0x7F) == 0) {
                h |= 0x40;
            }
            return h;
        }
        // Adding 0x7FFF plus the lowest kept bit rounds half to even; a carry out of the mantissa
        // correctly bumps the exponent (and turns the largest values into infinity).
        int rounded = x + 0x7FFF + ((x >>> 16) & 1);
        return (rounded >>> 16) & 0xFFFFL;
    }

    @Override
    public float decode(long code) {
        return Float.intBitsToFloat((int) (code & 0xFFFF) << 16);
    }

    @Override
    public String toString() {
        return name();
    }
}
