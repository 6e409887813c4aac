package dev.reliant.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.data.Dataset;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.graph.GraphBuilder;
import dev.reliant.simd.Parallel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Activation-fault campaigns on small models (runs everywhere): the fast path against the naive
 * path for every fault, with exact, folded and fused arithmetic and every fault model; the
 * expected outcome of faults on a constructed model; folded pairs; resume from a journal.
 */
class ActivationCampaignTest {
    private final int threadsBefore = Parallel.threads();

    @TempDir
    Path tmp;

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    /**
     * {@code perNode} faults in every faultable node output at uniform positions, the bits
     * cycling through exponent, sign and mantissa bits.
     */
    static List<Fault> faultsInEveryNode(Graph graph, int perNode, long seed) {
        int[] bits = {30, 31, 23, 29, 27, 22, 12, 0, 26, 5};
        Random rnd = new Random(seed);
        List<Fault> faults = new ArrayList<>();
        for (ActivationTargets.NodeOutput o : ActivationTargets.of(graph).outputs()) {
            int[] shape = o.shape();
            for (int k = 0; k < perNode; k++) {
                int[] index = new int[shape.length];
                for (int d = 0; d < shape.length; d++) {
                    index[d] = rnd.nextInt(shape[d]);
                }
                faults.add(new Fault(faults.size(), o.name(), index, bits[faults.size() % bits.length]));
            }
        }
        return faults;
    }

    private static List<CampaignRow> run(Supplier<Graph> model, Dataset data, Normalization norm, List<Fault> faults,
                                         CampaignSettings settings, int threads) {
        Parallel.setThreads(threads);
        CampaignEngine engine = new CampaignEngine(model, data, norm, settings, CampaignEngine.Target.ACTIVATIONS);
        return engine.run(engine.resolve(faults));
    }

    /** Naive on 2 threads, fast on 1 thread with small chunks and blocks and on 2 threads with automatic sizes. */
    private static List<CampaignRow> checkEquivalence(Supplier<Graph> model, Dataset data, Normalization norm,
                                                      List<Fault> faults, CampaignSettings s) {
        CampaignSettings small = s.withChunkImages(7).withBlockFaults(11);
        List<CampaignRow> naive = run(model, data, norm, faults, small.withNaive(true), 2);
        List<CampaignRow> fast1 = run(model, data, norm, faults, small, 1);
        List<CampaignRow> fast2 = run(model, data, norm, faults, s.withChunkImages(0).withBlockFaults(0), 2);
        assertThat(naive).hasSameSizeAs(faults);
        for (int i = 0; i < faults.size(); i++) {
            assertThat(naive.get(i).counts().images()).isEqualTo(data.size());
            assertThat(fast1.get(i).counts()).as("1 thread, fault %s", faults.get(i)).isEqualTo(naive.get(i).counts());
            assertThat(fast2.get(i).counts()).as("2 threads, fault %s", faults.get(i)).isEqualTo(naive.get(i).counts());
        }
        return naive;
    }

    private static void assertEveryClassOccurs(List<CampaignRow> rows) {
        assertThat(rows.stream().mapToLong(r -> r.counts().masked()).sum()).as("masked pairs").isPositive();
        assertThat(rows.stream().mapToLong(r -> r.counts().nonCritical()).sum()).as("non-critical pairs").isPositive();
        assertThat(rows.stream().mapToLong(r -> r.counts().critical()).sum()).as("critical pairs").isPositive();
    }

    @Test
    void fastPathCountsEqualNaiveOnLeNet() {
        Supplier<Graph> model = CampaignFixtures.formulaModel("lenet", 28);
        Dataset data = CampaignFixtures.randomImages(30, 1, 28, 11);
        List<Fault> faults = faultsInEveryNode(model.get(), 6, 12);
        List<CampaignRow> rows = checkEquivalence(model, data, Normalization.MNIST, faults, CampaignSettings.defaults());
        assertEveryClassOccurs(rows);
    }

