package dev.reliant.tensor;

/**
 * IEEE-754 binary16 (half precision): 1 sign, 5 exponent and 10 mantissa bits.
 *
 * <p>Encoding rounds to nearest, ties to even, through the subnormal range (smallest subnormal
 * 2^-24); magnitudes from 65520 up become infinity and those at or below 2^-25 become zero (with
 * the sign kept). A NaN keeps its sign and the top 10 payload bits, with the quiet bit (bit 9) set
 * so that it never becomes infinity. Decoding is exact, since every binary16 value is a float;
 * a NaN code keeps its sign and payload bits as stored, even a signalling one, so that distinct
 * codes (a fault may produce any of them) decode to distinct floats.
 *
 * <p>Matches {@code Float.floatToFloat16} / {@code Float.float16ToFloat} of JDK 20+ on every
 * non-NaN input; {@code float16ToFloat} differs only in quieting signalling NaNs. Written out
 * here because the project targets Java 17.
 */
public final class Fp16Format implements NumberFormat {
    /** The only instance. */
    public static final Fp16Format INSTANCE = new Fp16Format();

    private Fp16Format() {}

    @Override
    public String name() {
        return "fp16";
    }

    @Override
    public int bits() {
        return 16;
    }

    @Override
    public long encode(float value) {
        int x = Float.floatToRawIntBits(value);
        int sign = (x >>> 16) & 0x8000;
        int abs = x & 0x7FFF_FFFF;
        int exp = abs >>> 23; // biased float exponent
        if (exp == 0xFF) {
            if (abs == 0x7F80_0000) {
                return sign | 0x7C00;
            }
            return sign | 0x7C00 | 0x200 | ((abs >>> 13) & 0x3FF);
        }
        if (exp >= 113) { // a normal binary16 before rounding (unbiased exponent >= -14)
            int h = (abs - (112 << 23)) >>> 13; // rebiased exponent and top 10 mantissa bits
            int rest = abs & 0x1FFF;
            if (rest > 0x1000 || (rest == 0x1000 && (h & 1) != 0)) {
                h++; // a carry into the exponent is right, also into infinity
            }
            return sign | Math.min(h, 0x7C00);
        }
        // Subnormal binary16: the value is m * 2^-24 with m = significand >> shift.
        int shift = 126 - exp; // >= 14
        if (shift > 24) { // below 2^-25, also float subnormals and zero: rounds to zero
            return sign;
        }
        int sig = (abs & 0x7F_FFFF) | 0x80_0000;
        int m = sig >>> shift;
        int rest = sig & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rest > half || (rest == half && (m & 1) != 0)) {
            m++; // may reach 0x400, the code of the smallest normal: still right
        }
        return sign | m;
    }

    @Override
    public float decode(long code) {
        int h = (int) (code & 0xFFFF);
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) { // infinity or NaN, payload kept
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mant << 13));
        }
        if (exp == 0) { // zero or subnormal: mant * 2^-24, exact in float
            return Float.intBitsToFloat(sign | Float.floatToRawIntBits(mant * 0x1p-24f));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    @Override
    public String toString() {
        return name();
    }
}
