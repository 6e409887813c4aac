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
 * The acceptance test of activation faults on the fast path: pretrained ResNet20 (akamaster) on
 * the first 100 CIFAR-10 test images, two faults in every faultable node output (convolutions,
 * batch norms, ReLUs, adds, shortcuts, pooling, linear) on exponent, sign and mantissa bits; the
 * fast and the naive path must give the same counts for every fault, with exact and with folded
 * arithmetic. Skipped without ../shared.
 */
class ActivationPretrainedTest {
    private static final int IMAGES = 100;
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

    private static List<CampaignRow> run(Supplier<Graph> model, Dataset data, List<Fault> faults, CampaignSettings s) {
        CampaignEngine e = new CampaignEngine(model, data, Normalization.CIFAR, s, CampaignEngine.Target.ACTIVATIONS);
        return e.run(e.resolve(faults));
    }

    private void check(Executor.Options options) {
        Supplier<Graph> model = resnet20();
        Dataset data = Datasets.open("cifar10", SharedData.require("datasets/cifar10"), "test").subset(IMAGES);
        List<Fault> faults = ActivationCampaignTest.faultsInEveryNode(model.get(), 2, 30);
        Parallel.setThreads(2);
        CampaignSettings s = CampaignSettings.defaults().withOptions(options);
        List<CampaignRow> naive = run(model, data, faults, s.withNaive(true).withChunkImages(50));
        List<CampaignRow> fast = run(model, data, faults, s);
        for (int i = 0; i < faults.size(); i++) {
            assertThat(fast.get(i).counts()).as("fault %s", faults.get(i)).isEqualTo(naive.get(i).counts());
        }
        assertThat(naive.stream().filter(r -> r.counts().critical() > 0).count()).isPositive();
        assertThat(naive.stream().filter(r -> r.counts().masked() == IMAGES).count()).isPositive();
        assertThat(naive.stream().filter(r -> r.counts().nonCritical() > 0).count()).isPositive();
    }

    @Test
    void fastEqualsNaiveForEveryActivationFaultExact() {
        check(Executor.Options.exact());
    }

    @Test
    void fastEqualsNaiveForEveryActivationFaultFolded() {
        check(Executor.Options.exact().foldBatchNorm(true));
    }
}
