package dev.reliant.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.reliant.cim.LevelQuantizer;
import dev.reliant.cim.MonteCarloEvaluator;
import dev.reliant.data.Dataset;
import dev.reliant.data.Datasets;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.io.SafeTensors;
import dev.reliant.models.ModelZoo;
import dev.reliant.tensor.Tensor;
import dev.reliant.train.Initializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reliant variation} in-process on the Fashion-MNIST sample (100 images) with a seeded
 * random LeNet: the CSV rows, zero variation, conv-only targets, determinism, SRAM checkpoints
 * and one-line errors.
 */
class VariationCommandTest {
    private static final Path SAMPLES = Path.of("samples/fashion-mnist");

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

    private List<String> args(Path w, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("variation", "--model", "lenet", "--weights", w.toString(),
                "--dataset", "fashion-mnist", "--data", SAMPLES.toString(), "--limit", "100", "--batch", "32",
                "--draws", "4", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    /** The data rows of a CSV as column → value (values hold no commas except a quoted noise). */
    private static List<Map<String, String>> rows(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = split(lines.get(0));
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> v = split(line);
            assertThat(v).hasSameSizeAs(header);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), v.get(i));
            }
            out.add(row);
        }
        return out;
    }

    private static List<String> split(String line) {
        List<String> v = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                v.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        v.add(cur.toString());
        return v;
    }

    private static double num(Map<String, String> row, String key) {
        return Double.parseDouble(row.get(key));
    }

    @Test
    void rramRunAppendsOneRowWithSettingsAndStatisticsAndPerDrawRows() throws IOException {
        Path out = tmp.resolve("results.csv");
        Path draws = tmp.resolve("draws.csv");
        assertThat(cli.run(args(weights, out, "--noise", "rram:bits=4,var_scale=2", "--seed", "5", "--draws-out",
                draws.toString()))).as(cli.err()).isZero();
        assertThat(Files.readAllLines(out).get(0)).isEqualTo(String.join(",", VariationCommand.COLUMNS));
        List<Map<String, String>> r = rows(out);
        assertThat(r).hasSize(1);
        Map<String, String> row = r.get(0);
        assertThat(row).containsEntry("model", "lenet").containsEntry("weights", "lenet.safetensors")
                .containsEntry("dataset", "fashion-mnist").containsEntry("split", "test").containsEntry("images", "100")
                .containsEntry("noise", "rram(bits=4, var_scale=2)").containsEntry("targets", "conv")
                .containsEntry("draws", "4").containsEntry("seed", "5");
        assertThat(cli.out()).contains("targets   conv1.weight, conv2.weight (conv only");
        List<Map<String, String>> d = rows(draws);
        assertThat(d).hasSize(4);
        double[] acc = d.stream().mapToDouble(x -> num(x, "accuracy")).toArray();
        double mean = Arrays.stream(acc).average().orElseThrow();
        double var = Arrays.stream(acc).map(a -> (a - mean) * (a - mean)).sum() / acc.length;
        // Accuracies are multiples of 1/100 printed with 6 decimals: 1e-6 covers the rounding.
        assertThat(num(row, "mean_accuracy")).isCloseTo(mean, within(1e-6));
        assertThat(num(row, "std_accuracy")).isCloseTo(Math.sqrt(var), within(1e-6));
        assertThat(num(row, "std_error")).isCloseTo(Math.sqrt(var * 4 / 3) / 2, within(1e-6));
        assertThat(num(row, "min_accuracy")).isCloseTo(Arrays.stream(acc).min().orElseThrow(), within(1e-9));
        assertThat(num(row, "max_accuracy")).isCloseTo(Arrays.stream(acc).max().orElseThrow(), within(1e-9));
        assertThat(row.get("noise_free_accuracy")).isNotEmpty();

        // A second run appends.
        assertThat(cli.run(args(weights, out, "--noise", "rram:bits=2,var_scale=1"))).as(cli.err()).isZero();
        assertThat(rows(out)).hasSize(2);
        assertThat(rows(out).get(1)).containsEntry("noise", "rram(bits=2, var_scale=1)");
    }

    @Test
    void zeroVariationGivesZeroStdAndTheCleanOrNoiseFreeAccuracy() throws IOException {
        Path out = tmp.resolve("zero.csv");
        assertThat(cli.run(args(weights, out, "--noise", "swim-collapsed:dev_var=0,write_var=0"))).as(cli.err()).isZero();
        assertThat(cli.run(args(weights, out, "--noise", "lognormal:bits=4,var_scale=0"))).as(cli.err()).isZero();
        assertThat(cli.run(args(weights, out, "--noise", "rram:bits=4,var_scale=0"))).as(cli.err()).isZero();
        List<Map<String, String>> r = rows(out);
        for (Map<String, String> row : r.subList(0, 2)) {
            assertThat(num(row, "std_accuracy")).isZero();
            assertThat(row.get("mean_accuracy")).isEqualTo(row.get("clean_accuracy"));
            assertThat(row.get("targets")).isEqualTo("conv+linear");
            assertThat(row.get("noise_free_accuracy")).isEmpty();
        }
        Map<String, String> rram = r.get(2);
        assertThat(num(rram, "std_accuracy")).isZero();
        assertThat(rram.get("mean_accuracy")).isEqualTo(rram.get("noise_free_accuracy"));
    }

    @Test
    void convOnlyLeavesLinearWeightsCleanAndRunsAreDeterministicForASeed() throws IOException {
        Path out = tmp.resolve("c.csv");
        Path d1 = tmp.resolve("d1.csv");
        Path d2 = tmp.resolve("d2.csv");
        Path d3 = tmp.resolve("d3.csv");
        Path d4 = tmp.resolve("d4.csv");
        String huge = "swim-collapsed:dev_var=3,write_var=0";
        assertThat(cli.run(args(weights, out, "--noise", huge, "--conv-only", "--draws-out", d1.toString())))
                .as(cli.err()).isZero();
        assertThat(cli.out()).contains("targets   conv1.weight, conv2.weight (conv only");
        assertThat(cli.run(args(weights, out, "--noise", huge, "--conv-only", "--draws-out", d2.toString())))
                .as(cli.err()).isZero();
        assertThat(cli.run(args(weights, out, "--noise", huge, "--draws-out", d3.toString()))).as(cli.err()).isZero();
        assertThat(cli.out()).contains("conv1.weight, conv2.weight, fc1.weight, fc2.weight, fc3.weight");
        assertThat(cli.run(args(weights, out, "--noise", huge, "--conv-only", "--seed", "2", "--draws-out",
                d4.toString()))).as(cli.err()).isZero();
        assertThat(Files.readAllLines(d2)).isEqualTo(Files.readAllLines(d1));
        List<String> convCorrect = rows(d1).stream().map(x -> x.get("correct")).toList();
        List<String> allCorrect = rows(d3).stream().map(x -> x.get("correct")).toList();
        List<String> otherSeed = rows(d4).stream().map(x -> x.get("correct")).toList();
        assertThat(allCorrect).isNotEqualTo(convCorrect);
        assertThat(otherSeed).isNotEqualTo(convCorrect);
        List<Map<String, String>> r = rows(out);
        assertThat(r).extracting(x -> x.get("targets")).containsExactly("conv", "conv", "conv+linear", "conv");

        // rram defaults to conv only; --no-conv-only programs every weight.
        assertThat(cli.run(args(weights, out, "--noise", "rram:bits=4", "--no-conv-only"))).as(cli.err()).isZero();
        assertThat(rows(out).get(4)).containsEntry("targets", "conv+linear");
    }

    /** A LeNet SRAM checkpoint: W_R in the weights, W_S = random in [-1, 1] for both convs. */
    private Path sramCheckpoint(Map<String, String> meta) {
        SplittableRandom rng = new SplittableRandom(11);
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>(lenet.parameters());
        for (String name : List.of("conv1.weight", "conv2.weight")) {
            int[] shape = lenet.parameter(name).shape();
            float[] v = new float[lenet.parameter(name).numel()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (2 * rng.nextDouble() - 1);
            }
            t.put(name + "_sram", Tensor.of(v, shape));
        }
        Path file = tmp.resolve("sram.safetensors");
        SafeTensors.writeFloats(file, t, meta);
        return file;
    }

    @Test
    void sramCheckpointEvaluatesTheEffectiveWeights() throws IOException {
        Map<String, String> meta = Map.of("norm", "none", "classes", "10", "quant_bits", "4", "sram_bit", "2",
                "shift_bit", "-1", "sram_prune_threshold", "0.3");
        Path file = sramCheckpoint(meta);
        Path out = tmp.resolve("sram.csv");
        assertThat(cli.run(args(file, out, "--var-scale", "0"))).as(cli.err()).isZero();
        Map<String, String> row = rows(out).get(0);
        assertThat(row.get("noise")).contains("rram(bits=4, var_scale=0)", "sram(bits=2, shift_bit=-1, prune=0.3");
        assertThat(row).containsEntry("targets", "conv");
        assertThat(num(row, "std_accuracy")).isZero();
        assertThat(row.get("mean_accuracy")).isEqualTo(row.get("noise_free_accuracy"));

        // The same accuracy from a LeNet holding (Q_4(W_R) + 0.5 m Q_2(W_S)) / 2 computed here, with
        // conv2's SRAM term pruned where |W_S| <= 0.3 max|W_S| (conv1 is the first SRAM conv).
        Map<String, Tensor> t = SafeTensors.readFloats(file);
        Graph expected = ModelZoo.build("lenet");
        expected.loadStateDict(lenet.parameters(), "copy");
        LevelQuantizer qb = new LevelQuantizer(4);
        LevelQuantizer qs = new LevelQuantizer(2);
        for (String name : List.of("conv1.weight", "conv2.weight")) {
            float[] wr = t.get(name).data();
            float[] ws = t.get(name + "_sram").data();
            float max = t.get(name + "_sram").maxAbs();
            float[] p = expected.parameter(name).data();
            for (int i = 0; i < p.length; i++) {
                boolean keep = name.equals("conv1.weight") || Math.abs(ws[i]) > 0.3 * max;
                p[i] = (qb.quantize(wr[i]) + (keep ? 0.5f * qs.quantize(ws[i]) : 0f)) / 2f;
            }
        }
        Dataset data = Datasets.open("fashion-mnist", SAMPLES, "test").subset(100);
        MonteCarloEvaluator mc = new MonteCarloEvaluator(() -> {
            Graph g = ModelZoo.build("lenet");
            g.loadStateDict(expected.parameters(), "expected");
            return g;
        }, data, Normalization.parse("none"), 32, Executor.Options.fast());
        assertThat(num(row, "mean_accuracy")).isCloseTo(mc.cleanCorrect() / 100.0, within(1e-9));

        // var_scale from --noise rram:…; variation now spreads the draws' results or not, but runs.
        assertThat(cli.run(args(file, out, "--noise", "rram:bits=4,var_scale=3"))).as(cli.err()).isZero();
        assertThat(rows(out).get(1).get("noise")).contains("var_scale=3");

        // Bit width other than the checkpoint's, a non-rram model, both var_scale sources.
        assertThat(cli.run(args(file, out, "--noise", "rram:bits=2"))).isEqualTo(1);
        cli.assertOneLineError("quant_bits=4");
        assertThat(cli.run(args(file, out, "--noise", "swim"))).isEqualTo(2);
        assertThat(cli.err()).contains("SRAM checkpoint").doesNotContain("Exception");
        assertThat(cli.run(args(file, out, "--noise", "rram:bits=4", "--var-scale", "1"))).isEqualTo(2);
        assertThat(rows(out)).hasSize(2);

        // Missing settings in the metadata: one line, exit 1.
        Path bad = tmp.resolve("bad");
        Files.createDirectories(bad);
        Path noMeta = sramCheckpoint(Map.of("norm", "none", "classes", "10", "quant_bits", "4"));
        assertThat(cli.run(args(noMeta, bad.resolve("x.csv")))).isEqualTo(1);
        cli.assertOneLineError("sram_bit");
        assertThat(Files.exists(bad.resolve("x.csv"))).isFalse();
    }

    @Test
    void badInputGivesOneLineAndNoFile() {
        Path out = tmp.resolve("bad.csv");
        Object[][] cases = {
            {args(weights, out, "--noise", "thermal:sigma=1"), 2, "unknown noise model"},
            {args(weights, out, "--noise", "rram:bits=5"), 2, "5"},
            {args(weights, out, "--noise", "rram:bits=4,var_scale=-1"), 2, "var_scale"},
            {args(weights, out), 2, "--noise is required"},
            {args(weights, out, "--noise", "rram:bits=4", "--draws", "0"), 2, "--draws"},
            {args(weights, out, "--noise", "rram:bits=4", "--var-scale", "2"), 2, "--var-scale"},
            {args(weights, out, "--noise", "rram:bits=4", "--var-scale", "-2"), 2, "--var-scale"},
            {args(weights, tmp.resolve("no/dir/x.csv"), "--noise", "rram:bits=4"), 1, "directory not found"},
        };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            List<String> a = (List<String>) c[0];
            assertThat(cli.run(a)).as("%s: %s", a, cli.err()).isEqualTo(c[1]);
            assertThat(cli.errLines().get(0)).as("%s", a).contains((String) c[2]);
            assertThat(cli.err()).doesNotContain("\tat ", "Exception");
            assertThat(Files.exists(out)).isFalse();
        }
    }
}
