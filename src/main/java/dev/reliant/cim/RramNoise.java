package dev.reliant.cim;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * An RRAM conv weight as the spiking models of specs/cim-swim.md part B program it: the float
 * weight is quantized to b bits ({@link LevelQuantizer}, B.1) and the quantized layer gets the
 * log-normal variation of B.2 ({@link LogNormalNoise}, whose cap hi is then the signed maximum of
 * the quantized layer): W' = LogNormal(Q_b(W)). With var_scale 0 the result is exactly Q_b(W).
 *
 * <p>Part B perturbs only conv weights and leaves FC layers float and noise-free; this model
 * programs whatever tensor it is given, so the caller chooses the targets (e.g.
 * {@link MonteCarloEvaluator#CONV_ONLY}).
 */
public final class RramNoise implements NoiseModel {
    private final LevelQuantizer quantizer;
    private final LogNormalNoise variation;

    /**
     * @param bits b, one of 1, 2, 3, 4, 8 (the widths dev_param is defined for)
     * @param varScale the multiplier of dev_param(b), finite and ≥ 0
     */
    public RramNoise(int bits, double varScale) {
        this.variation = new LogNormalNoise(bits, varScale);
        this.quantizer = new LevelQuantizer(bits);
    }

    public int bits() {
        return quantizer.bits();
    }

    public double varScale() {
        return variation.varScale();
    }

    /** σ of the log-normal exponent, dev_param(b)·var_scale. */
    public double sigma() {
        return variation.sigma();
    }

    /** The same model with another var_scale (0: quantization only). */
    public RramNoise withVarScale(double varScale) {
        return new RramNoise(bits(), varScale);
    }

    /** Q_b of every weight (a new array). */
    public float[] quantize(float[] clean) {
        float[] q = new float[clean.length];
        quantizer.quantize(clean, q);
        return q;
    }

    /** W' = LogNormal(Q_b(W)) of one tensor, a new array (the programmed instance without the wrapper). */
    public float[] programmedValues(String name, int[] shape, float[] clean, LayerMask mask, SplittableRandom rng) {
        float[] out = new float[clean.length];
        program(name, shape, clean, mask, rng).read(out, rng);
        return out;
    }

    @Override
    public ProgrammedWeights program(String name, int[] shape, float[] clean, LayerMask mask, SplittableRandom rng) {
        CrossbarNoise.checkTensor(name, shape, clean, mask);
        return variation.program(name, shape, quantize(clean), mask, rng);
    }

    @Override
    public String describe() {
        return "rram(bits=" + bits() + ", var_scale=" + number(varScale()) + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    /** A double without a trailing {@code .0} when it is whole (1 rather than 1.0). */
    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