    @Test
    void fastPathCountsEqualNaiveForStuckAtAndMultiBitFaults() {
        Supplier<Graph> model = CampaignFixtures.formulaModel("lenet", 28);
        Dataset data = CampaignFixtures.randomImages(20, 1, 28, 13);
        List<Fault> faults = faultsInEveryNode(model.get(), 4, 14);
        CampaignSettings s = CampaignSettings.defaults();
        List<CampaignRow> stuck1 = checkEquivalence(model, data, Normalization.MNIST, faults,
                s.withFaultModel(FaultModel.STUCK_AT_1));
        List<CampaignRow> stuck0 = checkEquivalence(model, data, Normalization.MNIST, faults,
                s.withFaultModel(FaultModel.STUCK_AT_0));
        checkEquivalence(model, data, Normalization.MNIST, faults, s.withBitsPerFault(3));
        // on every image the bit is 0 or 1, so one of the two stuck-at faults leaves the value as it is
        for (int i = 0; i < faults.size(); i++) {
            assertThat(stuck0.get(i).counts().masked() + stuck1.get(i).counts().masked())
                    .as("stuck-at masked images of %s", faults.get(i)).isGreaterThanOrEqualTo(data.size());
        }
    }

    @Test
    void fastPathCountsEqualNaiveOnResNet20ExactFoldedAndFused() {
        Supplier<Graph> model = CampaignFixtures.formulaModel("resnet20", 8);
        Dataset data = CampaignFixtures.randomImages(13, 3, 8, 15);
        List<Fault> faults = faultsInEveryNode(model.get(), 2, 16);
        assertThat(faults.stream().map(Fault::layer)).contains("bn1", "layer1.0.add", "layer2.0.shortcut",
                "layer3.2.relu_1", "linear");
        checkEquivalence(model, data, Normalization.CIFAR, faults, CampaignSettings.defaults());
        checkEquivalence(model, data, Normalization.CIFAR, faults,
                CampaignSettings.defaults().withOptions(Executor.Options.fast()));
    }

    @Test
    void aFoldedPairSharesOneStoredOutput() {
        Supplier<Graph> model = CampaignFixtures.formulaModel("resnet20", 8);
        Dataset data = CampaignFixtures.randomImages(9, 3, 8, 17);
        int[] index = {5, 3, 2};
        List<Fault> faults = List.of(new Fault(0, "layer1.0.conv1", index, 27), new Fault(1, "layer1.0.bn1", index, 27),
                new Fault(2, "layer1.0.add", index, 27), new Fault(3, "layer1.0.relu_1", index, 27));
        CampaignSettings fused = CampaignSettings.defaults().withOptions(Executor.Options.fast());
        Parallel.setThreads(1);
        CampaignEngine engine = new CampaignEngine(model, data, Normalization.CIFAR, fused,
                CampaignEngine.Target.ACTIVATIONS);
        List<CampaignFault> resolved = engine.resolve(faults);
        assertThat(resolved.get(1).node()).isEqualTo(resolved.get(0).node());
        assertThat(resolved.get(3).node()).isEqualTo(resolved.get(2).node());
        List<CampaignRow> rows = engine.run(resolved);
        assertThat(rows.get(1).counts()).isEqualTo(rows.get(0).counts());
        assertThat(rows.get(3).counts()).isEqualTo(rows.get(2).counts());

        // with exact arithmetic each node has its own output: the convolution's fault passes the batch norm
        CampaignEngine exact = new CampaignEngine(model, data, Normalization.CIFAR, CampaignSettings.defaults(),
                CampaignEngine.Target.ACTIVATIONS);
        List<CampaignFault> separate = exact.resolve(faults);
        assertThat(separate.get(1).node()).isNotEqualTo(separate.get(0).node());
        assertThat(separate.get(3).node()).isNotEqualTo(separate.get(2).node());
    }

