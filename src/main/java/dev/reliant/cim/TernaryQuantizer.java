package dev.reliant.cim;

/**
 * The ternary weights of the RRAM model without SRAM (specs/cim-swim.md B.5), per conv tensor:
 * {@code th = 0.05·max|w|}; {@code w ≥ th} maps to +a, {@code w < −th} to −a, anything else to
 * 0, with {@code a = mean|w|} over the weights with {@code |w| ≥ th}. The comparisons are the
 * spec's as written, so w = −th (counted in a) maps to 0. An all-zero tensor stays zero.
 *
 * <p>Backward ({@link #straightThroughGradient}): straight-through, zeroed where |w| ≥ 1.
 */
public final class TernaryQuantizer implements Quantizer {
    /** The threshold as a fraction of max|w|. */
    public static final float THRESHOLD_RATIO = 0.05f;

    /** {@code th = 0.05·max|w|} over the whole tensor (float32). */
    public static float threshold(float[] w) {
        requireTensor(w);
        float max = 0f;
        for (float v : w) {
            max = Math.max(max, Math.abs(v));
        }
        return THRESHOLD_RATIO * max;
    }

    /**
     * {@code a = mean|w|} over {@code |w| ≥ th} (summed in double, rounded once to float); 0 when
     * no weight qualifies (an empty tensor).
     */
    public static float scale(float[] w, float th) {
        requireTensor(w);
        double sum = 0;
        int count = 0;
        for (float v : w) {
            float m = Math.abs(v);
            if (m >= th) {
                sum += m;
                count++;
            }
        }
        return count == 0 ? 0f : (float) (sum / count);
    }

    @Override
    public void quantize(float[] in, float[] out) {
        Quantizer.checkLengths(in, out);
        float th = threshold(in);
        float a = scale(in, th);
        for (int i = 0; i < in.length; i++) {
            float v = in[i];
            out[i] = v >= th ? a : v < -th ? -a : 0f;
        }
    }

    /**
     * The straight-through backward of B.5: {@code gradIn[i] = gradOut[i]} where |w[i]| < 1,
     * else 0 ({@code gradIn} may be {@code gradOut}).
     */
    public static void straightThroughGradient(float[] w, float[] gradOut, float[] gradIn) {
        requireTensor(w);
        if (gradOut == null || gradIn == null || gradOut.length != w.length || gradIn.length != w.length) {
            throw new IllegalArgumentException("ternary backward: weights, gradient in and gradient out need "
                    + w.length + " values each, got " + (gradOut == null ? "null" : gradOut.length) + " and "
                    + (gradIn == null ? "null" : gradIn.length));
        }
        for (int i = 0; i < w.length; i++) {
            gradIn[i] = Math.abs(w[i]) >= 1f ? 0f : gradOut[i];
        }
    }

    @Override
    public String describe() {
        return "ternary(th=0.05*max|w|)";
    }

    @Override
    public String toString() {
        return describe();
    }

    private static void requireTensor(float[] w) {
        if (w == null) {
            throw new IllegalArgumentException("ternary quantizer: weight tensor is null");
        }
    }
}
