package dev.reliant.models;

import dev.reliant.testing.SharedData;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.io.SafeTensors;
import dev.reliant.simd.Ranking;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The central acceptance test: akamaster's pretrained CIFAR-10 ResNets, loaded from safetensors
 * into the zoo's graphs, classify the 10,000 test images of ../shared exactly as PyTorch does —
 * to the image (shared/README.md: 9173 / 9148 correct for resnet20 with the "imagenet" /
 * "cifar" normalisation).
 *
 * <p>These are the acceptance figures, so they all run whenever ../shared is present
 * (about 25 CPU-seconds per pass of 10,000 images through resnet20, ~2 minutes in all).
 */
class PretrainedAccuracyTest {
    private static final int BATCH = 500;
    private static Cifar10TestSet testSet;

    @BeforeAll
    static void readTestSet() {
        testSet = Cifar10TestSet.read(SharedData.require("datasets/cifar10/test_batch.bin"));
    }

    static Graph pretrained(String model) {
        Path file = SharedData.require("weights/akamaster-resnet-cifar10/" + model + ".safetensors");
        Graph graph = ModelZoo.build(model);
        graph.loadStateDict(SafeTensors.readFloats(file), file.getFileName().toString());
        return graph;
    }

    static int correct(Executor executor, float[] mean, float[] std) {
        int classes = executor.graph().outputShape()[0];
        float[] input = new float[BATCH * 3 * 32 * 32];
        float[] logits = new float[BATCH * classes];
        int correct = 0;
        for (int from = 0; from < testSet.size; from += BATCH) {
            int count = Math.min(BATCH, testSet.size - from);
            testSet.normalise(from, count, mean, std, input);
            executor.run(input, 0, count, logits, 0);
            for (int b = 0; b < count; b++) {
                if (Ranking.argmax(logits, b * classes, classes) == testSet.label(from + b)) {
                    correct++;
                }
            }
        }
        return correct;
    }

    @Test
    void resnet20MatchesPyTorchToTheImageWithBothNormalisations() {
        assertThat(testSet.size).isEqualTo(10_000);
        Executor executor = new Executor(pretrained("resnet20"));
        assertThat(correct(executor, Cifar10TestSet.CIFAR_MEAN, Cifar10TestSet.CIFAR_STD)).isEqualTo(9148);
        assertThat(correct(executor, Cifar10TestSet.IMAGENET_MEAN, Cifar10TestSet.IMAGENET_STD)).isEqualTo(9173);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"resnet32, 9263", "resnet44, 9310", "resnet56, 9339"})
    void deeperResNetsMatchPyTorchToTheImage(String model, int expected) {
        Executor executor = new Executor(pretrained(model));
        assertThat(correct(executor, Cifar10TestSet.IMAGENET_MEAN, Cifar10TestSet.IMAGENET_STD)).isEqualTo(expected);
    }

    @Test
    void foldedBatchNormsGiveTheSameCounts() {
        Executor executor = new Executor(pretrained("resnet20"), Executor.Options.fast());
        assertThat(correct(executor, Cifar10TestSet.CIFAR_MEAN, Cifar10TestSet.CIFAR_STD)).isEqualTo(9148);
        assertThat(correct(executor, Cifar10TestSet.IMAGENET_MEAN, Cifar10TestSet.IMAGENET_STD)).isEqualTo(9173);
    }
}