    // ------------------------------------------------------------------ a constructed model

    /**
     * input [1, 1, 4] → conv 1x1 (weight 1, bias -0.25) → relu → flatten → linear 4 → 3 with
     * logit 0 = x0, logit 1 = x1, logit 2 = 0 (columns 2 and 3 zero).
     */
    private static Graph constructed() {
        GraphBuilder b = new GraphBuilder("constructed");
        int x = b.input(1, 1, 4);
        int c = b.conv("conv", x, 1, 1, 1, 0, true);
        int r = b.relu("relu", c);
        int f = b.flatten("flatten", r);
        b.linear("fc", f, 3, false);
        Graph g = b.build();
        g.parameter("conv.weight").data()[0] = 1f;
        g.parameter("conv.bias").data()[0] = -0.25f;
        float[] w = g.parameter("fc.weight").data();
        java.util.Arrays.fill(w, 0f);
        w[0] = 1f; // (0, 0)
        w[4 + 1] = 1f; // (1, 1)
        g.markAllChanged();
        return g;
    }

    /** Pixels 255, 128, 0, 0: after the conv 0.75, 0.252, -0.25, -0.25; logits 0.75, 0.252, 0. */
    private static Dataset constructedImages(int copies) {
        byte[] pixels = new byte[4 * copies];
        for (int i = 0; i < copies; i++) {
            pixels[4 * i] = (byte) 255;
            pixels[4 * i + 1] = (byte) 128;
        }
        return new Dataset("constructed", pixels, new int[copies], 1, 1, 4, List.of());
    }

    private static OutcomeCounts constructedOutcome(Fault fault, boolean naive) {
        Parallel.setThreads(1);
        CampaignEngine e = new CampaignEngine(ActivationCampaignTest::constructed, constructedImages(3),
                Normalization.NONE, CampaignSettings.defaults().withNaive(naive), CampaignEngine.Target.ACTIVATIONS);
        return e.run(e.resolve(List.of(fault))).get(0).counts();
    }

    private static OutcomeCounts constructedOutcome(String node, int[] index, int bit) {
        Fault f = new Fault(0, node, index, bit);
        OutcomeCounts fast = constructedOutcome(f, false);
        assertThat(constructedOutcome(f, true)).as("naive path of %s", f).isEqualTo(fast);
        return fast;
    }

    @Test
    void aMantissaFlipOfANegativeValueBeforeReluIsMasked() {
        for (int bit : new int[] {0, 7, 15, 22}) {
            OutcomeCounts c = constructedOutcome("conv", new int[] {0, 0, 2}, bit);
            assertThat(c.masked()).as("bit %d of -0.25 before the ReLU", bit).isEqualTo(3);
        }
        // the same flip after the ReLU, on a value the logits use, is not masked
        assertThat(constructedOutcome("relu", new int[] {0, 0, 0}, 22).masked()).isZero();
    }

    @Test
    void aSignFlipOfTheLargestLogitLayerInputIsCritical() {
        // 0.75 → -0.75: logit 0 falls below logit 1
        assertThat(constructedOutcome("relu", new int[] {0, 0, 0}, 31).critical()).isEqualTo(3);
        // 0.252 → -0.252: logit 1 changes, the top-1 stays
        assertThat(constructedOutcome("relu", new int[] {0, 0, 1}, 31).nonCritical()).isEqualTo(3);
        // a value the logit layer multiplies by zero changes no logit
        assertThat(constructedOutcome("relu", new int[] {0, 0, 3}, 30).masked()).isEqualTo(3);
        // bit 30 of logit 2 (0.0) makes it 2.0, the new top-1
        assertThat(constructedOutcome("fc", new int[] {2}, 30).critical()).isEqualTo(3);
    }

