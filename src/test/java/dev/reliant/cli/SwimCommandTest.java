package dev.reliant.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.reliant.cim.WriteVerifyMask;
import dev.reliant.io.SafeTensors;
import dev.reliant.io.StoredTensor;
import dev.reliant.simd.Parallel;
import java.awt.image.BufferedImage;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reliant swim} on the shipped Fashion-MNIST LeNet and sample images: rows, plot, resume,
 * determinism across thread counts, masks saved and evaluated again, and one-line errors.
 */
class SwimCommandTest {
    private static final Path WEIGHTS = Path.of("weights/lenet-fmnist.safetensors");
    private static final Path SAMPLES = Path.of("samples/fashion-mnist");

    private final CommandRunner cli = new CommandRunner();
    private final int threadsBefore = Parallel.threads();

    @TempDir
    Path tmp;

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    private List<String> args(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("swim", "--model", "lenet", "--weights", WEIGHTS.toString(),
                "--dataset", "fashion-mnist", "--data", SAMPLES.toString(), "--limit", "200", "--train-split", "test",
                "--train-limit", "256", "--noise-epochs", "4", "--dev-var", "0.5", "--seed", "3", "--out",
                out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    private static List<CSVRecord> rows(Path csv) throws Exception {
        return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(Files.readString(csv))).getRecords();
    }

    private static CSVRecord row(List<CSVRecord> rows, String scenario, String method, String maskP) {
        return rows.stream().filter(r -> r.get("scenario").equals(scenario) && r.get("method").equals(method)
                && r.get("mask_p").equals(maskP)).findFirst().orElseThrow(() -> new AssertionError(
                        "no row " + scenario + "/" + method + "/" + maskP));
    }

    @Test
    void aSweepWritesOneRowPerScenarioMethodAndMaskPAndAPlot() throws Exception {
        Path out = tmp.resolve("sweep.csv");
        assertThat(cli.run(args(out, "--method", "swim,random", "--mask-p", "0.1,0.05"))).as(cli.err()).isZero();
        List<CSVRecord> rows = rows(out);
        assertThat(rows).hasSize(6);
        assertThat(rows.get(0).toMap()).containsEntry("scenario", "no_verify").containsEntry("dev_var", "0.5")
                .containsEntry("write_var", "0.03").containsEntry("noise_epochs", "4").containsEntry("seed", "3")
                .containsEntry("model", "lenet").containsEntry("images", "200");
        long weights = Long.parseLong(rows.get(0).get("weights"));
        assertThat(weights).isEqualTo(105_918); // specs/cim-swim.md A.3: conv and FC weights of LeNet
        for (String method : List.of("swim", "random")) {
            for (String p : List.of("0.05", "0.1")) {
                CSVRecord r = row(rows, "selective", method, p);
                // one global quantile: the verified share is mask_p up to one weight
                assertThat(Double.parseDouble(r.get("protected_fraction"))).isCloseTo(Double.parseDouble(p),
                        within(2.0 / weights));
            }
        }
        double none = Double.parseDouble(row(rows, "no_verify", "none", "0.0").get("accuracy_mean"));
        double all = Double.parseDouble(row(rows, "full_verify", "all", "1.0").get("accuracy_mean"));
        double clean = Double.parseDouble(rows.get(0).get("clean_accuracy"));
        assertThat(none).as("dev_var 0.5 costs accuracy").isLessThan(clean - 0.05);
        assertThat(all).as("full verify recovers most of it").isGreaterThan(none);
        BufferedImage png = ImageIO.read(tmp.resolve("sweep.png").toFile());
        assertThat(png.getWidth()).isPositive();
        assertThat(cli.out()).contains("selective", "no_verify", "plot", "wrote");
    }

    @Test
    void resumeKeepsFinishedRowsAndRunsOnlyTheMissingOnes() throws Exception {
        Path out = tmp.resolve("r.csv");
        assertThat(cli.run(args(out, "--method", "magnitude", "--mask-p", "0.05", "--no-baselines"))).as(cli.err())
                .isZero();
        List<String> first = Files.readAllLines(out);
        assertThat(cli.run(args(out, "--method", "magnitude", "--mask-p", "0.05,0.2", "--no-baselines", "--resume")))
                .as(cli.err()).isZero();
        List<String> second = Files.readAllLines(out);
        assertThat(second).hasSize(3).startsWith(first.toArray(String[]::new));
        assertThat(second.get(2)).startsWith("selective,magnitude,0.2,");

        assertThat(cli.run(args(out, "--method", "magnitude", "--mask-p", "0.05", "--no-baselines"))).isEqualTo(1);
        cli.assertOneLineError("exists", "--resume", "--force");
        List<String> other = args(out, "--method", "magnitude", "--mask-p", "0.05", "--no-baselines", "--resume");
        other.set(other.indexOf("0.5"), "0.4");
        assertThat(cli.run(other)).isEqualTo(1);
        cli.assertOneLineError("field dev_var is '0.5', this run has '0.4'");
        assertThat(Files.readAllLines(out)).isEqualTo(second);
    }

    @Test
    void resultsDoNotDependOnTheThreadCountAndZeroVarianceGivesTheCleanAccuracy() throws Exception {
        Path one = tmp.resolve("one.csv");
        Path two = tmp.resolve("two.csv");
        List<String> a = args(one, "--method", "random", "--mask-p", "0.1", "--noise", "swim-collapsed");
        a.add(0, "--threads=1");
        assertThat(cli.run(a)).as(cli.err()).isZero();
        List<String> b = args(two, "--method", "random", "--mask-p", "0.1", "--noise", "swim-collapsed");
        b.add(0, "--threads=2");
        assertThat(cli.run(b)).as(cli.err()).isZero();
        List<CSVRecord> r1 = rows(one);
        List<CSVRecord> r2 = rows(two);
        for (int i = 0; i < r1.size(); i++) {
            for (String col : List.of("accuracy_mean", "accuracy_std", "accuracy_min", "verified_weights")) {
                assertThat(r2.get(i).get(col)).as("%s row %d", col, i).isEqualTo(r1.get(i).get(col));
            }
        }

        Path zero = tmp.resolve("zero.csv");
        List<String> z = args(zero, "--method", "magnitude", "--mask-p", "0.1");
        z.set(z.indexOf("0.5"), "0");
        z.addAll(List.of("--write-var", "0"));
        assertThat(cli.run(z)).as(cli.err()).isZero();
        for (CSVRecord r : rows(zero)) {
            assertThat(r.get("accuracy_mean")).isEqualTo(r.get("clean_accuracy"));
            assertThat(Double.parseDouble(r.get("accuracy_std"))).isZero();
        }
    }

    @Test
    void aSavedMaskEvaluatesExactlyAsTheSelectionThatMadeIt() throws Exception {
        Path out = tmp.resolve("m.csv");
        Path mask = tmp.resolve("mask.safetensors");
        assertThat(cli.run(args(out, "--method", "swim", "--mask-p", "0.02", "--no-baselines", "--save-mask",
                mask.toString()))).as(cli.err()).isZero();
        WriteVerifyMask m = WriteVerifyMask.load(mask);
        assertThat(m.verifiedFraction()).isCloseTo(0.02, within(1e-4));
        assertThat(SafeTensors.readMetadata(mask)).containsEntry("method", "swim").containsEntry("granularity", "weight");

        Path again = tmp.resolve("again.csv");
        assertThat(cli.run(args(again, "--method", "magnitude", "--mask-p", "0.02", "--no-baselines", "--mask",
                mask.toString()))).as(cli.err()).isZero();
        CSVRecord fromFile = row(rows(again), "mask", "mask.safetensors", Double.toString(m.verifiedFraction()));
        CSVRecord selected = row(rows(out), "selective", "swim", "0.02");
        assertThat(fromFile.get("accuracy_mean")).isEqualTo(selected.get("accuracy_mean"));
        assertThat(fromFile.get("accuracy_std")).isEqualTo(selected.get("accuracy_std"));
    }

    @Test
    void badInputFailsWithOneLine() throws Exception {
        Path out = tmp.resolve("bad.csv");
        assertThat(cli.run(args(out, "--mask-p", "1.5"))).isEqualTo(2);
        assertThat(cli.err()).contains("--mask-p must be in [0, 1], got 1.5");
        assertThat(cli.run(args(out, "--write-var", "-0.1"))).isEqualTo(2);
        assertThat(cli.err()).contains("--write-var must be a finite number >= 0");
        assertThat(cli.run(args(out, "--method", "hessian"))).isEqualTo(2);
        assertThat(cli.err()).contains("unknown method 'hessian'");
        assertThat(cli.run(args(out, "--noise", "lognormal"))).isEqualTo(2);
        assertThat(cli.err()).contains("--noise must be swim or swim-collapsed");
        assertThat(cli.run(args(out, "--method", "swim,random", "--save-mask", tmp.resolve("x.safetensors").toString())))
                .isEqualTo(2);
        assertThat(cli.err()).contains("--save-mask needs exactly one --method and one --mask-p");

        Path wrong = tmp.resolve("wrong.safetensors");
        SafeTensors.write(wrong, Map.of("conv1.weight", StoredTensor.ofU8("conv1.weight", new int[] {6, 1, 3, 3},
                new byte[54])), Map.of());
        assertThat(cli.run(args(out, "--mask", wrong.toString()))).isEqualTo(1);
        cli.assertOneLineError("--mask", "no mask for weight conv2.weight");
        assertThat(out).doesNotExist();
    }

    @Test
    void adcQuantizedPartialSumsAreEvaluatedAndRecorded() throws Exception {
        Path out = tmp.resolve("adc.csv");
        List<String> a = args(out, "--method", "magnitude", "--mask-p", "0.1", "--adc", "8:3");
        a.set(a.indexOf("0.5"), "0");
        a.addAll(List.of("--write-var", "0"));
        assertThat(cli.run(a)).as(cli.err()).isZero();
        List<CSVRecord> rows = rows(out);
        for (CSVRecord r : rows) {
            assertThat(r.get("adc")).isEqualTo("8:3");
            // no device noise: every instance sees the same ADC-quantized network
            assertThat(Double.parseDouble(r.get("accuracy_std"))).isZero();
        }
        // clean_accuracy is the noise-free accuracy of the simulated hardware, ADC included
        assertThat(rows.get(0).get("clean_accuracy")).isEqualTo(rows.get(0).get("accuracy_mean"));
        // a 3-bit ADC over 8-row tiles costs accuracy against the float network
        Path plain = tmp.resolve("plain.csv");
        assertThat(cli.run(args(plain, "--method", "magnitude", "--mask-p", "0.1", "--no-baselines"))).isZero();
        assertThat(Double.parseDouble(rows.get(0).get("accuracy_mean")))
                .isLessThan(Double.parseDouble(rows(plain).get(0).get("clean_accuracy")) - 0.1);
        assertThat(cli.run(args(tmp.resolve("x.csv"), "--adc", "0:4"))).isEqualTo(2);
        assertThat(cli.err()).contains("--adc");
    }
}
