package dev.reliant.graph;

import dev.reliant.ops.Add;
import dev.reliant.ops.AvgPool2d;
import dev.reliant.ops.BatchNorm2d;
import dev.reliant.ops.Concat;
import dev.reliant.ops.Conv2d;
import dev.reliant.ops.Dropout;
import dev.reliant.ops.Flatten;
import dev.reliant.ops.GlobalAvgPool;
import dev.reliant.ops.Identity;
import dev.reliant.ops.Input;
import dev.reliant.ops.Linear;
import dev.reliant.ops.MaxPool2d;
import dev.reliant.ops.Op;
import dev.reliant.ops.OptionAShortcut;
import dev.reliant.ops.Quantize;
import dev.reliant.ops.ReLU;
import dev.reliant.ops.ReLU6;
import dev.reliant.simd.ConvShape;
import dev.reliant.tensor.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a {@link Graph} in topological order. Each method adds one node and returns its index,
 * the handle later nodes take as input:
 * <pre>
 *   GraphBuilder b = new GraphBuilder("resnet20");
 *   int x = b.input(3, 32, 32);
 *   x = b.relu(b.batchNorm("bn1", b.conv("conv1", x, 16, 3, 1, 1, false)));
 *   ...
 *   Graph g = b.build();
 * </pre>
 * Operators with parameters take the module path as their name ({@code layer1.0.conv1}); their
 * parameters are {@code name.weight}, {@code name.bias}, … and are registered in the order the
 * nodes are added, which must be PyTorch's registration order. Parameter-free operators take an
 * explicit name (an {@code nn.Sequential} index such as {@code features.2}) or get a generated
 * one: the current {@link #scope(String) scope}, a dot and a base name ({@code relu}, {@code add},
 * …), with {@code _1}, {@code _2} … on repeats, like torch.fx ({@code layer1.0.relu_1}).
 *
 * <p>Errors in the architecture (a shape that does not fit, a duplicate name) are thrown when the
 * node is added, naming the node.
 */
public final class GraphBuilder {
    private final String modelName;
    private final List<Node> nodes = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private String scope = "";
    private boolean built;

    /** @param modelName the model's name, used in messages ({@code resnet20}) */
    public GraphBuilder(String modelName) {
        this.modelName = modelName;
    }

    /** Sets the prefix of generated names ({@code layer1.0}; empty for none). */
    public GraphBuilder scope(String prefix) {
        this.scope = prefix == null ? "" : prefix;
        return this;
    }

    /** Per-image output shape of a node added so far. */
    public int[] shape(int node) {
        return nodeAt(node).outputShape();
    }

    /** Channels (first dimension) of a node's output. */
    public int channels(int node) {
        return nodeAt(node).outputShape()[0];
    }

    private Node nodeAt(int node) {
        if (node < 0 || node >= nodes.size()) {
            throw new IllegalArgumentException(modelName + ": no node " + node + " (" + nodes.size() + " added)");
        }
        return nodes.get(node);
    }

    /** The input node, per-image shape such as {@code (3, 32, 32)}; must be the first node. */
    public int input(int... shape) {
        if (!nodes.isEmpty()) {
            throw new IllegalStateException(modelName + ": the input must be the first node");
        }
        return node("input", new Input(shape));
    }

    /**
     * Adds any operator, constructed for the shapes of its inputs. {@code name == null} asks
     * for a generated name from the operator type.
     */
    public int node(String name, Op op, int... inputs) {
        if (built) {
            throw new IllegalStateException(modelName + ": the graph was already built");
        }
        String nodeName = name != null ? name : generatedName(op.type().toLowerCase(java.util.Locale.ROOT));
        if (nodeName.isEmpty() || !names.add(nodeName)) {
            throw new IllegalArgumentException(modelName + ": " + (nodeName.isEmpty() ? "empty node name"
                    : "node name '" + nodeName + "' is used twice"));
        }
        if (!(op instanceof Input) && nodes.isEmpty()) {
            throw new IllegalStateException(modelName + ": add the input first");
        }
        if (inputs.length != op.inputCount()) {
            throw new IllegalArgumentException(modelName + ": " + nodeName + " (" + op.type() + ") takes "
                    + op.inputCount() + " inputs, got " + inputs.length);
        }
        for (int i = 0; i < inputs.length; i++) {
            int[] actual = shape(inputs[i]);
            if (!Arrays.equals(actual, op.inputShape(i))) {
                throw new IllegalArgumentException(modelName + ": " + nodeName + " (" + op.type() + ") input " + i
                        + " from '" + nodes.get(inputs[i]).name() + "' has shape " + Shapes.toString(actual)
                        + ", the operator was made for " + Shapes.toString(op.inputShape(i)));
            }
        }
        nodes.add(new Node(nodes.size(), nodeName, op, inputs));
        return nodes.size() - 1;
    }

    private String generatedName(String base) {
        String stem = scope.isEmpty() ? base : scope + "." + base;
        String name = stem;
        for (int k = 1; names.contains(name); k++) {
            name = stem + "_" + k;
        }
        return name;
    }

    private int named(String name, String base, Op op, int... inputs) {
        return node(name != null ? name : generatedName(base), op, inputs);
    }

    // ------------------------------------------------------------------ operators with parameters

    /** {@code nn.Conv2d(in, out, kernel, stride, padding, bias=bias)}, square kernel, no dilation, one group. */
    public int conv(String name, int x, int outChannels, int kernel, int stride, int padding, boolean bias) {
        return conv(name, x, outChannels, kernel, stride, padding, 1, 1, bias);
    }

