package dev.reliant.fault;

import dev.reliant.graph.Activations;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.tensor.NumberFormats;

/**
 * A parallel worker's evaluator of activation faults ({@link ActivationTargets}) on one model
 * instance: the fault model acts on the raw fp32 bits of one value of a node's stored output, in
 * every image of a chunk, and the model's weights are never touched.
 *
 * <p>Fast path: {@link FastPathEngine#evaluateValueFault} restarts from the golden cache with only
 * that node's output changed. Naive path, the reference: the whole network runs on the chunk with
 * every output kept, the value is corrupted in each image's copy, and every node downstream of
 * the faulty one is recomputed for every image in graph order, as a forward hook that modifies a
 * module's output would have it.
 */
final class ActivationReplica {
    private final Executor executor;
    private final FaultModel model;
    private final int width;
    private FastPathEngine fast;
    private Activations acts;

    ActivationReplica(Executor executor, CampaignSettings settings) {
        this.executor = executor;
        this.model = settings.faultModel();
        this.width = settings.bitsPerFault();
    }

    /** The value of the stored fp32 code after the fault on {@code golden}. */
    float corrupt(float golden, int bit) {
        return model.apply(NumberFormats.FP32, golden, bit, width);
    }

    /** Counts the fault's outcomes on the chunk's images (resolved by {@link ActivationTargets#resolve}). */
    void evaluate(CampaignFault fault, GoldenChunk chunk, GoldenRun golden, boolean naive, OutcomeCounts counts) {
        int bit = fault.fault().bit();
        if (naive) {
            runWhole(fault.node(), fault.flatIndex(), bit, chunk, golden, counts);
        } else {
            if (fast == null) {
                fast = new FastPathEngine(executor);
            }
            fast.evaluateValueFault(fault.node(), fault.flatIndex(), v -> corrupt(v, bit), chunk, golden, counts);
        }
    }

    /** The reference procedure: every node of the chunk, the faulty value corrupted per image, every image classified. */
    private void runWhole(int node, int offset, int bit, GoldenChunk chunk, GoldenRun golden, OutcomeCounts counts) {
        Graph g = executor.graph();
        if (acts == null) {
            acts = executor.newActivations();
        }
        executor.run(chunk.input(), 0, chunk.count(), acts);
        float[] stored = acts.output(node);
        int size = g.node(node).outputSize();
        for (int b = 0; b < chunk.count(); b++) {
            stored[b * size + offset] = corrupt(stored[b * size + offset], bit);
        }
        for (int i : g.downstream(node)) {
            if (executor.storageOf(i) == i) {
                executor.computeNode(i, acts, acts.output(i), 0);
            }
        }
        float[] logits = acts.output(g.outputNode());
        int classes = golden.classes();
        for (int b = 0; b < chunk.count(); b++) {
            golden.countFaulty(chunk.start() + b, logits, b * classes, counts);
        }
    }
}
