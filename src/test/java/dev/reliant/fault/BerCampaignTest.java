package dev.reliant.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.data.Dataset;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.simd.Parallel;
import java.util.BitSet;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** BER mode (specs/fault-injection.md §10) on small models with formula weights. */
class BerCampaignTest {
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    private static BerCampaign campaign(Graph g, Dataset data, double ber, int chunk) {
        return new BerCampaign(g, data, Normalization.CIFAR, ber, CampaignFormat.fp32(), Executor.Options.exact(), chunk);
    }

    @Test
    void faultsPerLayerAreFlooredPerLayer() {
        Graph g = CampaignFixtures.formulaModel("resnet20", 8).get();
        BerCampaign c = campaign(g, CampaignFixtures.randomImages(2, 3, 8, 1), 5e-6, 4);
        List<FaultTargets.Layer> layers = FaultTargets.weights(g).layers();
        int[] k = c.faultsPerLayer();
        assertThat(k).hasSize(20);
        assertThat(k[0]).isZero(); // conv1: 432 weights x 32 x 5e-6 = 0.07
        assertThat(k[layers.size() - 1]).isZero(); // linear: 640 weights
        assertThat(k[layers.size() - 2]).isEqualTo((int) Math.floor(36864 * 32 * 5e-6)); // 5.9 -> 5
        assertThat(c.faultsPerRepeat()).isEqualTo(java.util.Arrays.stream(k).sum()).isBetween(30, 43);
    }

    /** Every repeat equals a whole-network run with its fault map applied to clean weights. */
    @Test
    void repeatsEqualWholeNetworkRunsAndLeaveTheWeightsClean() {
        Supplier<Graph> model = CampaignFixtures.formulaModel("resnet18", 8);
        Dataset data = CampaignFixtures.randomImages(10, 3, 8, 2);
        Graph g = model.get();
        BerCampaign c = campaign(g, data, 2e-6, 3);
        List<BerRepeat> repeats = c.run(4, 99, done -> { });
        Graph clean = model.get();
        for (String name : g.parameterNames()) {
            assertThat(g.parameter(name).data()).as(name).isEqualTo(clean.parameter(name).data());
        }
        List<FaultTargets.Layer> layers = FaultTargets.weights(clean).layers();
        Executor ex = new Executor(clean);
        GoldenRun golden = GoldenRun.compute(ex, data, Normalization.CIFAR, 4);
        float[] input = new float[data.size() * data.imageSize()];
        data.batch(0, data.size(), Normalization.CIFAR, input, 0);
        float[] logits = new float[data.size() * 10];
        for (BerRepeat r : repeats) {
            List<BerCampaign.BitFault> map = c.faultMap(99, r.repeat());
            assertThat(r.faults()).isEqualTo(map.size()).isPositive();
            Graph faulty = model.get();
            for (BerCampaign.BitFault f : map) {
                FaultTargets.Layer l = layers.get(f.layer());
                float[] w = faulty.parameter(l.parameterName()).data();
                w[f.flat()] = Float.intBitsToFloat(Float.floatToRawIntBits(w[f.flat()]) ^ (1 << f.bit()));
            }
            faulty.markAllChanged();
            new Executor(faulty).run(input, 0, data.size(), logits, 0);
            OutcomeCounts expected = new OutcomeCounts();
            for (int b = 0; b < data.size(); b++) {
                golden.countFaulty(b, logits, b * 10, expected);
            }
            assertThat(r.counts()).as("repeat %d", r.repeat()).isEqualTo(expected);
        }
    }

    @Test
    void sameSeedSameRepeatsWhateverChunksAndThreads() {
        Supplier<Graph> model = CampaignFixtures.formulaModel("resnet20", 8);
        Dataset data = CampaignFixtures.randomImages(11, 3, 8, 3);
        Parallel.setThreads(1);
        List<BerRepeat> a = campaign(model.get(), data, 2e-5, 4).run(5, 7, d -> { });
        Parallel.setThreads(2);
        List<BerRepeat> b = campaign(model.get(), data, 2e-5, 11).run(5, 7, d -> { });
        List<BerRepeat> other = campaign(model.get(), data, 2e-5, 11).run(5, 8, d -> { });
        assertThat(b).isEqualTo(a);
        assertThat(other).isNotEqualTo(a);
        assertThat(a.stream().mapToInt(BerRepeat::faults).distinct().count()).isEqualTo(1);
    }

    @Test
    void zeroRateChangesNothing() {
        Dataset data = CampaignFixtures.randomImages(6, 3, 8, 4);
        BerCampaign c = campaign(CampaignFixtures.formulaModel("resnet20", 8).get(), data, 0, 4);
        for (BerRepeat r : c.run(2, 1, d -> { })) {
            assertThat(r.faults()).isZero();
            assertThat(r.counts().masked()).isEqualTo(6);
            assertThat(r.accuracy()).isEqualTo(c.golden().accuracy());
        }
    }

    @Test
    void restartCoversFaultsOnParallelBranches() {
        Graph g = CampaignFixtures.formulaModel("resnet18", 8).get();
        BerCampaign c = campaign(g, CampaignFixtures.randomImages(1, 3, 8, 5), 0, 1);
        int main = g.parameterOwner("layer2.0.conv1.weight");
        int shortcut = g.parameterOwner("layer2.0.downsample.0.weight");
        BitSet faulty = new BitSet();
        faulty.set(main);
        faulty.set(shortcut);
        int d = c.restartNode(faulty);
        assertThat(d).isLessThan(Math.min(main, shortcut));
        for (int f : new int[] {main, shortcut}) {
            assertThat(g.downstream(d)).contains(f);
        }
        BitSet one = new BitSet();
        one.set(main);
        assertThat(c.restartNode(one)).isEqualTo(main);
    }
}
