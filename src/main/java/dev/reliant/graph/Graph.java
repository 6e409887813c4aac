package dev.reliant.graph;

import dev.reliant.ops.Input;
import dev.reliant.ops.Op;
import dev.reliant.ops.Parameter;
import dev.reliant.tensor.Shapes;
import dev.reliant.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model: nodes in topological order (node 0 the input, the last node the output), each with an
 * operator, its input nodes and a per-image output shape; and the parameters by state_dict name,
 * in PyTorch registration order, each owned by exactly one node. Built by {@link GraphBuilder}.
 *
 * <p>The structure is fixed; parameter values change (weights loaded, faults injected). Whoever
 * changes values in place tells the graph — {@link #markChanged(String)} for a whole tensor,
 * {@link #setParameterElement} for one value — so that prepared forms (packed or folded weights)
 * are refreshed. {@link #loadStateDict} does this itself.
 *
 * <p>{@link #downstream(int)} and {@link #consumers(int)} are precomputed: the fault engine
 * restarts execution at the node that holds a faulty weight and recomputes exactly the nodes
 * that depend on it.
 */
public final class Graph {
    private final String name;
    private final List<Node> nodes;
    private final Map<String, Integer> nodeIndex = new HashMap<>();
    private final LinkedHashMap<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> tensors;
    private final Map<String, Integer> owners = new HashMap<>();
    private final int[][] consumers;
    private final int[][] downstream;

    Graph(String name, List<Node> nodeList) {
        this.name = name;
        this.nodes = List.copyOf(nodeList);
        int n = nodes.size();
        if (n < 2) {
            throw new IllegalArgumentException("model '" + name + "' needs an input and at least one operator");
        }
        LinkedHashMap<String, Tensor> byName = new LinkedHashMap<>();
        List<List<Integer>> cons = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Node node = nodes.get(i);
            if (node.index() != i) {
                throw new IllegalStateException("node " + node.name() + " has index " + node.index() + " at position " + i);
            }
            if ((node.op() instanceof Input) != (i == 0)) {
                throw new IllegalArgumentException("model '" + name + "': " + (i == 0 ? "the first node must be the input"
                        : "node '" + node.name() + "' is a second input"));
            }
            if (nodeIndex.put(node.name(), i) != null) {
                throw new IllegalArgumentException("model '" + name + "': two nodes are named '" + node.name() + "'");
            }
            for (int in : node.inputs()) {
                if (in < 0 || in >= i) {
                    throw new IllegalArgumentException("node '" + node.name() + "' reads node " + in
                            + ", which does not come before it");
                }
                cons.get(in).add(i);
            }
            for (Parameter p : node.op().parameters()) {
                if (parameters.put(p.name(), p) != null) {
                    throw new IllegalArgumentException("model '" + name + "': parameter '" + p.name()
                            + "' is registered twice");
                }
                byName.put(p.name(), p.tensor());
                owners.put(p.name(), i);
            }
            cons.add(new ArrayList<>());
        }
        this.tensors = Collections.unmodifiableMap(byName);
        this.consumers = new int[n][];
        for (int i = 0; i < n; i++) {
            consumers[i] = cons.get(i).stream().mapToInt(Integer::intValue).toArray();
            if (consumers[i].length == 0 && i != n - 1) {
                throw new IllegalArgumentException("model '" + name + "': node '" + nodes.get(i).name()
                        + "' is not used by any other node (only the last node, the output, may be unused)");
            }
        }
        // Reverse sweep: the nodes reachable from i are its consumers and everything reachable from them.
        BitSet[] reach = new BitSet[n];
        this.downstream = new int[n][];
        for (int i = n - 1; i >= 0; i--) {
            BitSet r = new BitSet(n);
            for (int c : consumers[i]) {
                r.set(c);
                r.or(reach[c]);
            }
            reach[i] = r;
            downstream[i] = r.stream().toArray();
        }
    }

    /** The model's name, used in messages. */
    public String name() {
        return name;
    }

    /** Number of nodes. */
    public int size() {
        return nodes.size();
    }

    /** The nodes in topological (index) order. */
    public List<Node> nodes() {
        return nodes;
    }

    public Node node(int index) {
        if (index < 0 || index >= nodes.size()) {
            throw new IllegalArgumentException("node index " + index + " outside [0, " + nodes.size() + ") of model '"
                    + name + "'");
        }
        return nodes.get(index);
    }

    /** The node with this name; throws with a clear message if there is none. */
    public Node node(String nodeName) {
        return nodes.get(indexOf(nodeName));
    }

    /** Index of the node with this name. */
    public int indexOf(String nodeName) {
        Integer i = nodeIndex.get(nodeName);
        if (i == null) {
            throw new IllegalArgumentException("unknown node '" + nodeName + "' in model '" + name + "'");
        }
        return i;
    }

    /** Node 0. */
    public int inputNode() {
        return 0;
    }

    /** The last node, whose output is the model's output. */
    public int outputNode() {
        return nodes.size() - 1;
    }

    /** Per-image input shape, e.g. {@code [3, 32, 32]}. */
    public int[] inputShape() {
        return nodes.get(0).outputShape();
    }

    /** Per-image output shape, e.g. {@code [10]}. */
    public int[] outputShape() {
        return nodes.get(nodes.size() - 1).outputShape();
    }

    /** The nodes that read node i's output, in index order (a copy). */
    public int[] consumers(int node) {
        return consumers[check(node)].clone();
    }

    /** Every node reachable from node i (excluding i), in topological order (a copy). */
    public int[] downstream(int node) {
        return downstream[check(node)].clone();
    }

    int[] consumersUnsafe(int node) {
        return consumers[node];
    }

    int[] downstreamUnsafe(int node) {
        return downstream[node];
    }

    private int check(int node) {
        node(node);
        return node;
    }

    // ------------------------------------------------------------------ parameters

    /**
     * The parameters and buffers by state_dict name, in registration order (unmodifiable map;
     * the tensors are the live ones).
     */
    public Map<String, Tensor> parameters() {
        return tensors;
    }

    /** The names in registration order. */
    public List<String> parameterNames() {
        return List.copyOf(parameters.keySet());
    }

    /** The live tensor of a parameter; throws naming the model if there is none. */
    public Tensor parameter(String parameterName) {
        return handle(parameterName).tensor();
    }

    /** The parameter with its version stamp. */
    public Parameter handle(String parameterName) {
        Parameter p = parameters.get(parameterName);
        if (p == null) {
            List<String> names = List.copyOf(parameters.keySet());
            throw new IllegalArgumentException("unknown parameter '" + parameterName + "' in model '" + name + "' ("
                    + (names.isEmpty() ? "it has no parameters)" : names.size() + " parameters: " + names.get(0)
                    + (names.size() > 1 ? " … " + names.get(names.size() - 1) : "") + ")"));
        }
        return p;
    }

    /** True when the model has this parameter. */
    public boolean hasParameter(String parameterName) {
        return parameters.containsKey(parameterName);
    }

    /** Index of the node that owns the parameter. */
    public int parameterOwner(String parameterName) {
        handle(parameterName);
        return owners.get(parameterName);
    }

    /** Total number of values of all parameters and buffers (a checkpoint's size without num_batches_tracked). */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters.values()) {
            n += p.numel();
        }
        return n;
    }

    /** Records that the values of a parameter changed in place. */
    public void markChanged(String parameterName) {
        handle(parameterName).markChanged();
    }

    /** Records that any parameter may have changed. */
    public void markAllChanged() {
        for (Parameter p : parameters.values()) {
            p.markChanged();
        }
    }

    /**
     * Sets one value of a parameter (flat row-major index) and refreshes what depends on it; a
     * convolution weight is patched in its prepared forms without repacking (fault injection).
     */
    public void setParameterElement(String parameterName, int index, float value) {
        Parameter p = handle(parameterName);
        if (index < 0 || index >= p.numel()) {
            throw new IllegalArgumentException("index " + index + " outside [0, " + p.numel() + ") of parameter '"
                    + parameterName + "' " + p.tensor().shapeString());
        }
        p.data()[index] = value;
        nodes.get(owners.get(parameterName)).op().elementChanged(p, index);
    }

    /**
     * Copies a state_dict's values into the parameters. The name sets must match exactly
     * ({@code num_batches_tracked} entries are ignored; a {@code module.} prefix on every name,
     * left by DataParallel, is stripped) and every shape must match; otherwise nothing is loaded
     * and a {@link StateDictException} lists every problem, one line each, naming
     * {@code source}, the tensor and the shapes.
     *
     * @param source the file or origin, for messages
     */
    public void loadStateDict(Map<String, Tensor> stateDict, String source) {
        String src = source == null || source.isBlank() ? "state_dict" : source;
        Map<String, Tensor> sd = stripModulePrefix(stateDict);
        List<String> problems = new ArrayList<>();
        for (Parameter p : parameters.values()) {
            Tensor t = sd.get(p.name());
            if (t == null) {
                problems.add(src + ": missing tensor '" + p.name() + "' (model '" + name + "' expects shape "
                        + p.tensor().shapeString() + ")");
            } else if (!Arrays.equals(t.shape(), p.shape())) {
                problems.add(src + ": tensor '" + p.name() + "' has shape " + t.shapeString() + ", model '" + name
                        + "' expects " + p.tensor().shapeString());
            }
        }
        for (Map.Entry<String, Tensor> e : sd.entrySet()) {
            String key = e.getKey();
            if (!parameters.containsKey(key) && !isNumBatchesTracked(key)) {
                problems.add(src + ": unexpected tensor '" + key + "'"
                        + (e.getValue() == null ? "" : " with shape " + e.getValue().shapeString())
                        + " (model '" + name + "' has no such parameter)");
            }
        }
        if (!problems.isEmpty()) {
            throw new StateDictException(problems);
        }
        for (Parameter p : parameters.values()) {
            System.arraycopy(sd.get(p.name()).data(), 0, p.data(), 0, p.numel());
            p.markChanged();
        }
    }

    private static boolean isNumBatchesTracked(String key) {
        return key.equals("num_batches_tracked") || key.endsWith(".num_batches_tracked");
    }

    private static Map<String, Tensor> stripModulePrefix(Map<String, Tensor> sd) {
        if (sd.isEmpty() || !sd.keySet().stream().allMatch(k -> k.startsWith("module."))) {
            return sd;
        }
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        sd.forEach((k, v) -> out.put(k.substring("module.".length()), v));
        return out;
    }

    /** A table of the nodes: index, name, operator, output shape, parameter count. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "model %s: %d nodes, %d parameter tensors, %,d values%n", name,
                nodes.size(), parameters.size(), parameterCount()));
        for (Node node : nodes) {
            Op op = node.op();
            long count = op.parameters().stream().mapToLong(Parameter::numel).sum();
            StringBuilder in = new StringBuilder();
            for (int i : node.inputs()) {
                in.append(in.length() == 0 ? "" : ", ").append(nodes.get(i).name());
            }
            sb.append(String.format(Locale.ROOT, "%4d  %-32s %-44s %-16s %,10d  <- %s%n", node.index(), node.name(), op,
                    Shapes.toString(op.outputShape()), count, in));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "Graph " + name + " (" + nodes.size() + " nodes, " + parameters.size() + " parameters)";
    }
}
