package dev.reliant.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reliant.data.Dataset;
import dev.reliant.data.Datasets;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.testing.SharedData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every weight file the project ships in {@code weights/} reproduces, on its test set, the exact
 * number of correct images its metadata and its model card in {@code weights/README.md} state.
 */
class ShippedWeightsTest {
    private static final Path WEIGHTS = Path.of("weights");

    static Stream<Path> shipped() throws IOException {
        try (Stream<Path> s = Files.list(WEIGHTS)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".safetensors") && !p.toString().endsWith(".ckpt.safetensors"))
                    .sorted().toList(); // checkpoints of runs in progress are not shipped
            assertThat(files).as("weight files in " + WEIGHTS.toAbsolutePath()).isNotEmpty();
            return files.stream();
        }
    }

    /** Where the test split of a data set is: ../shared for MNIST and CIFAR-10, Debian's package for Fashion-MNIST. */
    static Path dataDir(String dataset) {
        return switch (dataset) {
            case "mnist" -> SharedData.require("datasets/mnist");
            case "cifar10" -> SharedData.require("datasets/cifar10");
            case "fashion-mnist" -> {
                Path p = Path.of("/usr/share/datasets/fashion-mnist");
                assumeTrue(Files.isDirectory(p), "full Fashion-MNIST not found at " + p
                        + " (apt-get install dataset-fashion-mnist)");
                yield p;
            }
            default -> throw new AssertionError("no test data known for data set " + dataset);
        };
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void reproducesTheAccuracyOfItsModelCard(Path file) throws IOException {
        Map<String, String> meta = ModelLoader.metadata(file);
        String model = meta.get("model");
        String dataset = meta.get("dataset");
        int stated = Integer.parseInt(meta.get("test_correct"));
        int images = Integer.parseInt(meta.get("test_images"));
        String card = Files.readString(WEIGHTS.resolve("README.md"));
        assertThat(card).as("model card of " + file.getFileName())
                .contains(file.getFileName().toString(), stated + "/" + images);

        Graph graph = ModelLoader.load(model, ModelLoader.options(meta, null, null, file), file);
        Dataset test = Datasets.open(dataset, dataDir(dataset), "test");
        assertThat(test.size()).isEqualTo(images);
        EvalCommand.Result r = EvalCommand.evaluate(graph, Executor.Options.exact(), test,
                Normalization.parse(meta.get("norm")), 256, new PrintWriter(new StringWriter()));
        assertThat(r.top1()).as(file + " correct on the " + dataset + " test set").isEqualTo(stated);
    }
}
