package dev.reliant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.fault.ActivationListValidator;
import dev.reliant.fault.Fault;
import dev.reliant.fault.FaultListCsv;
import dev.reliant.models.ModelZoo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/** {@code reliant faultlist}, run in-process with captured output. */
class FaultlistCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path tmp;

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cmd = Main.newCommandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setColorScheme(CommandLine.Help.defaultColorScheme(Ansi.OFF));
        return Main.run(cmd, args);
    }

    private void assertOneLine(String... fragments) {
        List<String> lines = err.toString().lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("reliant: error: ").contains(fragments);
        assertThat(err.toString()).doesNotContain("\tat ", "Exception");
    }

    @Test
    void pythonCompatibleResNet20ListIsThePublishedOne() throws Exception {
        Path f = tmp.resolve("resnet20.csv");
        assertThat(run("faultlist", "--model", "resnet20", "--python-compatible", "--seed", "42", "--out",
                f.toString())).as(err.toString()).isZero();
        List<String> lines = Files.readString(f).lines().toList();
        assertThat(lines).hasSize(16_628);
        assertThat(lines.subList(0, 4)).containsExactly("Injection,Layer,TensorIndex,Bit",
                "0,conv1,\"(3, 0, 2, 1)\",15", "1,conv1,\"(7, 0, 2, 0)\",5", "2,conv1,\"(13, 0, 0, 0)\",13");
        assertThat(lines.get(16_627)).isEqualTo("16626,linear,\"(2, 26)\",4");
        assertThat(Files.readString(f)).doesNotContain("\r").endsWith("4\n");
        String s = out.toString();
        assertThat(s).contains("20 faultable layers, 268,336 values", "N = 17,173,504", "n = 16,624.9",
                "margin 0.01, t 2.58, p 0.5", "16,627 rows", "seed      42 (python-compatible MT19937)");
        assertThat(s).containsPattern("conv1\\s+432\\s+27\n").containsPattern("layer2\\.0\\.conv1\\s+4,608\\s+285\n")
                .containsPattern("linear\\s+640\\s+40\n");
    }

    @Test
    void sameSeedSameBytesAndForceIsNeededToReplace() throws Exception {
        Path a = tmp.resolve("a.csv");
        Path b = tmp.resolve("b.csv");
        assertThat(run("faultlist", "-m", "resnet20", "--seed", "9", "--margin", "0.05", "--confidence", "0.95",
                "-o", a.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("t 1.96", "java.util.SplittableRandom");
        assertThat(run("faultlist", "-m", "resnet20", "--seed", "9", "--margin", "0.05", "--t", "1.96",
                "-o", b.toString())).isZero();
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        // 1.96^2 * 0.25 / 0.05^2 = 384.16 for an infinite population
        assertThat(FaultListCsv.read(a).size()).isBetween(370, 400);

        assertThat(run("faultlist", "-m", "resnet20", "--seed", "10", "--margin", "0.05", "-o", a.toString()))
                .isEqualTo(1);
        assertOneLine("exists", "--force");
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        assertThat(run("faultlist", "-m", "resnet20", "--seed", "10", "--margin", "0.05", "-o", a.toString(),
                "--force")).isZero();
        assertThat(Files.readAllBytes(a)).isNotEqualTo(Files.readAllBytes(b));
    }

    @Test
    void kerasVariantAndNarrowFormats() throws Exception {
        Path tf = tmp.resolve("tf.csv");
        assertThat(run("faultlist", "-m", "resnet20", "--python-compatible", "--keras", "-o", tf.toString()))
                .as(err.toString()).isZero();
        assertThat(Files.readString(tf).lines().skip(1).findFirst()).hasValue("0,conv2d,\"(2, 1, 0, 3)\",15");
        assertThat(out.toString()).contains("TensorFlow/Keras variant");
        List<Fault> back = FaultListCsv.readKeras(tf, ModelZoo.build("resnet20"));
        assertThat(back.get(2)).isEqualTo(new Fault(2, "conv1", new int[] {13, 0, 0, 0}, 13));

        Path int8 = tmp.resolve("int8.csv");
        assertThat(run("faultlist", "-m", "resnet20", "--format", "int8", "-o", int8.toString())).isZero();
        assertThat(out.toString()).contains("int8 (bits 0..7)", "N = 4,293,376");
        assertThat(FaultListCsv.read(int8)).allMatch(f -> f.bit() < 8);
    }

    @Test
    void exhaustiveListOfOneLayerAndBitRange() throws Exception {
        Path f = tmp.resolve("ex.csv");
        assertThat(run("faultlist", "-m", "resnet20", "--exhaustive", "--layer", "linear", "--bits", "23-30",
                "-o", f.toString())).as(err.toString()).isZero();
        List<Fault> faults = FaultListCsv.read(f);
        assertThat(faults).hasSize(640 * 8);
        assertThat(faults.get(0)).isEqualTo(new Fault(0, "linear", new int[] {0, 0}, 23));
        assertThat(faults.get(8)).isEqualTo(new Fault(8, "linear", new int[] {0, 1}, 23));
        assertThat(out.toString()).contains("exhaustive: layer linear, 640 values x bits 23-30 = 5,120 rows");
        assertThat(run("faultlist", "-m", "resnet20", "--exhaustive", "--layer", "linear.bias", "--biases",
                "-o", tmp.resolve("bias.csv").toString())).isZero();
        assertThat(FaultListCsv.read(tmp.resolve("bias.csv"))).hasSize(10 * 32)
                .allMatch(x -> x.layer().equals("linear.bias"));
    }

    @Test
    void badOptionsAreOneLineErrors() {
        String o = tmp.resolve("x.csv").toString();
        assertThat(run("faultlist", "-m", "resnet21", "-o", o)).isEqualTo(1);
        assertOneLine("unknown model 'resnet21'");
        assertThat(run("faultlist", "-m", "resnet20", "--exhaustive", "--layer", "conv9", "-o", o)).isEqualTo(1);
        assertOneLine("unknown layer 'conv9'", "conv1 … linear");
        assertThat(run("faultlist", "-m", "resnet20", "--layer", "conv1", "-o", o)).isEqualTo(2);
        assertOneLine("--exhaustive");
        assertThat(run("faultlist", "-m", "resnet20", "--exhaustive", "-o", o)).isEqualTo(2);
        assertOneLine("--layer");
        assertThat(run("faultlist", "-m", "resnet20", "--exhaustive", "--layer", "conv1", "--bits", "0-40", "-o", o))
                .isEqualTo(2);
        assertOneLine("--bits 0-40");
        assertThat(run("faultlist", "-m", "resnet20", "--confidence", "0.8", "-o", o)).isEqualTo(2);
        assertOneLine("confidence 0.8", "give t directly");
        assertThat(run("faultlist", "-m", "resnet20", "--confidence", "0.99", "--t", "2.58", "-o", o)).isEqualTo(2);
        assertOneLine("either --confidence or --t");
        assertThat(run("faultlist", "-m", "resnet20", "--margin", "2", "-o", o)).isEqualTo(2);
        assertOneLine("margin");
        assertThat(run("faultlist", "-m", "resnet20", "--format", "fp33", "-o", o)).isEqualTo(2);
        assertOneLine("--format", "fp33");
        assertThat(run("faultlist", "-m", "resnet20", "--keras", "--biases", "-o", o)).isEqualTo(2);
        assertOneLine("--keras");
        assertThat(run("faultlist", "-m", "resnet20", "-o", tmp.resolve("no/dir/x.csv").toString())).isEqualTo(1);
        assertOneLine("directory not found");
        assertThat(run("faultlist", "-m", "resnet20")).isEqualTo(2);
        assertOneLine("--out");
        assertThat(Files.exists(tmp.resolve("x.csv"))).isFalse();
    }

    @Test
    void helpIsTheManual() {
        assertThat(run("faultlist", "--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: reliant faultlist").contains("--model", "--classes",
                "--input-size", "--seed", "--margin", "--confidence", "--t", "--p", "--format", "--python-compatible",
                "--exhaustive", "--layer", "--bits", "--keras", "--activations", "--out", "--force", "--biases", "--batch-norm",
                "Leveugle", "default: 42", "default: fp32", "1 %", "0.99", "2.58");
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("faultlist");
    }

    @Test
    void activationListOfEveryComputingNode() throws Exception {
        Path a = tmp.resolve("act.csv");
        assertThat(run("faultlist", "-m", "lenet", "--activations", "--seed", "5", "-o", a.toString()))
                .as(err.toString()).isZero();
        List<Fault> faults = FaultListCsv.readActivations(a, new ActivationListValidator(ModelZoo.build("lenet")));
        List<String> lines = Files.readAllLines(a);
        assertThat(lines.get(0)).isEqualTo("Injection,Layer,TensorIndex,Bit,Target");
        assertThat(lines).hasSize(faults.size() + 1).allMatch(l -> l.equals(lines.get(0)) || l.endsWith(",activation"));
        // 18,058 values per image over 11 nodes; N = 18,058 x 64
        assertThat(out.toString()).contains("11 faultable node outputs, 18,058 values per image", "N = 1,155,712",
                String.format(java.util.Locale.ROOT, "%,d rows", faults.size()), "seed      5").containsPattern("conv1\\s+4,704\\s+")
                .containsPattern("fc3\\s+10\\s+").doesNotContain("flatten");
        assertThat(faults.stream().map(Fault::layer).distinct()).startsWith("conv1", "relu", "maxpool");

        Path b = tmp.resolve("again.csv");
        assertThat(run("faultlist", "-m", "lenet", "--activations", "--seed", "5", "-o", b.toString())).isZero();
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));

        String o = tmp.resolve("x.csv").toString();
        assertThat(run("faultlist", "-m", "lenet", "--activations", "--keras", "-o", o)).isEqualTo(2);
        assertOneLine("--activations", "--keras");
        assertThat(run("faultlist", "-m", "lenet", "--activations", "--exhaustive", "--layer", "fc1", "-o", o))
                .isEqualTo(2);
        assertOneLine("--activations", "--exhaustive");
        assertThat(run("faultlist", "-m", "lenet", "--activations", "--format", "int8", "-o", o)).isEqualTo(2);
        assertOneLine("--format int8", "fp32");
        assertThat(Files.exists(tmp.resolve("x.csv"))).isFalse();
    }
}
