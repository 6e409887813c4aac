package dev.reliant.train;

import dev.reliant.graph.Activations;
import dev.reliant.graph.Graph;
import dev.reliant.graph.Node;
import dev.reliant.ops.BackwardContext;
import dev.reliant.ops.Op;
import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * The reverse walk that {@link Backprop} and {@link DiagonalBackprop} share: a quantity per node
 * output (dL/dy, or its diagonal second-order counterpart) for the images of the last forward,
 * seeded at the logits and carried back in reverse topological order by a rule per node, each
 * node seeing its {@link BackwardContext} over the kept activations. The quantities of the last
 * pass stay readable until the next one.
 */
final class GraphWalk {

    /** Where a pass adds the term of parameter {@code j} of {@code op}; null: nowhere. */
    interface ParameterSinks {
        float[] sink(Op op, int j);
    }

    private final Graph graph;
    private final BackwardContext ctx = new BackwardContext();
    private float[][] nodeValues = new float[0][];
    private int valuesBatch;

    GraphWalk(Graph graph) {
        this.graph = graph;
    }

    /**
     * Puts {@code seed} ({@code batch × outputSize} values) at the logits and zero at every other
     * node, then applies {@code rule} to every node but the image input, last node first. Each
     * node's context covers the whole batch of {@code acts}; it adds into the quantities of the
     * node's inputs (of the image input only when {@code toImage}) and into the parameter
     * {@code sinks}.
     */
    void propagate(Activations acts, float[] seed, boolean toImage, ParameterSinks sinks,
                   BiConsumer<Node, BackwardContext> rule) {
        int batch = acts.batch();
        int out = graph.outputNode();
        ensureNodeValues(batch);
        for (int i = 0; i < graph.size(); i++) {
            Arrays.fill(nodeValues[i], 0, batch * graph.node(i).outputSize(), 0f);
        }
        System.arraycopy(seed, 0, nodeValues[out], 0, batch * graph.node(out).outputSize());
        for (int i = graph.size() - 1; i >= 0; i--) {
            if (i == graph.inputNode()) {
                continue;
            }
            Node node = graph.node(i);
            BackwardContext c = context(acts, node, 0, batch);
            for (int j = 0; j < node.inputCount(); j++) {
                int in = node.input(j);
                c.gradInputs[j] = in == graph.inputNode() && !toImage ? null : nodeValues[in];
            }
            Op op = node.op();
            for (int j = 0; j < c.gradParameters.length; j++) {
                c.gradParameters[j] = sinks.sink(op, j);
            }
            rule.accept(node, c);
        }
    }

    /** Whether a pass has run (its quantities are readable). */
    boolean hasRun() {
        return nodeValues.length > 0;
    }

    /** The quantity at the output of node {@code index} after the last pass (live array). */
    float[] values(int index) {
        return nodeValues[index];
    }

    /**
     * The context of {@code node} for images [first, first + count) of the forward in
     * {@code acts} and of the last pass; the accumulators (input ones at the inputs' offsets)
     * are still to be set (all null).
     */
    BackwardContext context(Activations acts, Node node, int first, int count) {
        int k = node.inputCount();
        ctx.batch = count;
        ctx.inputs = new float[k][];
        ctx.inputOffsets = new int[k];
        ctx.gradInputs = new float[k][];
        ctx.gradInputOffsets = new int[k];
        for (int j = 0; j < k; j++) {
            int in = node.input(j);
            ctx.inputs[j] = acts.output(in);
            ctx.inputOffsets[j] = first * graph.node(in).outputSize();
            ctx.gradInputOffsets[j] = ctx.inputOffsets[j];
        }
        ctx.output = acts.output(node.index());
        ctx.outputOffset = first * node.outputSize();
        ctx.gradOutput = nodeValues[node.index()];
        ctx.gradOutputOffset = ctx.outputOffset;
        ctx.gradParameters = new float[node.op().parameters().size()][];
        return ctx;
    }

    private void ensureNodeValues(int batch) {
        if (batch == valuesBatch) {
            return;
        }
        nodeValues = new float[graph.size()][];
        for (int i = 0; i < graph.size(); i++) {
            nodeValues[i] = new float[batch * graph.node(i).outputSize()];
        }
        valuesBatch = batch;
    }
}
