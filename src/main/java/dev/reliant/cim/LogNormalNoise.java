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
        float maxAbs = CrossbarMapping.maxAbs(name, clean);
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : clean) {
            hi = Math.max(hi, v);
        }
        double cap = hi > 0 ? hi : maxAbs;
        float[] out = new float[clean.length];
        for (int i = 0; i < clean.length; i++) {
            float w = clean[i];
            double sd = mask != null && mask.verified(i) ? verifiedSigma : sigma;
            if (w == 0 || sd == 0) {
                out[i] = w;
                continue;
            }
            double magnitude = Math.min(Math.abs(w) * Math.exp(sd * rng.nextGaussian()), cap);
            out[i] = (float) (w < 0 ? -magnitude : magnitude);
        }
        return CrossbarNoise.weights(out, 0);
    }

    @Override
    public String describe() {
        String base = "lognormal(bits=" + bits + ", var_scale=" + varScale + ", sigma=" + sigma;
        return (verifiedSigma == sigma ? base : base + ", verified_sigma=" + verifiedSigma) + ")";
    }
}
