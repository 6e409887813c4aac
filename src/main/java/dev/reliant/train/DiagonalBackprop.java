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
 * <p>The per-node quantities of the last pass stay available ({@link GraphWalk}), so that
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
    private final GraphWalk walk;

    /** A walk over {@code graph}, whose operators are switched to inference mode. */
    DiagonalBackprop(Graph graph) {
        this.graph = graph;
        this.walk = new GraphWalk(graph);
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
        walk.propagate(acts, seed, false, (op, j) -> sinks.get(op.parameters().get(j)), rule::apply);
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
                BackwardContext ctx = walk.context(acts, node, n, 1);
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
}
