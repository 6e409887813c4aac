package dev.reliant.fault;

import dev.reliant.graph.Graph;
import dev.reliant.ops.BatchNorm2d;
import dev.reliant.ops.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The faultable layers of a model (specs/fault-injection.md §2), in state_dict order: by default
 * every parameter of rank ≥ 2 (convolution kernels of any kind, fully connected matrices), named
 * without {@code .weight} ({@code conv1}, {@code layer2.0.conv1}, {@code linear}). The rule is
 * the rank, not the module type, as in the published fault lists.
 *
 * <p>Campaigns that also want rank-1 tensors can add biases and batch-norm scale/shift; those
 * keep their full parameter name as layer name ({@code conv1.bias}, {@code bn1.weight}), which
 * is how {@link Fault#parameterName()} addresses them. Running statistics are never targets.
 */
public final class FaultTargets {

    /** What a target tensor is. */
    public enum Kind {
        /** A parameter of rank ≥ 2: convolution kernel or fully connected matrix. */
        WEIGHT,
        /** The bias of a convolution or fully connected layer. */
        BIAS,
        /** The scale ({@code .weight}) or shift ({@code .bias}) of a batch norm. */
        BATCH_NORM
    }

    /** One faultable tensor: the layer name used in fault lists, its parameter and its kind. */
    public record Layer(String name, Parameter parameter, Kind kind) {
        /** The state_dict name of the tensor. */
        public String parameterName() {
            return parameter.name();
        }

        /** The tensor's shape in PyTorch layout (a copy). */
        public int[] shape() {
            return parameter.shape();
        }

        /** Number of values. */
        public int numel() {
            return parameter.numel();
        }

        public int rank() {
            return parameter.rank();
        }
    }

    private final Graph graph;
    private final List<Layer> layers;
    private final Map<String, Layer> byParameter = new LinkedHashMap<>();
    private final long weightCount;

    private FaultTargets(Graph graph, Set<Kind> kinds) {
        this.graph = graph;
        List<Layer> list = new ArrayList<>();
        long count = 0;
        for (String name : graph.parameterNames()) {
            Parameter p = graph.handle(name);
            Kind kind = kindOf(graph, p);
            if (kind != null && kinds.contains(kind)) {
                String layer = kind == Kind.WEIGHT && name.endsWith(".weight")
                        ? name.substring(0, name.length() - ".weight".length()) : name;
                Layer l = new Layer(layer, p, kind);
                list.add(l);
                byParameter.put(name, l);
                count += p.numel();
            }
        }
        this.layers = Collections.unmodifiableList(list);
        this.weightCount = count;
    }

    /** The targets of the published campaigns: every parameter of rank ≥ 2. */
    public static FaultTargets weights(Graph graph) {
        return new FaultTargets(graph, EnumSet.of(Kind.WEIGHT));
    }

    /** The targets of the given kinds, in state_dict order. */
    public static FaultTargets of(Graph graph, Set<Kind> kinds) {
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("choose at least one kind of fault target (weights, biases, batch norm)");
        }
        return new FaultTargets(graph, EnumSet.copyOf(kinds));
    }

    /** The kind of a parameter, or null for one that is never a target (running statistics, rank 0). */
    private static Kind kindOf(Graph graph, Parameter p) {
        if (p.rank() >= 2) {
            return Kind.WEIGHT;
        }
        if (p.rank() != 1) {
            return null;
        }
        boolean batchNorm = graph.node(graph.parameterOwner(p.name())).op() instanceof BatchNorm2d;
        if (batchNorm) {
            return p.name().endsWith(".weight") || p.name().endsWith(".bias") ? Kind.BATCH_NORM : null;
        }
        return p.name().endsWith(".bias") ? Kind.BIAS : null;
    }

    /** The model. */
    public Graph graph() {
        return graph;
    }

    /** The layers in state_dict order. */
    public List<Layer> layers() {
        return layers;
    }

    /** Number of layers. */
    public int size() {
        return layers.size();
    }

    /** W: the number of values of all target tensors. */
    public long weightCount() {
        return weightCount;
    }

    /** The layer of a fault-list name ({@code conv1}) or a parameter name ({@code conv1.weight}), if it is a target. */
    public Optional<Layer> find(String name) {
        Layer l = byParameter.get(name);
        if (l == null) {
            l = byParameter.get(name + ".weight");
        }
        return Optional.ofNullable(l);
    }

    /**
     * The layer of a name, as {@link #find}.
     *
     * @throws IllegalArgumentException {@code unknown layer 'conv9' (model resnet20 has 20 faultable layers: conv1 … linear)}
     */
    public Layer layer(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(unknownLayer(name)));
    }

    /** The message for a name that is not a target: what the model has instead. */
    String unknownLayer(String name) {
        StringBuilder b = new StringBuilder("unknown layer '").append(name).append("' (model ").append(graph.name());
        if (layers.isEmpty()) {
            return b.append(" has no faultable layers)").toString();
        }
        b.append(" has ").append(layers.size()).append(" faultable layer").append(layers.size() == 1 ? "" : "s")
                .append(": ").append(layers.get(0).name());
        if (layers.size() > 1) {
            b.append(" … ").append(layers.get(layers.size() - 1).name());
        }
        if (graph.hasParameter(name) || graph.hasParameter(name + ".weight")) {
            b.append("; '").append(name).append("' is a parameter but not a fault target: rank-1 tensors are "
                    + "targets only when biases or batch norms are included, running statistics never");
        }
        return b.append(")").toString();
    }
}
