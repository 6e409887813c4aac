package dev.reliant.tensor;

/**
 * IEEE-754 binary32, stored as its raw bit pattern ({@link Float#floatToRawIntBits}): encoding
 * is the identity, NaN payloads and the sign of zero are kept, so a fault in any bit of a
 * float32 weight is modelled exactly.
 */
public final class Fp32Format implements NumberFormat {
    /** The only instance. */
    public static final Fp32Format INSTANCE = new Fp32Format();

    private Fp32Format() {}

    @Override
    public String name() {
        return "fp32";
    }

    @Override
    public int bits() {
        return 32;
    }

    @Override
    public long encode(float value) {
        return Float.floatToRawIntBits(value) & 0xFFFF_FFFFL;
    }

    @Override
    public float decode(long code) {
        return Float.intBitsToFloat((int) code);
    }

    @Override
    public float quantize(float value) {
        return value;
    }

    @Override
    public String toString() {
        return name();
    }
}
