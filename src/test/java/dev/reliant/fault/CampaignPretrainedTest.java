package dev.reliant.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.data.Dataset;
import dev.reliant.data.Datasets;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.io.SafeTensors;
import dev.reliant.models.ModelZoo;
import dev.reliant.simd.Parallel;
import dev.reliant.tensor.Tensor;
import dev.reliant.testing.SharedData;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The acceptance test of the fast path: pretrained ResNet20 (akamaster) on the first CIFAR-10
 * test images, a list with faults in every layer (conv1, every stage, linear) and on exponent,
 * sign and mantissa bits; fast and naive paths must give the same counts for every fault, with
 * exact and with folded arithmetic, on 1 and on 2 threads. Skipped without ../shared.
 */
class CampaignPretrainedTest {
    private static final int IMAGES = 150;
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    private static Supplier<Graph> resnet20() {
        Map<String, Tensor> sd = SafeTensors.readFloats(
                SharedData.require("weights/akamaster-resnet-cifar10/resnet20.safetensors"));
        return () -> {
            Graph g = ModelZoo.build("resnet20");
            g.loadStateDict(sd, "resnet20.safetensors");
            return g;
        };
    }

    private static Dataset images() {
        return Datasets.open("cifar10", SharedData.require("datasets/cifar10"), "test").subset(IMAGES);
    }

    private static List<CampaignRow> run(Supplier<Graph> model, Dataset data, List<Fault> faults, CampaignSettings s,
                                         int threads) {
        Parallel.setThreads(threads);
        CampaignEngine e = new CampaignEngine(model, data, Normalization.CIFAR, s);
        return e.run(e.resolve(faults));
    }

    private void check(Executor.Options options) {
        Supplier<Graph> model = resnet20();
        Dataset data = images();
        List<Fault> faults = CampaignFixtures.faultsInEveryLayer(model.get(), 12, 20);
        CampaignSettings s = CampaignSettings.defaults().withOptions(options).withChunkImages(64);
        List<CampaignRow> naive = run(model, data, faults, s.withNaive(true), 2);
        List<CampaignRow> fast1 = run(model, data, faults, s, 1);
        List<CampaignRow> fast2 = run(model, data, faults, s.withChunkImages(0), 2);
        for (int i = 0; i < faults.size(); i++) {
            assertThat(fast1.get(i).counts()).as("1 thread, fault %s", faults.get(i)).isEqualTo(naive.get(i).counts());
            assertThat(fast2.get(i).counts()).as("2 threads, fault %s", faults.get(i)).isEqualTo(naive.get(i).counts());
        }
        long critical = naive.stream().filter(r -> r.counts().critical() > 0).count();
        long allMasked = naive.stream().filter(r -> r.counts().masked() == IMAGES).count();
        long nonCritical = naive.stream().filter(r -> r.counts().nonCritical() > 0).count();
        assertThat(critical).isPositive();
        assertThat(allMasked).isPositive();
        assertThat(nonCritical).isPositive();
    }

    @Test
    void fastEqualsNaiveForEveryFaultExact() {
        check(Executor.Options.exact());
    }

    @Test
    void fastEqualsNaiveForEveryFaultFolded() {
        check(Executor.Options.fast());
    }

    @Test
    void goldenAccuracyIsThePretrainedModels() {
        Parallel.setThreads(2);
        CampaignEngine e = new CampaignEngine(resnet20(), images(), Normalization.CIFAR, CampaignSettings.defaults());
        assertThat(e.golden().accuracy()).isGreaterThan(0.85); // about 91.7 % on the full test set
    }
}
