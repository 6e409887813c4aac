package dev.reliant.cim;

import java.util.SplittableRandom;

/**
 * Log-normal RRAM variation of few-bit conv weights (spec B.2): per weight
 * W' = sign(W)·min(|W|·exp(ε), hi), ε ~ N(0, σ²), with hi = max(W), the signed maximum of the
 * (already quantized) tensor, and σ = dev_param(b)·var_scale from the table of the spec. The sign
 * never changes and magnitudes never exceed hi; with b = 1 every magnitude is hi, so the noise
 * can only shrink weights. The caller programs once per forward pass (fresh noise per batch,
 * reused over the timesteps), so reads carry no further noise.
 *
 * <p>B.2 has no write-verify; weights a mask marks as verified get {@code verifiedSigma}, by
 * default the same σ (the mask then has no effect). A σ of 0 leaves weights untouched (no cap),
 * as the reference skips the whole step then. If a tensor holds no positive weight the
 * reference's cap would flip signs; the cap is then max|W| instead, keeping the sign rule.
 */
public final class LogNormalNoise implements NoiseModel {
    private static final int[] BITS = {1, 2, 3, 4, 8};
    private static final double[] DEV_PARAM = {0.08164, 0.12542, 0.2062, 0.34597, 0.369039};

    private final int bits;
    private final double varScale;
    private final double sigma;
    private final double verifiedSigma;

    /** σ = dev_param(bits)·varScale for every weight. */
    public LogNormalNoise(int bits, double varScale) {
        this(bits, varScale, devParam(bits) * DeviceModel.checkSigma("var_scale", varScale));
    }

    /**
     * @param bits the weights' bit width b, one of 1, 2, 3, 4, 8
     * @param varScale the multiplier of dev_param(b), ≥ 0
     * @param verifiedSigma σ of the weights a mask marks as verified, ≥ 0
     */
    public LogNormalNoise(int bits, double varScale, double verifiedSigma) {
        this.bits = bits;
        this.varScale = DeviceModel.checkSigma("var_scale", varScale);
        this.sigma = devParam(bits) * varScale;
        this.verifiedSigma = DeviceModel.checkSigma("verified sigma", verifiedSigma);
    }

    /** dev_param(b) of spec B.2; other bit widths are undefined there and rejected. */
    public static double devParam(int bits) {
        for (int k = 0; k < BITS.length; k++) {
            if (BITS[k] == bits) {
                return DEV_PARAM[k];
            }
        }
        throw new IllegalArgumentException("log-normal variation is defined for 1, 2, 3, 4 or 8 bits, got " + bits);
    }

    public int bits() {
        return bits;
    }

    public double varScale() {
        return varScale;
    }

    /** σ of ε for unverified weights. */
    public double sigma() {
        return sigma;
    }

    @Override
    public ProgrammedWeights program(String name, int[] shape, float[] clean, LayerMask mask, SplittableRandom rng) {
        CrossbarNoise.checkTensor(name, shape, clean, mask);
        double cap = cap(name, clean);
        float[] out = new float[clean.length];
        for (int i = 0; i < clean.length; i++) {
            out[i] = vary(clean[i], mask != null && mask.verified(i) ? verifiedSigma : sigma, cap, rng);
        }
        return CrossbarNoise.weights(out, 0);
    }

    /**
     * The B.2 rule on one whole tensor with one σ for every weight, for callers that perturb
     * arrays directly (variation-aware training, the SRAM recovery path): the same math and the
     * same draws (one Gaussian per non-zero weight, in index order) as {@link #program} without
     * a mask. {@code out} may be {@code clean}.
     *
     * @param sigma σ of ε, ≥ 0; 0 copies the weights unchanged
     */
    public static void apply(float[] clean, double sigma, SplittableRandom rng, float[] out) {
        if (clean == null || out == null || out.length != clean.length) {
            throw new IllegalArgumentException("log-normal noise: input and output need the same length, got "
                    + (clean == null ? "null" : clean.length) + " and " + (out == null ? "null" : out.length));
        }
        DeviceModel.checkSigma("sigma", sigma);
        double cap = cap("tensor", clean);
        for (int i = 0; i < clean.length; i++) {
            out[i] = vary(clean[i], sigma, cap, rng);
        }
    }

    /** hi = max(W), or max|W| when the tensor holds no positive weight (see the class comment). */
    private static double cap(String name, float[] clean) {
        float maxAbs = CrossbarMapping.maxAbs(name, clean);
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : clean) {
            hi = Math.max(hi, v);
        }
        return hi > 0 ? hi : maxAbs;
    }

    private static float vary(float w, double sd, double cap, SplittableRandom rng) {
        if (w == 0 || sd == 0) {
            return w;
        }
        double magnitude = Math.min(Math.abs(w) * Math.exp(sd * rng.nextGaussian()), cap);
        return (float) (w < 0 ? -magnitude : magnitude);
    }

    @Override
    public String describe() {
        String base = "lognormal(bits=" + bits + ", var_scale=" + varScale + ", sigma=" + sigma;
        return (verifiedSigma == sigma ? base : base + ", verified_sigma=" + verifiedSigma) + ")";
    }
}