    @Test
    void aSignFlipOfTheLargestInputOfLeNetsLogitLayerIsUsuallyCritical() {
        Supplier<Graph> model = CampaignFixtures.formulaModel("lenet", 28);
        Dataset data = CampaignFixtures.randomImages(1, 1, 28, 19);
        Graph g = model.get();
        Executor ex = new Executor(g);
        float[] input = new float[28 * 28];
        data.batch(0, 1, Normalization.MNIST, input, 0);
        var acts = ex.capture(dev.reliant.tensor.Tensor.of(input, 1, 1, 28, 28));
        float[] logits = acts.output("fc3");
        float[] in = acts.output("relu_3");
        int top = Outcome.top1(logits, 0, 10);
        float[] w = g.parameter("fc3.weight").data();
        // the input with the largest contribution to the top-1 logit, and whether losing twice it changes the top-1
        int best = 0;
        for (int j = 1; j < in.length; j++) {
            if (w[top * in.length + j] * in[j] > w[top * in.length + best] * in[best]) {
                best = j;
            }
        }
        float drop = 2 * w[top * in.length + best] * in[best];
        boolean expectCritical = false;
        for (int k = 0; k < 10; k++) {
            float other = logits[k] - 2 * w[k * in.length + best] * in[best];
            expectCritical |= k != top && other > logits[top] - drop;
        }
        Parallel.setThreads(1);
        CampaignEngine e = new CampaignEngine(model, data, Normalization.MNIST, CampaignSettings.defaults(),
                CampaignEngine.Target.ACTIVATIONS);
        OutcomeCounts c = e.run(e.resolve(List.of(new Fault(0, "relu_3", new int[] {best}, 31)))).get(0).counts();
        assertThat(in[best]).isPositive();
        assertThat(c.critical()).isEqualTo(expectCritical ? 1 : 0);
        assertThat(c.masked()).isZero();
    }

    // ------------------------------------------------------------------ resume

    @Test
    void aResumedActivationCampaignRunsOnlyTheRestAndGivesTheSameRows() {
        Supplier<Graph> model = CampaignFixtures.formulaModel("lenet", 28);
        Dataset data = CampaignFixtures.randomImages(10, 1, 28, 21);
        List<Fault> faults = faultsInEveryNode(model.get(), 3, 22);
        Parallel.setThreads(2);
        CampaignSettings s = CampaignSettings.defaults().withBlockFaults(5);
        CampaignEngine engine = new CampaignEngine(model, data, Normalization.MNIST, s,
                CampaignEngine.Target.ACTIVATIONS);
        List<CampaignRow> reference = engine.run(engine.resolve(faults));

        Path results = tmp.resolve("R.csv");
        String fingerprint = "activation test";
        try (CampaignJournal j = CampaignJournal.create(CampaignJournal.pathFor(results), fingerprint)) {
            j.append(reference.subList(0, 10));
        }
        long[] evaluated = new long[1];
        List<CampaignRow> resumed = CampaignResults.run(engine, faults, results, fingerprint, true,
                (done, total, evaluations, evaluationsTotal) -> evaluated[0] = evaluationsTotal);
        assertThat(evaluated[0]).isEqualTo((long) (faults.size() - 10) * data.size());
        for (int i = 0; i < faults.size(); i++) {
            assertThat(resumed.get(i).counts()).isEqualTo(reference.get(i).counts());
            assertThat(resumed.get(i).fault().fault()).isEqualTo(faults.get(i));
        }
        CampaignSummary summary = new CampaignSummary(resumed, data.size(), engine.golden(), ActivationTargets.BITS);
        CampaignResults.finish(results, resumed, summary, s, data.size());
        assertThat(CampaignJournal.pathFor(results)).doesNotExist();
        assertThat(summary.layers().keySet()).containsExactly("conv1", "relu", "maxpool", "conv2", "relu_1",
                "maxpool_1", "fc1", "relu_2", "fc2", "relu_3", "fc3");
        assertThat(Files.exists(CampaignResults.perLayerPath(results))).isTrue();
    }
}
