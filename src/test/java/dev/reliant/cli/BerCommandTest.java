package dev.reliant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.data.Dataset;
import dev.reliant.data.IdxWriter;
import dev.reliant.graph.Graph;
import dev.reliant.io.SafeTensors;
import dev.reliant.models.FormulaWeights;
import dev.reliant.models.ModelZoo;
import dev.reliant.simd.Parallel;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/** {@code reliant ber} in-process on LeNet with formula weights and random MNIST-format images. */
class BerCommandTest {
    private final int threadsBefore = Parallel.threads();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

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

    private int run(List<String> args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cmd = Main.newCommandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setColorScheme(CommandLine.Help.defaultColorScheme(Ansi.OFF));
        return Main.run(cmd, args.toArray(String[]::new));
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
        assertThat(run(args(a, "1", "7"))).as(err.toString()).isZero();
        assertThat(out.toString()).contains("golden", "faulty", "mean +- std over 6 repeats", "SDC rate", "DUE",
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
        assertThat(run(args(b, "2", "30"))).as(err.toString()).isZero();
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    }

    @Test
    void badRateIsAUsageError() {
        List<String> a = args(tmp.resolve("x.csv"), "1", "4");
        a.set(a.indexOf("1e-4"), "2");
        assertThat(run(a)).isEqualTo(2);
        assertThat(err.toString()).contains("--ber must be in [0, 1]");
        assertThat(run(List.of("ber", "--help"))).isZero();
        assertThat(out.toString()).contains("--ber", "--repeat", "--seed", "--format");
    }
}
