package dev.reliant.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.data.Dataset;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.simd.Parallel;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fast path against the naive path on small models with formula weights (runs everywhere):
 * the same counts for every fault, with exact and folded arithmetic, on 1 and 2 threads, with
 * chunk and block sizes that leave tails.
 */
class CampaignEngineTest {
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    private static List<CampaignRow> run(Supplier<Graph> model, Dataset data, List<Fault> faults,
                                         CampaignSettings settings, int threads) {
        Parallel.setThreads(threads);
        CampaignEngine engine = new CampaignEngine(model, data, Normalization.CIFAR.channels() == data.channels()
                ? Normalization.CIFAR : Normalization.MNIST, settings);
        return engine.run(engine.resolve(faults));
    }

    private static void assertSameCounts(List<CampaignRow> expected, List<CampaignRow> actual) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).counts()).as("fault %s", expected.get(i).fault().fault())
                    .isEqualTo(expected.get(i).counts());
        }
    }

    private static void checkEquivalence(Supplier<Graph> model, Dataset data, List<Fault> faults, Executor.Options o) {
        CampaignSettings s = CampaignSettings.defaults().withOptions(o).withChunkImages(4).withBlockFaults(11);
        List<CampaignRow> naive = run(model, data, faults, s.withNaive(true), 2);
        List<CampaignRow> fast1 = run(model, data, faults, s, 1);
        List<CampaignRow> fast2 = run(model, data, faults, s.withChunkImages(0).withBlockFaults(0), 2);
        assertSameCounts(naive, fast1);
        assertSameCounts(naive, fast2);
        long masked = naive.stream().mapToLong(r -> r.counts().masked()).sum();
        long critical = naive.stream().mapToLong(r -> r.counts().critical()).sum();
        long nonCritical = naive.stream().mapToLong(r -> r.counts().nonCritical()).sum();
        assertThat(masked).as("masked (fault, image) pairs").isPositive();
        assertThat(critical).as("critical pairs").isPositive();
        assertThat(nonCritical).as("non-critical pairs").isPositive();
        for (CampaignRow r : naive) {
            assertThat(r.counts().images()).isEqualTo(data.size());
        }
    }

    @Test
    void fastPathCountsEqualNaiveOnResNet20Exact() {
        Supplier<Graph> model = CampaignFixtures.formulaModel("resnet20", 8);
        Dataset data = CampaignFixtures.randomImages(13, 3, 8, 1);
        checkEquivalence(model, data, CampaignFixtures.faultsInEveryLayer(model.get(), 3, 2), Executor.Options.exact());
    }

    @Test
    void fastPathCountsEqualNaiveOnResNet20Folded() {
        Supplier<Graph> model = CampaignFixtures.formulaModel("resnet20", 8);
        Dataset data = CampaignFixtures.randomImages(13, 3, 8, 3);
        checkEquivalence(model, data, CampaignFixtures.faultsInEveryLayer(model.get(), 3, 4), Executor.Options.fast());
    }

    @Test
    void fastPathCountsEqualNaiveOnLeNet() {
        Supplier<Graph> model = CampaignFixtures.formulaModel("lenet", 28);
        Dataset data = CampaignFixtures.randomImages(11, 1, 28, 5);
        checkEquivalence(model, data, CampaignFixtures.faultsInEveryLayer(model.get(), 8, 6), Executor.Options.exact());
    }

    @Test
    void refusesAModelWhoseOutputsDependOnTheBatch() {
        Dataset data = CampaignFixtures.randomImages(4, 1, 28, 3);
        Supplier<Graph> qlenet = () -> dev.reliant.models.ModelZoo.build("qlenet");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CampaignEngine(qlenet, data, Normalization.MNIST,
                        CampaignSettings.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node conv1.quant (Quantize) makes an image's output depend on its batch");
    }
}
