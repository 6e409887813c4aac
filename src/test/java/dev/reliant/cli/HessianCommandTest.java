package dev.reliant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.graph.Graph;
import dev.reliant.io.SafeTensors;
import dev.reliant.models.ModelZoo;
import dev.reliant.tensor.Tensor;
import dev.reliant.train.Initializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reliant hessian} in-process on the Fashion-MNIST sample the project ships, with a
 * seeded random LeNet saved as safetensors (its metadata gives the normalisation): output names,
 * shapes and metadata, the wiring of --normalized, --biases and --mc-samples, and one-line
 * errors for bad options.
 */
class HessianCommandTest {
    private static final Path SAMPLES = Path.of("samples/fashion-mnist");
    private static final List<String> WEIGHTS = List.of("conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight",
            "fc3.weight");

    private final CommandRunner cli = new CommandRunner();

    @TempDir
    Path tmp;

    private Path weights;
    private Graph lenet;

    @BeforeEach
    void saveWeights() {
        lenet = ModelZoo.build("lenet");
        Initializer.initialize(lenet, Initializer.Scheme.PYTORCH, 3);
        weights = tmp.resolve("lenet.safetensors");
        SafeTensors.writeFloats(weights, lenet.parameters(), Map.of("norm", "none", "classes", "10"));
    }

    private List<String> args(Path result, String... extra) {
        List<String> a = new ArrayList<>(List.of("hessian", "--model", "lenet", "--weights", weights.toString(),
                "--dataset", "fashion-mnist", "--data", SAMPLES.toString(), "--split", "test", "--limit", "20",
                "--batch", "8", "--out", result.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void obdWritesHAndGPerWeightWithMetadataAndASummary() {
        Path result = tmp.resolve("obd.safetensors");
        assertThat(cli.run(args(result, "--method", "obd"))).as(cli.err()).isZero();
        Map<String, Tensor> t = SafeTensors.readFloats(result);
        List<String> expected = new ArrayList<>(WEIGHTS);
        WEIGHTS.forEach(w -> expected.add(w + ".grad"));
        assertThat(t.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        for (String w : WEIGHTS) {
            assertThat(t.get(w).shape()).isEqualTo(lenet.parameter(w).shape());
            assertThat(t.get(w + ".grad").shape()).isEqualTo(lenet.parameter(w).shape());
            assertThat(t.get(w).maxAbs()).as("%s has a non-zero H", w).isGreaterThan(0f);
        }
        Map<String, String> meta = SafeTensors.readMetadata(result);
        assertThat(meta).containsEntry("method", "obd").containsEntry("convention", "correct")
                .containsEntry("images", "20").containsEntry("seed", "1").containsEntry("model", "lenet")
                .containsEntry("normalized", "false");
        for (String w : WEIGHTS) {
            assertThat(cli.out()).contains(w);
        }
        assertThat(cli.out()).contains("mean |G|", "wrote");

        // --normalized: H·s² and G·s with s = max|W| of each layer.
        Path norm = tmp.resolve("obd-norm.safetensors");
        assertThat(cli.run(args(norm, "--method", "obd", "--normalized"))).as(cli.err()).isZero();
        Map<String, Tensor> n = SafeTensors.readFloats(norm);
        assertThat(SafeTensors.readMetadata(norm).get("layer_scales")).contains("fc3.weight=");
        for (String w : WEIGHTS) {
            double s = lenet.parameter(w).maxAbs();
            float[] plain = t.get(w).data();
            float[] scaled = n.get(w).data();
            float[] g = t.get(w + ".grad").data();
            float[] gs = n.get(w + ".grad").data();
            for (int i = 0; i < plain.length; i++) {
                assertThat((double) scaled[i]).isCloseTo(plain[i] * s * s, org.assertj.core.data.Offset.offset(
                        1e-6 * Math.abs(plain[i] * s * s) + 1e-30));
                assertThat((double) gs[i]).isCloseTo(g[i] * s, org.assertj.core.data.Offset.offset(
                        1e-6 * Math.abs(g[i] * s) + 1e-30));
            }
        }
    }

    @Test
    void fisherAndGgnMcWriteOneTensorPerParameter() {
        Path fisher = tmp.resolve("fisher.safetensors");
        assertThat(cli.run(args(fisher, "--method", "fisher", "--biases"))).as(cli.err()).isZero();
        List<String> expected = new ArrayList<>();
        for (String w : WEIGHTS) {
            expected.add(w);
            expected.add(w.replace(".weight", ".bias"));
        }
        assertThat(SafeTensors.readFloats(fisher).keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(cli.out()).doesNotContain("mean |G|");

        Path ggn = tmp.resolve("ggn.safetensors");
        assertThat(cli.run(args(ggn, "--method", "ggn-mc", "--mc-samples", "2", "--seed", "5", "--augment", "crop:2,flip")))
                .as(cli.err()).isZero();
        assertThat(SafeTensors.readFloats(ggn).keySet()).containsExactlyInAnyOrderElementsOf(WEIGHTS);
        assertThat(SafeTensors.readMetadata(ggn)).containsEntry("method", "ggn-mc").containsEntry("mc_samples", "2")
                .containsEntry("seed", "5").containsEntry("augment", "crop:2,flip");
    }

    @Test
    void badOptionsGiveOneLineAndNoFile() {
        Path result = tmp.resolve("bad.safetensors");
        Object[][] cases = {
            {args(result, "--method", "newton"), 2, "--method"},
            {args(result, "--method", "obd", "--convention", "pytorch"), 2, "--convention"},
            {args(result, "--method", "obd", "--mc-samples", "3"), 2, "ggn-mc only"},
            {args(result, "--method", "ggn-mc", "--mc-samples", "0"), 2, "--mc-samples"},
            {args(result, "--method", "obd", "--batch", "0"), 2, "--batch"},
            {args(result, "--method", "obd", "--augment", "rotate"), 1, "--augment"},
            {args(result, "--method", "obd", "--classes", "5"), 1, "weights"},
            {args(tmp.resolve("no/such/dir/x.safetensors"), "--method", "obd"), 1, "directory not found"},
        };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            List<String> a = (List<String>) c[0];
            assertThat(cli.run(a)).as("%s: %s", a, cli.err()).isEqualTo(c[1]);
            cli.assertOneLineError((String) c[2]);
            assertThat(Files.exists(result)).isFalse();
        }
    }
}
