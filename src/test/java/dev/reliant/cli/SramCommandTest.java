package dev.reliant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.io.SafeTensors;
import dev.reliant.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reliant train --weight-noise rram:…} (VAT) then {@code reliant sram} on 256 images of the
 * Fashion-MNIST sample with LeNet, one epoch each: the SRAM checkpoint holds W_R unchanged, a
 * trained W_S per conv and the metadata of the shared format.
 */
class SramCommandTest {
    private static final Path SAMPLES = Path.of("samples/fashion-mnist");

    @TempDir
    static Path tmp;

    private static Path vat;

    private final CommandRunner cli = new CommandRunner();

    @BeforeAll
    static void trainVat() {
        vat = tmp.resolve("vat.safetensors");
        CommandRunner r = new CommandRunner();
        int code = r.run("train", "--model", "lenet", "--dataset", "fashion-mnist", "--data", SAMPLES.toString(),
                "--train-split", "test", "--test-split", "test", "--limit", "256", "--test-limit", "128", "--epochs",
                "1", "--batch", "64", "--opt", "adam", "--lr", "0.003", "--weight-noise", "rram:bits=2,var_scale=1",
                "--seed", "3", "--out", vat.toString());
        assertThat(code).as(r.err()).isZero();
    }

    private List<String> sramArgs(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("sram", "--model", "lenet", "--weights", vat.toString(), "--dataset",
                "fashion-mnist", "--data", SAMPLES.toString(), "--train-split", "test", "--test-split", "test",
                "--limit", "256", "--test-limit", "128", "--quant-bits", "2", "--var-scale", "1", "--sram-bit", "2",
                "--shift-bit", "-1", "--epochs", "1", "--batch", "64", "--seed", "5", "--out", out.toString()));
        for (int i = 0; i < extra.length; i++) {
            int at = a.indexOf(extra[i]);
            boolean valued = i + 1 < extra.length && !extra[i + 1].startsWith("--");
            if (at >= 0 && valued) {
                a.set(at + 1, extra[++i]); // replaces the default given above
            } else {
                a.add(extra[i]);
            }
        }
        return a;
    }

    private static boolean same(Tensor a, Tensor b) {
        return Arrays.equals(a.shape(), b.shape()) && Tensor.bitEquals(a.data(), 0, b.data(), 0, a.numel());
    }

    @Test
    void vatRecordsItsWeightNoise() {
        assertThat(SafeTensors.readMetadata(vat)).containsEntry("weight_noise", "rram:bits=2,var_scale=1");
        assertThat(SafeTensors.readMetadata(vat).get("training")).contains("weight_noise=rram:bits=2,var_scale=1");
    }

    @Test
    void writesFrozenRramAndTrainedSramWeights() {
        Path out = tmp.resolve("sram.safetensors");
        assertThat(cli.run(sramArgs(out))).as(cli.err()).isZero();
        assertThat(cli.out()).contains("epoch 1/1", "test ", "wrote");
        Map<String, Tensor> in = SafeTensors.readFloats(vat);
        Map<String, Tensor> got = SafeTensors.readFloats(out);
        assertThat(got).containsKeys("conv1.weight_sram", "conv2.weight_sram").doesNotContainKeys("fc1.weight_sram",
                "conv1.bias_sram");
        assertThat(got.keySet()).containsAll(in.keySet()).hasSize(in.size() + 2);
        for (String conv : List.of("conv1.weight", "conv2.weight")) {
            assertThat(same(got.get(conv), in.get(conv))).as("W_R of %s unchanged", conv).isTrue();
            Tensor ws = got.get(conv + "_sram");
            assertThat(ws.shape()).containsExactly(in.get(conv).shape());
            assertThat(same(ws, in.get(conv))).as("W_S of %s trained away from its copy of W_R", conv).isFalse();
        }
        assertThat(same(got.get("fc1.weight"), in.get("fc1.weight"))).as("non-conv parameters are trained").isFalse();
        assertThat(SafeTensors.readMetadata(out)).containsEntry("sram_bit", "2").containsEntry("shift_bit", "-1")
                .containsEntry("quant_bits", "2").containsEntry("model", "lenet").containsEntry("norm", "none")
                .containsEntry("test_images", "128").doesNotContainKey("sram_prune_threshold");
    }

    @Test
    void pruningRecordsItsThresholdAndReportsSparsity() {
        Path out = tmp.resolve("pruned.safetensors");
        assertThat(cli.run(sramArgs(out, "--prune", "--prune-threshold", "0.005", "--lambda", "1e-4")))
                .as(cli.err()).isZero();
        assertThat(cli.out()).contains("sparsity", "groups", "penalty");
        assertThat(SafeTensors.readMetadata(out)).containsEntry("sram_prune_threshold", "0.005");
    }

    @Test
    void badInputGivesOneLineErrors() {
        Path out = tmp.resolve("bad.safetensors");
        assertThat(cli.run(sramArgs(out, "--quant-bits", "5"))).isEqualTo(1);
        cli.assertOneLineError("5");
        assertThat(cli.run(sramArgs(out, "--sram-init", "xavier"))).isEqualTo(1);
        cli.assertOneLineError("xavier");
        assertThat(cli.run(sramArgs(out, "--lambda", "1e-4"))).isEqualTo(2);
        assertThat(cli.errLines().get(0)).contains("--prune");
        assertThat(cli.run(sramArgs(out, "--weights", tmp.resolve("missing.safetensors").toString()))).isEqualTo(1);
        cli.assertOneLineError("missing.safetensors");
        assertThat(cli.run("train", "--model", "lenet", "--dataset", "fashion-mnist", "--data", SAMPLES.toString(),
                "--epochs", "1", "--weight-noise", "rram:bits=7,var_scale=1", "--out", out.toString())).isEqualTo(1);
        cli.assertOneLineError("--weight-noise", "7");
        assertThat(cli.run("train", "--model", "lenet", "--dataset", "fashion-mnist", "--data", SAMPLES.toString(),
                "--epochs", "1", "--weight-noise", "gauss:0.1", "--out", out.toString())).isEqualTo(1);
        cli.assertOneLineError("gauss:0.1");
    }
}
