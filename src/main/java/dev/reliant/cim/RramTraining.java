package dev.reliant.cim;

import dev.reliant.ops.Parameter;
import dev.reliant.train.Backprop;
import dev.reliant.train.WeightPerturbation;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Variation-aware training of the RRAM model (specs/cim-swim.md B.1, B.2) through the ordinary
 * {@link dev.reliant.train.Trainer}: in every training forward each conv weight (rank 4) is
 * replaced by Q_b of its float value followed by the log-normal variation of B.2, drawn afresh
 * per forward pass; linear weights, biases and BN parameters stay float and noise-free. The
 * trainer restores the float weights after backward and the optimizer updates them with the
 * gradient taken at the noisy quantized point (straight-through). With var_scale 0 this is the
 * baseline: training of the quantized model without variation.
 *
 * <p>Ternary mode (B.5) uses {@link TernaryQuantizer} instead of Q_b with an explicit σ; the noise
 * cap is then +a, the largest level, as B.5 asks, and the straight-through gradient is zeroed
 * where the float weight has |w| ≥ 1 ({@link #afterBackward}). The spec's intended behaviour is
 * implemented: the gradient reaches w also with σ > 0.
 */
public final class RramTraining implements WeightPerturbation {
    private final Quantizer quantizer;
    private final double sigma;
    private final String description;
    private final boolean ternary;
    /** The clean values of the step being trained (ternary mode), for the backward mask. */
    private final Map<Parameter, float[]> cleanOfStep = new IdentityHashMap<>();

    /** Q_b and σ = dev_param(bits)·varScale (bits one of 1, 2, 3, 4, 8). */
    public RramTraining(int bits, double varScale) {
        LogNormalNoise noise = new LogNormalNoise(bits, varScale);
        this.quantizer = new LevelQuantizer(bits);
        this.sigma = noise.sigma();
        this.description = "rram(bits=" + bits + ", var_scale=" + varScale + ", sigma=" + (float) sigma + ")";
        this.ternary = false;
    }

    private RramTraining(Quantizer quantizer, double sigma, String description) {
        this.quantizer = quantizer;
        this.sigma = DeviceModel.checkSigma("ternary sigma", sigma);
        this.description = description;
        this.ternary = true;
    }

    /** The ternary weights of B.5 with log-normal variation of σ (capped at +a). */
    public static RramTraining ternary(double sigma) {
        return new RramTraining(new TernaryQuantizer(), sigma, "rram(ternary, sigma=" + (float) sigma + ")");
    }

    /** σ of the log-normal ε. */
    public double sigma() {
        return sigma;
    }

    /** Evaluations see the deployed (quantized, varied) weights, fresh per test batch. */
    @Override
    public WeightPerturbation inEvaluation() {
        return this;
    }

    @Override
    public boolean appliesTo(Parameter p) {
        return p.rank() == 4;
    }

    @Override
    public void perturb(Parameter p, float[] clean, float[] out, SplittableRandom rng) {
        quantizer.quantize(clean, out);
        LogNormalNoise.apply(out, sigma, rng, out);
        if (ternary) {
            cleanOfStep.put(p, clean);
        }
    }

    /** Ternary mode: zeroes the gradient where the float weight has |w| ≥ 1 (B.5). */
    @Override
    public void afterBackward(Backprop backprop) {
        for (Map.Entry<Parameter, float[]> e : cleanOfStep.entrySet()) {
            float[] g = backprop.grad(e.getKey());
            TernaryQuantizer.straightThroughGradient(e.getValue(), g, g);
        }
        cleanOfStep.clear();
    }

    /** E.g. {@code rram(bits=2, var_scale=1.0, sigma=0.12542)}. */
    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }
}
