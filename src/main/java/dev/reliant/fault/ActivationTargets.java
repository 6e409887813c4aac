package dev.reliant.fault;

import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.graph.Node;
import dev.reliant.tensor.NumberFormats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The faultable node outputs of a model for activation (neuron) faults: every node that computes
 * something, in graph order, named by its graph node name ({@code conv1}, {@code layer1.0.relu_1},
 * {@code linear}), with its per-image output shape in PyTorch layout ({@code (c, y, x)} for
 * feature maps, {@code (f)} for features). The input is not a target, nor are views (Flatten,
 * Identity, Dropout at inference): a view's output is its source's, so a fault there is the
 * same fault on the source.
 *
 * <p>An activation fault is transient: for each image separately, one value of the node's output
 * is corrupted after the node computed it (the fault model acting on the raw fp32 bits, as for
 * weights), everything downstream sees the corrupted value, and the next image is clean again.
 *
 * <p><b>Folded and fused nodes.</b> The targets do not depend on the executor options, so one
 * list serves every campaign. With batch norms folded ({@code --fold-bn}), a convolution and its
 * batch norm are computed as one operator with one stored output, the batch norm's values; an
 * Add fused with its ReLU likewise stores only the ReLU's values. A fault addressed to either
 * node of such a pair lands on that stored output ({@link Executor#storageOf}): for the batch
 * norm or the ReLU this is exactly its output, for the convolution or the Add it is the value
 * that stands for its output in the fused computation. {@link #resolve} does this mapping; the
 * fast and the naive path both corrupt that stored output.
 */
public final class ActivationTargets {
    /** The bits an activation fault may address: the raw IEEE-754 binary32 code. */
    public static final int BITS = 32;

    /** One faultable node output: the node's name and index and its per-image shape. */
    public record NodeOutput(String name, int node, int[] shape) {
        public NodeOutput {
            shape = shape.clone();
        }

        /** The per-image shape (a copy). */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** Values per image. */
        public int numel() {
            int n = 1;
            for (int d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }

        public int rank() {
            return shape.length;
        }
    }

    private final Graph graph;
    private final List<NodeOutput> outputs;
    private final Map<String, NodeOutput> byName = new LinkedHashMap<>();
    private final long valueCount;

    private ActivationTargets(Graph graph) {
        this.graph = graph;
        List<NodeOutput> list = new ArrayList<>();
        long count = 0;
        for (Node node : graph.nodes()) {
            if (node.index() == graph.inputNode() || node.op().isView()) {
                continue;
            }
            NodeOutput o = new NodeOutput(node.name(), node.index(), node.outputShape());
            list.add(o);
            byName.put(o.name(), o);
            count += o.numel();
        }
        this.outputs = Collections.unmodifiableList(list);
        this.valueCount = count;
    }

    /** The targets of a model: every non-input, non-view node in graph order. */
    public static ActivationTargets of(Graph graph) {
        return new ActivationTargets(graph);
    }

    public Graph graph() {
        return graph;
    }

    /** The node outputs in graph order. */
    public List<NodeOutput> outputs() {
        return outputs;
    }

    /** Number of faultable nodes. */
    public int size() {
        return outputs.size();
    }

    /** The values per image of all faultable outputs together. */
    public long valueCount() {
        return valueCount;
    }

    /** The target of a node name, if that node is one. */
    public Optional<NodeOutput> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The target of a node name.
     *
     * @throws IllegalArgumentException saying what the model has instead
     */
    public NodeOutput output(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(unknownNode(name)));
    }

    /** The message for a name that is not a target: a view or the input, or what the model has. */
    String unknownNode(String name) {
        Optional<Node> node = graph.nodes().stream().filter(n -> n.name().equals(name)).findFirst();
        if (node.isPresent() && node.get().index() == graph.inputNode()) {
            return "node '" + name + "' is the input of model " + graph.name() + "; activation faults address "
                    + "outputs of computing nodes";
        }
        if (node.isPresent()) {
            int source = node.get().input(0);
            while (graph.node(source).op().isView()) {
                source = graph.node(source).input(0);
            }
            return "node '" + name + "' (" + node.get().op().type() + ") is a view of '" + graph.node(source).name()
                    + "': address that node instead";
        }
        StringBuilder b = new StringBuilder("unknown node '").append(name).append("' (model ").append(graph.name());
        if (outputs.isEmpty()) {
            return b.append(" has no faultable nodes)").toString();
        }
        return b.append(" has ").append(outputs.size()).append(" faultable node").append(outputs.size() == 1 ? "" : "s")
                .append(": ").append(outputs.get(0).name())
                .append(outputs.size() > 1 ? " … " + outputs.get(outputs.size() - 1).name() : "").append(")").toString();
    }

    /** The row-major offset of an index inside one image's output of the node. */
    static int offset(NodeOutput output, int[] index) {
        int[] shape = output.shape;
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
                    + " coordinates, node " + output.name() + " has rank " + shape.length);
        }
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IllegalArgumentException("index " + Arrays.toString(index) + " out of range for node "
                        + output.name() + " of shape " + Arrays.toString(shape));
            }
            flat = flat * shape[d] + index[d];
        }
        return flat;
    }

    /**
     * Resolves an activation fault against an executor of this model: the node whose stored
     * output holds the addressed value ({@link Executor#storageOf}; see the class comment for
     * folded and fused nodes) and the value's offset in one image's output. The returned
     * {@link CampaignFault} carries the node name as {@code parameter}, the offset as
     * {@code flatIndex}, the storing node as {@code node}, fp32 as format; {@code original} and
     * {@code faulty} are NaN since the value differs from image to image, and {@code noop} is
     * false (an image on which a stuck-at leaves the value as it is counts as masked).
     *
     * @throws IllegalArgumentException naming the fault for an unknown node, an index out of
     *     range or a bit beyond 31
     */
    public CampaignFault resolve(int position, Fault fault, Executor executor) {
        if (executor.graph() != graph) {
            throw new IllegalArgumentException("the executor runs another model instance");
        }
        NodeOutput output;
        int offset;
        try {
            output = output(fault.layer());
            offset = offset(output, fault.index());
            NumberFormats.FP32.checkBit(fault.bit());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fault " + position + " (Injection " + fault.injection() + "): "
                    + e.getMessage(), e);
        }
        return new CampaignFault(position, fault, output.name(), offset, executor.storageOf(output.node()), -1,
                NumberFormats.FP32, Float.NaN, Float.NaN, false);
    }

    /** Resolves every fault of a list, in order. */
    public List<CampaignFault> resolveAll(List<Fault> faults, Executor executor) {
        CampaignFault[] out = new CampaignFault[faults.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = resolve(i, faults.get(i), executor);
        }
        return List.of(out);
    }
}
