package dev.reliant.graph;

import dev.reliant.ops.Op;
import dev.reliant.tensor.Shapes;

/** One node of a {@link Graph}: a unique name, an operator and the indices of its input nodes. */
public final class Node {
    private final int index;
    private final String name;
    private final Op op;
    private final int[] inputs;

    Node(int index, String name, Op op, int[] inputs) {
        this.index = index;
        this.name = name;
        this.op = op;
        this.inputs = inputs.clone();
    }

    /** Position in the graph, also the topological order. */
    public int index() {
        return index;
    }

    /** The module path ({@code layer1.0.conv1}) or a generated name ({@code layer1.0.relu_1}). */
    public String name() {
        return name;
    }

    public Op op() {
        return op;
    }

    /** Indices of the input nodes, in the operator's input order (a copy). */
    public int[] inputs() {
        return inputs.clone();
    }

    /** Number of inputs. */
    public int inputCount() {
        return inputs.length;
    }

    /** Index of input node i. */
    public int input(int i) {
        return inputs[i];
    }

    /** Per-image output shape (a copy). */
    public int[] outputShape() {
        return op.outputShape();
    }

    /** Values per image of the output. */
    public int outputSize() {
        return op.outputSize();
    }

    /** {@code 12 layer1.0.conv1 Conv2d(16, 16, ...) [16, 32, 32]}. */
    @Override
    public String toString() {
        return index + " " + name + " " + op + " " + Shapes.toString(op.outputShape());
    }
}
