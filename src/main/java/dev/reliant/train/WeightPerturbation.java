package dev.reliant.train;

import dev.reliant.ops.Parameter;
import java.util.SplittableRandom;

/**
 * A per-layer weight-perturbation hook of the training forward pass (variation-aware training):
 * before each step's forward, the trainer replaces the values of every parameter this hook
 * {@link #appliesTo applies to} by {@link #perturb perturbed} ones, runs forward and backward
 * with them, restores the clean values and lets the optimizer update the clean weights with the
 * gradient taken at the perturbed point (straight-through, as noise-injection training does).
 *
 * <p>The generator passed to {@link #perturb} is seeded from (training seed, global step,
 * parameter name), so a run is reproducible and a resumed run draws the same noise.
 */
public interface WeightPerturbation {

    /** Whether the parameter is perturbed; by default every weight tensor of rank ≥ 2 (conv and linear weights). */
    default boolean appliesTo(Parameter p) {
        return p.rank() >= 2;
    }

    /** Writes the perturbed values of {@code p} into {@code out}, given its clean values. */
    void perturb(Parameter p, float[] clean, float[] out, SplittableRandom rng);

    /**
     * Called after each step's backward pass, while the perturbed values are still in place and
     * before the trainer restores the clean values and the optimizer steps. A
     * reparameterisation (a perturbed value computed from other trainable tensors, e.g. the SRAM
     * recovery path) turns the gradient of the replaced parameters into the gradient of its own
     * tensors here. By default nothing: plain straight-through.
     */
    default void afterBackward(Backprop backprop) {
    }

    /**
     * The perturbation the trainer's evaluations apply, drawn afresh for every test batch, or
     * null for the clean weights (the default: training noise alone evaluates the clean model).
     * A model whose deployed weights are themselves quantized and varied returns itself (the
     * RRAM model of specs/cim-swim.md B.2, "testing draws fresh noise per test batch");
     * quantization-aware training returns its quantization without the training noise.
     */
    default WeightPerturbation inEvaluation() {
        return null;
    }

    /**
     * SWIM's training noise (specs/cim-swim.md A.1, A.4): each weight gets an independent
     * N(0, (0.57735·σ·max|W|)²), the 8-slice device model collapsed to one Gaussian per weight.
     */
    static WeightPerturbation swimGaussian(double sigma) {
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("noise sigma must be a finite number ≥ 0, got " + sigma);
        }
        double sliceFactor = Math.sqrt((1 - Math.pow(0.25, 8)) / 3); // sqrt(Σ_{i=1..8} 4^-i) = 0.57735
        return (p, clean, out, rng) -> {
            float max = 0;
            for (float v : clean) {
                max = Math.max(max, Math.abs(v));
            }
            double std = sliceFactor * sigma * max;
            for (int i = 0; i < clean.length; i++) {
                out[i] = std == 0 ? clean[i] : (float) (clean[i] + std * Initializer.gaussian(rng));
            }
        };
    }
}