    /** {@code nn.Conv2d} with dilation and groups. */
    public int conv(String name, int x, int outChannels, int kernel, int stride, int padding, int dilation, int groups,
                    boolean bias) {
        int[] s = chw(name, x);
        return conv(name, x, new ConvShape(s[0], s[1], s[2], outChannels, kernel, kernel, stride, stride, padding,
                padding, dilation, dilation, groups), bias);
    }

    /** {@code nn.Conv2d} of any geometry; the shape's input must match node x. */
    public int conv(String name, int x, ConvShape shape, boolean bias) {
        return node(requireName(name), Conv2d.create(name, shape, bias), x);
    }

    /** {@code nn.BatchNorm2d} with PyTorch's default eps 1e-5. */
    public int batchNorm(String name, int x) {
        return batchNorm(name, x, BatchNorm2d.DEFAULT_EPS);
    }

    /** {@code nn.BatchNorm2d(eps=eps)} in inference mode. */
    public int batchNorm(String name, int x, double eps) {
        return node(requireName(name), BatchNorm2d.create(name, shape(x), eps), x);
    }

    /** {@code nn.Linear(in, out, bias=bias)}; x must be a feature vector (see {@link #flatten}). */
    public int linear(String name, int x, int outFeatures, boolean bias) {
        int[] s = shape(x);
        if (s.length != 1) {
            throw new IllegalArgumentException(modelName + ": " + name + " (Linear) needs a feature vector, '"
                    + nodes.get(x).name() + "' gives " + Shapes.toString(s) + "; flatten first");
        }
        return node(requireName(name), Linear.create(name, s[0], outFeatures, bias), x);
    }

    private String requireName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(modelName + ": operators with parameters need a module name");
        }
        return name;
    }

    private int[] chw(String name, int x) {
        int[] s = shape(x);
        if (s.length != 3) {
            throw new IllegalArgumentException(modelName + ": " + name + " needs [C, H, W] feature maps, '"
                    + nodes.get(x).name() + "' gives " + Shapes.toString(s));
        }
        return s;
    }

    // ------------------------------------------------------------------ parameter-free operators

    public int relu(int x) {
        return relu(null, x);
    }

    public int relu(String name, int x) {
        return named(name, "relu", new ReLU(shape(x)), x);
    }

    public int relu6(int x) {
        return relu6(null, x);
    }

    public int relu6(String name, int x) {
        return named(name, "relu6", new ReLU6(shape(x)), x);
    }

    /** {@code a + b} (the residual join). */
    public int add(int a, int b) {
        return add(null, a, b);
    }

    public int add(String name, int a, int b) {
        return named(name, "add", new Add(shape(a), shape(b)), a, b);
    }

    /**
     * The CIFAR ResNets' option-A shortcut: {@code x[:, :, ::stride, ::stride]} padded with
     * {@code padBefore} and {@code padAfter} zero channels.
     */
    public int optionAShortcut(String name, int x, int stride, int padBefore, int padAfter) {
        return named(name, "shortcut", new OptionAShortcut(chw("option-A shortcut", x), stride, padBefore, padAfter), x);
    }

    public int maxPool(int x, int kernel, int stride, int padding) {
        return maxPool(null, x, kernel, stride, padding);
    }

    public int maxPool(String name, int x, int kernel, int stride, int padding) {
        return named(name, "maxpool", new MaxPool2d(chw("MaxPool2d", x), kernel, stride, padding), x);
    }

    /** {@code nn.AvgPool2d(kernel, stride, padding)} with PyTorch's default count_include_pad=True. */
    public int avgPool(int x, int kernel, int stride, int padding) {
        return avgPool(null, x, kernel, stride, padding);
    }

    public int avgPool(String name, int x, int kernel, int stride, int padding) {
        return named(name, "avgpool", new AvgPool2d(chw("AvgPool2d", x), kernel, stride, padding, true), x);
    }

    /** {@code nn.AdaptiveAvgPool2d(1)}: {@code [C, H, W] → [C, 1, 1]}. */
    public int globalAvgPool(int x) {
        return globalAvgPool(null, x);
    }

    public int globalAvgPool(String name, int x) {
        return named(name, "avgpool", new GlobalAvgPool(chw("AdaptiveAvgPool2d", x)), x);
    }

    /** {@code torch.flatten(x, 1)}. */
    public int flatten(int x) {
        return flatten(null, x);
    }

    public int flatten(String name, int x) {
        return named(name, "flatten", new Flatten(shape(x)), x);
    }

    /** {@code nn.Dropout(p)}: the identity in eval mode. */
    public int dropout(int x, double p) {
        return dropout(null, x, p);
    }

    public int dropout(String name, int x, double p) {
        return named(name, "dropout", new Dropout(shape(x), p), x);
    }

    public int identity(int x) {
        return identity(null, x);
    }

    public int identity(String name, int x) {
        return named(name, "identity", new Identity(shape(x)), x);
    }

    /**
     * SWIM's q_N of a layer output over the whole batch tensor (specs/cim-swim.md A.2);
     * {@code name == null} asks for a generated name ({@code quantize}).
     */
    public int quantize(String name, int x, int bits) {
        return named(name, "quantize", new Quantize(shape(x), bits), x);
    }

    /** {@code torch.cat(xs, 1)}. */
    public int concat(int... xs) {
        return concat(null, xs);
    }

    public int concat(String name, int... xs) {
        int[][] shapes = new int[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            shapes[i] = shape(xs[i]);
        }
        return named(name, "cat", new Concat(shapes), xs);
    }

    /** The graph; its output is the last node added. */
    public Graph build() {
        if (built) {
            throw new IllegalStateException(modelName + ": the graph was already built");
        }
        built = true;
        return new Graph(modelName, nodes);
    }
}
