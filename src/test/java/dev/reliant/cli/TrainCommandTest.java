package dev.reliant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.io.SafeTensors;
import dev.reliant.tensor.Tensor;
import dev.reliant.train.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reliant train} on the Fashion-MNIST sample the project ships (LeNet, a few hundred
 * images): a resumed run equals an uninterrupted one bit for bit, even after a SIGKILL, and a
 * diverging run stops with a clear message and keeps its last good checkpoint.
 */
class TrainCommandTest {
    private static final Path SAMPLES = Path.of("samples/fashion-mnist");

    private final CommandRunner cli = new CommandRunner();

    @TempDir
    Path tmp;

    /** LeNet on 600 training and 200 test images of the sample, Adam with a one-cycle schedule, dropout-free. */
    private static List<String> args(Path outFile, int epochs, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--model", "lenet", "--dataset", "fashion-mnist",
                "--data", SAMPLES.toString(), "--train-split", "test", "--test-split", "test", "--limit", "600",
                "--test-limit", "200", "--epochs", Integer.toString(epochs), "--batch", "50", "--opt", "adam",
                "--lr", "0.003", "--schedule", "onecycle", "--augment", "crop:2,flip", "--seed", "7", "--out",
                outFile.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    private static Map<String, Tensor> tensors(Path file) {
        return SafeTensors.readFloats(file);
    }

    private static void assertSameTensors(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertThat(a.keySet()).containsExactlyElementsOf(b.keySet());
        for (String k : a.keySet()) {
            assertThat(Tensor.bitEquals(a.get(k).data(), 0, b.get(k).data(), 0, a.get(k).numel()))
                    .as("tensor %s", k).isTrue();
        }
    }

    @Test
    void trainsAndWritesWeightsCheckpointAndLog() throws Exception {
        Path w = tmp.resolve("lenet.safetensors");
        assertThat(cli.run(args(w, 2).toArray(String[]::new))).as(cli.err()).isZero();
        assertThat(cli.out()).contains("test ", "wrote");
        Map<String, String> meta = SafeTensors.readMetadata(w);
        assertThat(meta).containsEntry("model", "lenet").containsEntry("dataset", "fashion-mnist")
                .containsEntry("norm", "none").containsEntry("seed", "7").containsEntry("test_images", "200");
        int correct = Integer.parseInt(meta.get("test_correct"));
        assertThat(correct).as("a trained LeNet beats chance (20 of 200) clearly").isGreaterThan(60);
        List<String> log = Files.readAllLines(tmp.resolve("lenet-log.csv"));
        assertThat(log).hasSize(3);
        assertThat(log.get(0)).startsWith("epoch,lr,train_loss,train_acc,test_loss,test_acc");
        assertThat(Checkpoint.read(tmp.resolve("lenet.ckpt.safetensors")).progress().epochsCompleted()).isEqualTo(2);

        // eval reads norm, classes and input shape from the weights' metadata and gets the same count
        assertThat(cli.run("eval", "--model", "lenet", "--weights", w.toString(), "--dataset", "fashion-mnist", "--data",
                SAMPLES.toString(), "--limit", "200")).as(cli.err()).isZero();
        assertThat(cli.out()).contains("(" + correct + "/200)");
    }

    @Test
    void aQuantizedModelTrainsOnQuantizedWeightsAndEvaluatesAsItTrained() throws Exception {
        Path w = tmp.resolve("qlenet.safetensors");
        List<String> a = args(w, 4);
        a.set(a.indexOf("lenet"), "qlenet");
        assertThat(cli.run(a.toArray(String[]::new))).as(cli.err()).isZero();
        int correct = Integer.parseInt(SafeTensors.readMetadata(w).get("test_correct"));
        assertThat(correct).as("4-bit LeNet beats chance (20 of 200)").isGreaterThan(40);
        // the file keeps the float (latent) weights: more distinct values than 4-bit codes allow
        float[] conv1 = tensors(w).get("conv1.weight").data();
        assertThat(IntStream.range(0, conv1.length).mapToObj(i -> conv1[i]).distinct().count()).isGreaterThan(33);
        // eval quantizes them (q_4) as the trainer's evaluation did, and counts the same
        assertThat(cli.run("eval", "--model", "qlenet", "--weights", w.toString(), "--dataset", "fashion-mnist",
                "--data", SAMPLES.toString(), "--limit", "200")).as(cli.err()).isZero();
        assertThat(cli.out()).contains("(" + correct + "/200)");
    }

    @Test
    void sameSeedGivesTheSameWeightsAndAnotherSeedDoesNot() {
        Path a = tmp.resolve("a.safetensors");
        Path b = tmp.resolve("b.safetensors");
        Path c = tmp.resolve("c.safetensors");
        assertThat(cli.run(args(a, 1).toArray(String[]::new))).isZero();
        assertThat(cli.run(args(b, 1).toArray(String[]::new))).isZero();
        List<String> other = args(c, 1);
        other.set(other.indexOf("7"), "8");
        assertThat(cli.run(other.toArray(String[]::new))).isZero();
        assertSameTensors(tensors(a), tensors(b));
        assertThat(Tensor.bitEquals(tensors(a).get("conv1.weight").data(), 0, tensors(c).get("conv1.weight").data(), 0,
                54)).isFalse();
    }

    @Test
    void aRunKilledAfterAnEpochResumesToTheSameWeights() throws Exception {
        Path whole = tmp.resolve("whole.safetensors");
        assertThat(cli.run(args(whole, 3).toArray(String[]::new))).as(cli.err()).isZero();

        Path cut = tmp.resolve("cut.safetensors");
        Path checkpoint = tmp.resolve("cut.ckpt.safetensors");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(args(cut, 3));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve("child.txt").toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(checkpoint) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(Files.exists(checkpoint)).as(Files.readString(tmp.resolve("child.txt"), StandardCharsets.UTF_8))
                    .isTrue();
        } finally {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        int done = Checkpoint.read(checkpoint).progress().epochsCompleted();
        assertThat(done).isBetween(1, 3);
        assertThat(cli.run(args(cut, 3, "--resume").toArray(String[]::new))).as(cli.err()).isZero();
        assertThat(cli.out()).contains("resuming");
        assertSameTensors(tensors(whole), tensors(cut));
        List<String> logWhole = Files.readAllLines(tmp.resolve("whole-log.csv"));
        List<String> logCut = Files.readAllLines(tmp.resolve("cut-log.csv"));
        assertThat(logCut).hasSameSizeAs(logWhole);
        for (int i = 1; i < logWhole.size(); i++) { // the same losses and accuracies; speed and time differ
            String[] x = logWhole.get(i).split(",");
            String[] y = logCut.get(i).split(",");
            assertThat(List.of(y).subList(0, 6)).isEqualTo(List.of(x).subList(0, 6));
        }
    }

    @Test
    void resumeWithOtherOptionsIsRefused() {
        Path w = tmp.resolve("r.safetensors");
        assertThat(cli.run(args(w, 1).toArray(String[]::new))).isZero();
        List<String> changed = args(w, 1, "--resume");
        changed.set(changed.indexOf("0.003"), "0.01");
        assertThat(cli.run(changed.toArray(String[]::new))).isEqualTo(1);
        cli.assertOneLineError("other options");
    }

    @Test
    void aDivergingRunStopsNamingEpochAndStepAndKeepsTheLastGoodCheckpoint() {
        Path w = tmp.resolve("d.safetensors");
        // SGD whose rate jumps by 1e12 after the first epoch: epoch 1 trains, epoch 2 blows up
        List<String> a = new ArrayList<>(List.of("train", "--model", "lenet", "--dataset", "fashion-mnist", "--data",
                SAMPLES.toString(), "--train-split", "test", "--test-split", "test", "--limit", "200", "--test-limit",
                "100", "--epochs", "3", "--batch", "50", "--opt", "sgd", "--lr", "0.01", "--schedule",
                "multistep:1:1e12", "--out", w.toString()));
        assertThat(cli.run(a.toArray(String[]::new))).isEqualTo(1);
        assertThat(cli.err().lines().filter(l -> l.startsWith("reliant: error:")).toList()).singleElement()
                .asString().contains("diverged", "epoch 2, step");
        assertThat(Files.exists(w)).as("no weights file for a diverged run").isFalse();
        assertThat(Checkpoint.read(tmp.resolve("d.ckpt.safetensors")).progress().epochsCompleted()).isEqualTo(1);
    }

    @Test
    void badOptionsGiveOneLine() {
        assertThat(cli.run("train", "--model", "lenet", "--dataset", "fashion-mnist", "--data", SAMPLES.toString(),
                "--epochs", "0", "--out", tmp.resolve("x.safetensors").toString())).isEqualTo(2);
        assertThat(cli.run("train", "--model", "lenet", "--dataset", "fashion-mnist", "--data", SAMPLES.toString(),
                "--train-split", "test", "--epochs", "1", "--augment", "rotate", "--out",
                tmp.resolve("x.safetensors").toString())).isEqualTo(1);
        assertThat(cli.err()).contains("--augment").doesNotContain("Exception");
        assertThat(cli.run("train", "--model", "lenet", "--dataset", "fashion-mnist", "--data", SAMPLES.toString(),
                "--train-split", "test", "--epochs", "1", "--schedule", "wobble", "--out",
                tmp.resolve("x.safetensors").toString())).isNotZero();
        assertThat(cli.err()).contains("wobble").doesNotContain("\tat ");
    }
}
