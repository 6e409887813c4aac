package dev.reliant.train;

import dev.reliant.graph.Activations;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.graph.Node;
import dev.reliant.ops.Op;
import dev.reliant.ops.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forward with every node's output kept, then the first-order backward over the graph in
 * reverse topological order: each operator's {@link Op#backward} adds the gradient of the loss
 * for its inputs and its trainable parameters (DESIGN.md: the operator implements its own rule;
 * this class only walks the graph, with {@link GraphWalk}).
 *
 * <p>The forward is the exact executor (no folding or fusion), so every operator's own output
 * is there for its backward. Gradients of the parameters accumulate across {@link #backward}
 * calls until {@link #zeroGrad()}; gradients of node outputs are per batch.
 *
 * <p>One thread uses a Backprop at a time; the kernels inside parallelise.
 */
public final class Backprop {
    private final Graph graph;
    /** Executors per mode: operators decide at planning time whether they are views (dropout is one only in inference). */
    private Executor trainingExecutor;
    private Executor inferenceExecutor;
    private Executor executor;
    private Activations acts;
    private boolean training;
    private final List<Parameter> trainable = new ArrayList<>();
    private final Map<Parameter, float[]> grads = new IdentityHashMap<>();
    private final GraphWalk walk;
    private boolean inputGradWanted;

    public Backprop(Graph graph) {
        this.graph = graph;
        this.walk = new GraphWalk(graph);
        setTraining(false);
        for (Node node : graph.nodes()) {
            List<Parameter> ps = node.op().parameters();
            for (int j = 0; j < ps.size(); j++) {
                if (node.op().isTrainable(j)) {
                    trainable.add(ps.get(j));
                    grads.put(ps.get(j), new float[ps.get(j).numel()]);
                }
            }
        }
    }

    public Graph graph() {
        return graph;
    }

    /** The learned parameters in state_dict order. */
    public List<Parameter> parameters() {
        return Collections.unmodifiableList(trainable);
    }

    /** The accumulated gradient of a learned parameter (live array). */
    public float[] grad(Parameter p) {
        float[] g = grads.get(p);
        if (g == null) {
            throw new IllegalArgumentException(p.name() + " is not a learned parameter of " + graph.name());
        }
        return g;
    }

    /** The gradients aligned with {@link #parameters()} (live arrays). */
    public List<float[]> gradients() {
        List<float[]> list = new ArrayList<>(trainable.size());
        for (Parameter p : trainable) {
            list.add(grads.get(p));
        }
        return list;
    }

    /** Also compute dL/d(input image) in the next backward ({@link #inputGradient()}). */
    public void wantInputGradient(boolean on) {
        inputGradWanted = on;
    }

    /**
     * Switches every operator between training behaviour (batch statistics, dropout) and
     * inference behaviour (the default); the next forward runs in that mode.
     */
    public void setTraining(boolean on) {
        for (Node node : graph.nodes()) {
            node.op().setTraining(on);
        }
        if (on && trainingExecutor == null) {
            trainingExecutor = new Executor(graph, Executor.Options.exact());
        } else if (!on && inferenceExecutor == null) {
            inferenceExecutor = new Executor(graph, Executor.Options.exact());
        }
        Executor next = on ? trainingExecutor : inferenceExecutor;
        if (next != executor) {
            executor = next;
            acts = executor.newActivations();
        }
        training = on;
    }

    /** Whether operators are in training mode. */
    public boolean isTraining() {
        return training;
    }

    /** Zeroes the parameter gradients. */
    public void zeroGrad() {
        for (float[] g : grads.values()) {
            Arrays.fill(g, 0f);
        }
    }

    /**
     * Runs {@code batch} images from {@code input} and returns the live logits array
     * ({@code batch × outputSize}), valid until the next forward.
     */
    public float[] forward(float[] input, int inOff, int batch) {
        executor.run(input, inOff, batch, acts);
        return acts.output(graph.outputNode());
    }

    /** The activations of the last forward. */
    public Activations activations() {
        return acts;
    }

    /**
     * Back-propagates dL/d(logits) ({@code batch × outputSize} values, the batch of the last
     * forward) and adds the parameter gradients to the accumulators.
     */
    public void backward(float[] gradLogits) {
        int batch = acts.batch();
        int logits = batch * graph.node(graph.outputNode()).outputSize();
        if (gradLogits.length < logits) {
            throw new IllegalArgumentException("gradient of the logits has " + gradLogits.length + " values, "
                    + batch + " images need " + logits);
        }
        walk.propagate(acts, gradLogits, inputGradWanted,
                (op, j) -> op.isTrainable(j) ? grads.get(op.parameters().get(j)) : null,
                (node, c) -> node.op().backward(c));
    }

    /** dL/d(input) of the last backward, when {@link #wantInputGradient} was on (live array). */
    public float[] inputGradient() {
        if (!inputGradWanted || !walk.hasRun()) {
            throw new IllegalStateException("call wantInputGradient(true) before the backward");
        }
        return walk.values(graph.inputNode());
    }
}
