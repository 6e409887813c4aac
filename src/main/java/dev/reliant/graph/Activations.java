package dev.reliant.graph;

import dev.reliant.tensor.Tensor;

/**
 * Every node's output for one batch, captured by {@link Executor#run(float[], int, int, Activations)}:
 * the golden cache of the fault engine, which {@link Executor#runFrom} reads.
 *
 * <p>{@code output(node)} holds {@code batch × outputSize} values, image after image. Nodes
 * that an executor does not compute share their source's array: views (Flatten, Identity,
 * Dropout) share their input's, a batch norm folded into a convolution shares the
 * convolution's (which then holds the batch norm's output), a ReLU fused into an Add shares the
 * Add's. The arrays are reused while the batch size stays the same.
 */
public final class Activations {
    private final Executor executor;
    private final Graph graph;
    private int batch;
    private float[][] data;

    Activations(Executor executor) {
        this.executor = executor;
        this.graph = executor.graph();
        this.data = new float[graph.size()][];
    }

    /** Sizes the arrays for {@code batch} images (keeps them when the batch size is unchanged). */
    void ensure(int batch) {
        if (batch == this.batch) {
            return;
        }
        for (int i = 0; i < data.length; i++) {
            int root = executor.storageOf(i);
            data[i] = root == i ? new float[batch * graph.node(i).outputSize()] : data[root];
        }
        this.batch = batch;
    }

    Executor executor() {
        return executor;
    }

    float[][] arrays() {
        return data;
    }

    public Graph graph() {
        return graph;
    }

    /** Number of images captured (0 before the first run). */
    public int batch() {
        return batch;
    }

    /** The live output array of a node: {@code batch × outputSize} values. */
    public float[] output(int node) {
        graph.node(node);
        requireCaptured();
        return data[node];
    }

    /** The live output array of the node with this name. */
    public float[] output(String nodeName) {
        return output(graph.indexOf(nodeName));
    }

    /** The output of a node as a tensor {@code [batch, ...shape]} sharing the live array. */
    public Tensor tensor(int node) {
        float[] a = output(node);
        int[] s = graph.node(node).outputShape();
        int[] shape = new int[s.length + 1];
        shape[0] = batch;
        System.arraycopy(s, 0, shape, 1, s.length);
        return Tensor.of(a, shape);
    }

    void requireCaptured() {
        if (batch == 0) {
            throw new IllegalStateException("no batch captured yet: run the executor with these activations first");
        }
    }
}
