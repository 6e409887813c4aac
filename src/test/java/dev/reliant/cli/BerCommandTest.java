package dev.reliant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.data.Dataset;
import dev.reliant.data.IdxWriter;
import dev.reliant.graph.Graph;
import dev.reliant.io.SafeTensors;
import dev.reliant.models.FormulaWeights;
import dev.reliant.models.ModelZoo;
import dev.reliant.simd.Parallel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reliant ber} in-process on LeNet with formula weights and random MNIST-format images. */
class BerCommandTest {
    private final int threadsBefore = Parallel.threads();
    private final CommandRunner cli = new CommandRunner();

    @TempDir
    Path tmp;
    Path weights;
    Path data;

    @BeforeEach
    void writeInputs() throws Exception {
        Graph g = ModelZoo.build("lenet");
        FormulaWeights.fill(g);
        weights = tmp.resolve("lenet.safetensors");
        SafeTensors.writeFloats(weights, g.parameters(), Map.of());
        data = Files.createDirectory(tmp.resolve("mnist"));
        Random rnd = new Random(8);
        byte[] pixels = new byte[30 * 28 * 28];
        rnd.nextBytes(pixels);
        int[] labels = new int[30];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rnd.nextInt(10);
        }
        Dataset ds = new Dataset("random", pixels, labels, 1, 28, 28, List.of());
        IdxWriter.writeImages(data.resolve("t10k-images-idx3-ubyte"), ds, false);
        IdxWriter.writeLabels(data.resolve("t10k-labels-idx1-ubyte"), ds, false);
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    private List<String> args(Path csv, String threads, String chunk) {
        return new ArrayList<>(List.of("ber", "-m", "lenet", "-w", weights.toString(), "--dataset", "mnist", "--data",
                data.toString(), "--norm", "mnist", "--ber", "1e-4", "--repeat", "6", "--seed", "5", "--out",
                csv.toString(), "--threads", threads, "--chunk", chunk));
    }

    @Test
    void writesOneRowPerRepeatReproducibly() throws Exception {
        Path a = tmp.resolve("a.csv");
        Path b = tmp.resolve("b.csv");
        assertThat(cli.run(args(a, "1", "7"))).as(cli.err()).isZero();
        assertThat(cli.out()).contains("golden", "faulty", "mean +- std over 6 repeats", "SDC rate", "DUE",
                "flips per repeat");
        List<String> rows = Files.readAllLines(a);
        assertThat(rows).hasSize(7);
        assertThat(rows.get(0)).startsWith("repeat,faults,images,top1_correct,accuracy,critical");
        // floor(1e-4 x 32 x numel) per faultable layer
        int expected = 0;
        for (var layer : dev.reliant.fault.FaultTargets.weights(ModelZoo.build("lenet")).layers()) {
            expected += (int) Math.floor(1e-4 * layer.numel() * 32);
        }
        assertThat(rows.get(1).split(",")[1]).isEqualTo(Integer.toString(expected));
        assertThat(cli.run(args(b, "2", "30"))).as(cli.err()).isZero();
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    }

    @Test
    void resumeRunsOnlyTheMissingRepeatsAndGivesTheUninterruptedFile() throws Exception {
        Path whole = tmp.resolve("whole.csv");
        assertThat(cli.run(args(whole, "1", "30"))).as(cli.err()).isZero();
        List<String> rows = Files.readAllLines(whole);
        assertThat(rows.get(0)).endsWith(",ber,seed,setup");
        // A run killed after three repeats, the fourth row half written.
        Path cut = tmp.resolve("cut.csv");
        Files.writeString(cut, String.join("\n", rows.subList(0, 4)) + "\n" + rows.get(4).substring(0, 9));
        List<String> resumed = args(cut, "2", "7");
        resumed.addAll(List.of("--resume", "--block", "2"));
        assertThat(cli.run(resumed)).as(cli.err()).isZero();
        assertThat(cli.out()).contains("resume    3 of 6 repeats done", "mean +- std over 6 repeats");
        assertThat(Files.readAllBytes(cut)).isEqualTo(Files.readAllBytes(whole));
    }

    @Test
    void resumeRefusesAFileOfOtherSettings() throws Exception {
        Path csv = tmp.resolve("r.csv");
        assertThat(cli.run(args(csv, "1", "30"))).as(cli.err()).isZero();
        byte[] before = Files.readAllBytes(csv);
        List<String> other = args(csv, "1", "30");
        other.set(other.indexOf("5"), "6");
        other.add("--resume");
        assertThat(cli.run(other)).isEqualTo(1);
        assertThat(cli.err()).contains("--resume: " + csv + " row 2 field seed is '5', this run has '6'");
        assertThat(Files.readAllBytes(csv)).isEqualTo(before);
    }

    @Test
    void badRateIsAUsageError() {
        List<String> a = args(tmp.resolve("x.csv"), "1", "4");
        a.set(a.indexOf("1e-4"), "2");
        assertThat(cli.run(a)).isEqualTo(2);
        assertThat(cli.err()).contains("--ber must be in [0, 1]");
        assertThat(cli.run(List.of("ber", "--help"))).isZero();
        assertThat(cli.out()).contains("--ber", "--repeat", "--seed", "--format");
    }
}
