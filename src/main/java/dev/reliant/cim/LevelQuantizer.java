package dev.reliant.cim;

/**
 * The b-bit weight quantizer of the RRAM model (specs/cim-swim.md B.1), element-wise, no
 * clamping:
 * <pre>
 *   q1 = round((x + 1) / 2 · (2^b − 1)) / (2^b − 1)
 *   q2 = 2·q1 − 1
 *   Q_b(x) = round(q2 · 2^(b−1)) / 2^(b−1)        (round half to even)
 * </pre>
 * For |x| ≤ 1 the result is one of 2^b levels symmetric around 0 that never include 0: b = 1
 * gives {−1, +1} (0 maps to −1), b = 2 {±0.5, ±1}, b = 3 {±0.25, …, ±1}, b = 8 {±1/128, …, ±1}.
 * Inputs beyond ±1 are not clamped and can give levels outside [−1, 1]. Computed in float32,
 * step by step as the formula reads (PyTorch's order).
 */
public final class LevelQuantizer implements Quantizer {
    /** The widest supported width: 2^b − 1 and the codes stay exact in float32. */
    public static final int MAX_BITS = 16;

    private final int bits;
    private final float steps;
    private final float half;

    /** @param bits b, 1 … {@value #MAX_BITS} */
    public LevelQuantizer(int bits) {
        if (bits < 1 || bits > MAX_BITS) {
            throw new IllegalArgumentException("level quantizer bits b must be in 1.." + MAX_BITS + ", got " + bits);
        }
        this.bits = bits;
        this.steps = (float) ((1 << bits) - 1);
        this.half = (float) (1 << (bits - 1));
    }

    public int bits() {
        return bits;
    }

    /** Q_b of one value. */
    public float quantize(float x) {
        float q1 = (float) Math.rint((x + 1f) / 2f * steps) / steps;
        float q2 = 2f * q1 - 1f;
        return (float) Math.rint(q2 * half) / half;
    }

    @Override
    public void quantize(float[] in, float[] out) {
        Quantizer.checkLengths(in, out);
        for (int i = 0; i < in.length; i++) {
            out[i] = quantize(in[i]);
        }
    }

    @Override
    public String describe() {
        return "levels(b=" + bits + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
