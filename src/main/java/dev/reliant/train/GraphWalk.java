package dev.reliant.train;

import dev.reliant.graph.Activations;
import dev.reliant.graph.Graph;
import dev.reliant.graph.Node;
import dev.reliant.ops.BackwardContext;
import dev.reliant.ops.Op;
import dev.reliant.simd.Parallel;
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
    /** Per node: whether its quantity has been zeroed in the current pass. */
    private boolean[] zeroed;
    /** Values per parallel piece of a zeroing. */
    private static final int ZERO_GRAIN = 1 << 16;

    GraphWalk(Graph graph) {
        this.graph = graph;
        this.zeroed = new boolean[graph.size()];
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
        // Each quantity is zeroed just before the first rule adds into it (its last consumer in
        // topological order), in parallel, while it is about to be used anyway.
        Arrays.fill(zeroed, false);
        System.arraycopy(seed, 0, nodeValues[out], 0, batch * graph.node(out).outputSize());
        zeroed[out] = true;
        for (int i = graph.size() - 1; i >= 0; i--) {
            if (i == graph.inputNode()) {
                continue;
            }
            Node node = graph.node(i);
            BackwardContext c = context(acts, node, 0, batch);
            for (int j = 0; j < node.inputCount(); j++) {
                int in = node.input(j);
                boolean wanted = in != graph.inputNode() || toImage;
                if (wanted) {
                    zero(in, batch);
                }
                c.gradInputs[j] = wanted ? nodeValues[in] : null;
            }
            Op op = node.op();
            for (int j = 0; j < c.gradParameters.length; j++) {
                c.gradParameters[j] = sinks.sink(op, j);
            }
            rule.accept(node, c);
        }
        for (int i = 0; i < graph.size(); i++) {
            zero(i, batch); // quantities no rule reached read as zero
        }
    }

    /** Zeroes the quantity of node i for {@code batch} images, once per pass. */
    private void zero(int i, int batch) {
        if (zeroed[i]) {
            return;
        }
        float[] values = nodeValues[i];
        Parallel.forRange(batch * graph.node(i).outputSize(), ZERO_GRAIN, (a, b) -> Arrays.fill(values, a, b, 0f));
        zeroed[i] = true;
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
