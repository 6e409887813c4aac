package dev.reliant.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.graph.Graph;
import dev.reliant.graph.GraphBuilder;
import dev.reliant.graph.Node;
import dev.reliant.io.SafeTensors;
import dev.reliant.io.WeightFileException;
import dev.reliant.ops.Op;
import dev.reliant.ops.Parameter;
import dev.reliant.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    private static Graph model(long seed) {
        GraphBuilder b = new GraphBuilder("tiny");
        int x = b.input(2, 4, 4);
        x = b.relu(b.batchNorm("bn1", b.conv("conv1", x, 3, 3, 1, 1, true)));
        b.linear("fc", b.flatten(x), 5, true);
        Graph g = b.build();
        Initializer.initialize(g, Initializer.Scheme.PYTORCH, seed);
        return g;
    }

    /** The learned parameters and a gradient array for each. */
    private static List<Parameter> trainable(Graph g) {
        List<Parameter> out = new ArrayList<>();
        for (Node node : g.nodes()) {
            Op op = node.op();
            for (int j = 0; j < op.parameters().size(); j++) {
                if (op.isTrainable(j)) {
                    out.add(op.parameters().get(j));
                }
            }
        }
        return out;
    }

    private static List<float[]> grads(List<Parameter> ps) {
        return ps.stream().map(p -> new float[p.numel()]).toList();
    }

    private static void steps(Optimizer opt, List<float[]> grads, int from, int to) {
        for (int k = from; k < to; k++) {
            SplittableRandom r = new SplittableRandom(k);
            for (float[] g : grads) {
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) r.nextDouble(-1, 1);
                }
            }
            opt.step(0.01);
        }
    }

    private static Checkpoint.Progress progress() {
        return new Checkpoint.Progress(3, 3 * 391, 42, "tiny", "--epochs 20 --lr 0.01", 87.25,
                Map.of("schedule", "cosine"));
    }

    @Test
    void roundTripRestoresModelOptimizerAndProgressAndContinuesBitIdentically() {
        Graph g = model(1);
        g.parameter("bn1.running_var").data()[1] = 2.5f; // a buffer, not learned: must be saved too
        List<Parameter> ps = trainable(g);
        List<float[]> gr = grads(ps);
        Sgd sgd = new Sgd(ps, gr).momentum(0.9).weightDecay(5e-4);
        steps(sgd, gr, 0, 2);
        Path file = dir.resolve("ckpt.safetensors");
        Checkpoint.write(file, g, sgd, progress());

        Checkpoint c = Checkpoint.read(file);
        assertThat(c.progress()).isEqualTo(progress());
        assertThat(c.optimizerName()).isEqualTo("sgd");
        assertThat(c.model().keySet()).containsExactlyElementsOf(g.parameterNames());
        for (String name : g.parameterNames()) {
            UpdateKernelsTwinTest.assertBitEqual(c.model().get(name).data(), g.parameter(name).data(), name);
        }
        Map<String, Tensor> state = sgd.state();
        assertThat(c.optimizerState().keySet()).containsExactlyElementsOf(state.keySet());

        Graph g2 = model(2); // other initial values, overwritten by the restore
        List<Parameter> ps2 = trainable(g2);
        List<float[]> gr2 = grads(ps2);
        Sgd sgd2 = new Sgd(ps2, gr2).momentum(0.9).weightDecay(5e-4);
        c.restore(g2, sgd2);
        assertThat(sgd2.steps()).isEqualTo(2);

        steps(sgd, gr, 2, 5);
        steps(sgd2, gr2, 2, 5);
        for (String name : g.parameterNames()) {
            UpdateKernelsTwinTest.assertBitEqual(g2.parameter(name).data(), g.parameter(name).data(), name);
        }
    }

    @Test
    void restoreRefusesAnotherOptimizerAndReadRefusesAWeightsFile() {
        Graph g = model(1);
        List<Parameter> ps = trainable(g);
        Adam adam = new Adam(ps, grads(ps));
        Path file = dir.resolve("ckpt.safetensors");
        Checkpoint.write(file, g, adam, progress());
        Checkpoint c = Checkpoint.read(file);
        assertThatThrownBy(() -> c.restore(g, new Sgd(ps, grads(ps))))
                .hasMessageContaining("written with optimizer adam, this run uses sgd");

        Path weights = dir.resolve("w.safetensors");
        Checkpoint.writeWeights(weights, g, new Checkpoint.ModelCard("tiny", "cifar10", 91.5, 7, "0.1.0", 20));
        assertThatThrownBy(() -> Checkpoint.read(weights)).isInstanceOf(WeightFileException.class)
                .hasMessageContaining("not a reliant training checkpoint");
    }

    @Test
    void finalWeightsHoldOnlyTheModelAndTheModelCard() {
        Graph g = model(3);
        Path weights = dir.resolve("w.safetensors");
        Checkpoint.writeWeights(weights, g, new Checkpoint.ModelCard("tiny", "cifar10", 91.5, 7, "0.1.0", 20));
        SafeTensors.Contents contents = SafeTensors.read(weights);
        assertThat(contents.tensors().keySet()).containsExactlyElementsOf(g.parameterNames());
        assertThat(contents.metadata()).containsEntry("format", "pt").containsEntry("model", "tiny")
                .containsEntry("dataset", "cifar10").containsEntry("accuracy", "91.5").containsEntry("seed", "7")
                .containsEntry("reliant_version", "0.1.0").containsEntry("epochs", "20");
        for (Map.Entry<String, Tensor> e : contents.floats().entrySet()) {
            UpdateKernelsTwinTest.assertBitEqual(e.getValue().data(), g.parameter(e.getKey()).data(), e.getKey());
        }
        assertThat(dir.toFile().list()).containsExactly("w.safetensors"); // no temporary file left
    }

    @Test
    void malformedMetadataAndReservedKeysAreRejected() {
        assertThatThrownBy(() -> new Checkpoint.Progress(1, 1, 1, "m", "", 0, Map.of("seed", "3")))
                .hasMessageContaining("'seed' is reserved");
        Graph g = model(1);
        Path file = dir.resolve("bad.safetensors");
        SafeTensors.writeFloats(file, g.parameters(), Map.of(Checkpoint.MARKER, "1", "epochs_completed", "three"));
        assertThatThrownBy(() -> Checkpoint.read(file)).isInstanceOf(WeightFileException.class)
                .hasMessageContaining("'epochs_completed' = 'three' is not a whole number");
        assertThat(Files.exists(file)).isTrue();
    }
}
