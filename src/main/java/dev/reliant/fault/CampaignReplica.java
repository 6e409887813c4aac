package dev.reliant.fault;

import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;

/**
 * One instance of the campaign's model with its own weights (a fault changes them), its
 * executor and its fast-path state: a parallel worker evaluates one fault at a time on it.
 */
final class CampaignReplica {
    private final StoredWeights weights;
    private final Executor executor;
    private FastPathEngine fast;
    private float[] logits = new float[0];

    CampaignReplica(Graph graph, CampaignSettings settings) {
        this.weights = new StoredWeights(graph, FaultTargets.weights(graph), settings.format());
        this.executor = new Executor(graph, settings.options());
    }

    StoredWeights weights() {
        return weights;
    }

    Executor executor() {
        return executor;
    }

    /**
     * Counts the fault's outcomes on the chunk's images. A fault that leaves the stored value's
     * bits unchanged is counted without computing on the fast path; the naive path runs it like
     * any other, as the reference does.
     */
    void evaluate(CampaignFault fault, GoldenChunk chunk, GoldenRun golden, boolean naive, OutcomeCounts counts) {
        if (!naive && fault.changesNothing()) {
            for (int b = 0; b < chunk.count(); b++) {
                golden.countUnchanged(chunk.start() + b, counts);
            }
            return;
        }
        weights.apply(fault);
        try {
            if (naive) {
                runWhole(chunk, golden, counts);
            } else {
                if (fast == null) {
                    fast = new FastPathEngine(executor);
                }
                fast.evaluate(fault, chunk, golden, counts);
            }
        } finally {
            weights.restore(fault);
        }
    }

    /** The reference procedure: the whole network on the chunk, every image classified. */
    private void runWhole(GoldenChunk chunk, GoldenRun golden, OutcomeCounts counts) {
        int classes = golden.classes();
        if (logits.length < chunk.count() * classes) {
            logits = new float[chunk.count() * classes];
        }
        executor.run(chunk.input(), 0, chunk.count(), logits, 0);
        for (int b = 0; b < chunk.count(); b++) {
            golden.countFaulty(chunk.start() + b, logits, b * classes, counts);
        }
    }
}
