package dev.reliant.cim;

import dev.reliant.graph.Graph;
import dev.reliant.ops.Parameter;
import dev.reliant.train.WeightPerturbation;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Quantization-aware training of SWIM's quantized models through the ordinary
 * {@link dev.reliant.train.Trainer}: in every training step each conv/linear weight and bias is
 * replaced by q_N of its float value (specs/cim-swim.md A.2), optionally followed by another
 * perturbation (training noise, A.4) applied to the quantized values. The trainer restores the
 * float values after the backward pass and the optimizer updates them with the gradient taken
 * at the quantized (noisy) point: the straight-through estimator. Layer outputs are quantized by
 * the model's {@link dev.reliant.ops.Quantize} nodes.
 */
public final class QuantizedTraining implements WeightPerturbation {
    private final SwimQuantizer quantizer;
    private final WeightPerturbation noise;
    private final Set<Parameter> quantized = Collections.newSetFromMap(new IdentityHashMap<>());

    /** Quantizes the conv/linear weights and biases of {@code graph} (the trainer's graph) to N bits. */
    public QuantizedTraining(Graph graph, int bits) {
        this(graph, bits, null);
    }

    /**
     * @param noise applied after quantization to the parameters it {@link WeightPerturbation#appliesTo
     *     applies to}, with the quantized values as its clean input; null for none
     */
    public QuantizedTraining(Graph graph, int bits, WeightPerturbation noise) {
        if (graph == null) {
            throw new IllegalArgumentException("quantized training needs the model's graph, got null");
        }
        this.quantizer = new SwimQuantizer(bits);
        this.noise = noise;
        quantized.addAll(QuantizedWeights.layerParameters(graph));
    }

    public int bits() {
        return quantizer.bits();
    }

    /** Evaluations see the quantized weights without the training noise. */
    @Override
    public WeightPerturbation inEvaluation() {
        return noise == null ? this : new QuantizedTraining(quantized, quantizer, null);
    }

    private QuantizedTraining(Set<Parameter> parameters, SwimQuantizer quantizer, WeightPerturbation noise) {
        this.quantizer = quantizer;
        this.noise = noise;
        quantized.addAll(parameters);
    }

    @Override
    public boolean appliesTo(Parameter p) {
        return quantized.contains(p) || (noise != null && noise.appliesTo(p));
    }

    @Override
    public void perturb(Parameter p, float[] clean, float[] out, SplittableRandom rng) {
        float[] base = clean;
        if (quantized.contains(p)) {
            base = quantizer.quantize(clean);
        }
        if (noise != null && noise.appliesTo(p)) {
            noise.perturb(p, base, out, rng);
        } else {
            System.arraycopy(base, 0, out, 0, base.length);
        }
    }

    /** {@code q_N(N=4)}, with {@code + noise} when a noise perturbation follows. */
    public String describe() {
        return quantizer.describe() + (noise == null ? "" : " + noise");
    }

    @Override
    public String toString() {
        return describe();
    }
}
