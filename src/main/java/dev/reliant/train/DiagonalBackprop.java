package dev.reliant.train;

import dev.reliant.graph.Activations;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.graph.Node;
import dev.reliant.ops.BackwardContext;
import dev.reliant.ops.Op;
import dev.reliant.ops.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The graph walk behind {@link DiagonalHessian}: a forward in inference mode with every node's
 * output kept, then one reverse pass from a quantity at the logits with a rule per node —
 * {@link Op#backward} for a gradient, {@link Op#backwardDiagonal} for the diagonal second
 * derivative (BackPACK's design: the rules live in the operators, this class only walks).
 *
 * <p>Unlike {@link Backprop}, the per-node quantities of the last pass stay available, so that
 * parameter terms can be formed either summed over the batch (during the pass) or per image
 * ({@link #addSquaredPerImageGradients}): in inference mode no operator mixes the images of a
 * batch, so the quantity at a node's output for image n is image n's own, and the operator's
 * backward for a batch of one at image n's offsets gives image n's parameter gradient.
 *
 * <p>One thread uses a walk at a time; the kernels inside parallelise.
 */
final class DiagonalBackprop {

    /** What a pass applies at one node: fills the context's accumulators from its incoming quantity. */
    interface Rule {
        void apply(Node node, BackwardContext context);
    }

    /** The first-order rule. */
    static final Rule GRADIENT = (node, ctx) -> node.op().backward(ctx);
    /** The diagonal second-order rule. */
    static final Rule DIAGONAL = (node, ctx) -> node.op().backwardDiagonal(ctx);

    private final Graph graph;
    private final Executor executor;
    private final Activations acts;
    private final BackwardContext ctx = new BackwardContext();
    private float[][] nodeValues = new float[0][];
    private int valuesBatch;

    /** A walk over {@code graph}, whose operators are switched to inference mode. */
    DiagonalBackprop(Graph graph) {
        this.graph = graph;
        for (Node node : graph.nodes()) {
            node.op().setTraining(false);
        }
        this.executor = new Executor(graph, Executor.Options.exact());
        this.acts = executor.newActivations();
    }

    Graph graph() {
        return graph;
    }

    /** Runs {@code batch} images and returns the live logits ({@code batch × classes}). */
    float[] forward(float[] input, int inOff, int batch) {
        executor.run(input, inOff, batch, acts);
        return acts.output(graph.outputNode());
    }

    /**
     * Propagates {@code seed} ({@code batch × classes}, for the images of the last forward) from
     * the logits to every node with {@code rule}, and adds the parameter terms, summed over the
     * batch, into {@code sinks} (parameters without a sink get none).
     */
    void propagate(float[] seed, Rule rule, Map<Parameter, float[]> sinks) {
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
            fillContext(node, 0, batch);
            for (int j = 0; j < node.inputCount(); j++) {
                int in = node.input(j);
                ctx.gradInputs[j] = in == graph.inputNode() ? null : nodeValues[in];
            }
            List<Parameter> ps = node.op().parameters();
            for (int j = 0; j < ps.size(); j++) {
                ctx.gradParameters[j] = sinks.get(ps.get(j));
            }
            rule.apply(node, ctx);
        }
    }

    /**
     * After a {@link #propagate} with {@link #GRADIENT}: adds {@code factor · g_n²} into
     * {@code sinks} (double) for every image n of the batch, where g_n is image n's own gradient
     * of each parameter that has a sink ({@code scratch}: a float array per such parameter,
     * overwritten).
     */
    void addSquaredPerImageGradients(Map<Parameter, double[]> sinks, Map<Parameter, float[]> scratch, double factor) {
        int batch = acts.batch();
        for (Node node : graph.nodes()) {
            List<Parameter> ps = node.op().parameters();
            if (ps.stream().noneMatch(sinks::containsKey)) {
                continue;
            }
            for (int n = 0; n < batch; n++) {
                fillContext(node, n, 1);
                Arrays.fill(ctx.gradInputs, null);
                for (int j = 0; j < ps.size(); j++) {
                    float[] s = sinks.containsKey(ps.get(j)) ? scratch.get(ps.get(j)) : null;
                    if (s != null) {
                        Arrays.fill(s, 0f);
                    }
                    ctx.gradParameters[j] = s;
                }
                node.op().backward(ctx);
                for (int j = 0; j < ps.size(); j++) {
                    float[] g = ctx.gradParameters[j];
                    if (g != null) {
                        double[] sum = sinks.get(ps.get(j));
                        for (int e = 0; e < g.length; e++) {
                            sum[e] += factor * ((double) g[e] * g[e]);
                        }
                    }
                }
            }
        }
    }

    /** The context of {@code node} for images [first, first + count) of the last forward and pass. */
    private void fillContext(Node node, int first, int count) {
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
