package dev.reliant.cim;

import dev.reliant.graph.Graph;
import dev.reliant.graph.Node;
import dev.reliant.ops.Conv2d;
import dev.reliant.ops.Linear;
import dev.reliant.ops.Parameter;
import dev.reliant.ops.Quantize;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weight side of SWIM's quantized layers (specs/cim-swim.md A.2): q_N(W) for every conv and
 * linear weight and q_N(b) for their biases, each over its own whole tensor. The layers
 * themselves compute with whatever values they hold, so quantization is applied to the values:
 * in place on a graph ({@link #apply}), or on named copies ({@link #quantized},
 * {@link #quantizeInPlace}) to which an evaluator then adds device noise, giving
 * {@code q_N(W) + noise} as the study does. Batch-norm parameters are never quantized.
 */
public final class QuantizedWeights {
    private QuantizedWeights() {}

    /** The weights and biases of every Conv2d and Linear node, in graph (state_dict) order. */
    public static List<Parameter> layerParameters(Graph graph) {
        List<Parameter> out = new ArrayList<>();
        for (Node node : graph.nodes()) {
            if (node.op() instanceof Conv2d || node.op() instanceof Linear) {
                out.addAll(node.op().parameters());
            }
        }
        return out;
    }

    /**
     * N of a quantized zoo model (the bits of its {@link Quantize} layer-output nodes), or 0 for
     * a float model.
     *
     * @throws IllegalArgumentException when the nodes disagree
     */
    public static int outputBits(Graph graph) {
        int bits = 0;
        for (Node node : graph.nodes()) {
            if (node.op() instanceof Quantize q) {
                if (bits != 0 && q.bits() != bits) {
                    throw new IllegalArgumentException(graph.name() + " quantizes layer outputs to both " + bits
                            + " and " + q.bits() + " bits");
                }
                bits = q.bits();
            }
        }
        return bits;
    }

    /** Writes q_N of itself into every conv/linear weight and bias of the graph (marking them changed). */
    public static void apply(Graph graph, int bits) {
        SwimQuantizer q = new SwimQuantizer(bits);
        for (Parameter p : layerParameters(graph)) {
            q.quantize(p.data(), p.data());
            p.markChanged();
        }
    }

    /** q_N of every conv/linear weight and bias as new arrays, name → values in state_dict order; the graph is untouched. */
    public static Map<String, float[]> quantized(Graph graph, int bits) {
        SwimQuantizer q = new SwimQuantizer(bits);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Parameter p : layerParameters(graph)) {
            out.put(p.name(), q.quantize(p.data()));
        }
        return out;
    }

    /** Replaces every array of {@code tensors} by q_N of itself, each over its own whole tensor. */
    public static void quantizeInPlace(Map<String, float[]> tensors, int bits) {
        SwimQuantizer q = new SwimQuantizer(bits);
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has no values");
            }
            q.quantize(e.getValue(), e.getValue());
        }
    }
}
