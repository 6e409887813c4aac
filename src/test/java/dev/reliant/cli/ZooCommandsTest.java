package dev.reliant.cli;

import dev.reliant.testing.SharedData;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reliant.data.Dataset;
import dev.reliant.data.Datasets;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.io.SafeTensors;
import dev.reliant.io.StoredTensor;
import dev.reliant.models.ModelZoo;
import dev.reliant.simd.Parallel;
import dev.reliant.simd.Ranking;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reliant info}, {@code convert} and {@code eval}, run in-process with captured output. */
class ZooCommandsTest {
    private static final String AKA = "weights/akamaster-resnet-cifar10/";

    private final int threadsBefore = Parallel.threads();
    private final CommandRunner cli = new CommandRunner();

    @TempDir
    Path tmp;

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    static Path shared(String relative) {
        return SharedData.require(relative);
    }

    // ------------------------------------------------------------------ help

    @Test
    void helpOfEachCommandListsItsOptions() {
        assertThat(cli.run("info", "--help")).isZero();
        assertThat(cli.out()).startsWith("Usage: reliant info").contains("FILE", "--threads=N");
        assertThat(cli.run("convert", "--help")).isZero();
        assertThat(cli.out()).startsWith("Usage: reliant convert").contains("IN", "OUT", "--force");
        assertThat(cli.run("eval", "--help")).isZero();
        assertThat(cli.out()).startsWith("Usage: reliant eval").contains("--model", "--weights", "--dataset",
                "--data", "--split", "--norm", "--limit", "--batch", "--classes", "--input-size", "--fold-bn",
                "--save-logits", "--threads=N", "Models:", "resnet20", "lenet");
        assertThat(cli.run("--help")).isZero();
        assertThat(cli.out()).contains("info", "convert", "eval");
    }

    // ------------------------------------------------------------------ info

    @Test
    void infoOfASafetensorsFileListsTensorsTotalsAndMetadata() throws Exception {
        Path f = tmp.resolve("w.safetensors");
        LinkedHashMap<String, StoredTensor> t = new LinkedHashMap<>();
        t.put("conv.weight", StoredTensor.of("conv.weight", dev.reliant.tensor.Tensor.zeros(4, 3, 3, 3)));
        t.put("bn.num_batches_tracked", StoredTensor.ofI64("bn.num_batches_tracked", new int[0], new long[] {7}));
        SafeTensors.write(f, t, Map.of("epoch", "12"));
        assertThat(cli.run("info", f.toString())).isZero();
        String s = cli.out();
        assertThat(s).contains("format    safetensors");
        assertThat(s).containsPattern("conv\\.weight\\s+F32\\s+\\[4, 3, 3, 3\\]\\s+108");
        assertThat(s).containsPattern("bn\\.num_batches_tracked\\s+I64\\s+\\[\\]\\s+1");
        assertThat(s).contains("total     2 tensors, 109 values, 440 bytes", "epoch  12");
        // aligned: every row's dtype column starts at the same place
        List<String> rows = s.lines().filter(l -> l.contains(" F32 ") || l.contains(" I64 ")
                || l.startsWith("name ")).toList();
        assertThat(rows).hasSize(3);
        assertThat(rows.stream().map(l -> l.indexOf("  ") < 0 ? -1 : l.replaceAll("^(\\S+\\s+).*", "$1").length()))
                .containsOnly(rows.get(0).replaceAll("^(\\S+\\s+).*", "$1").length());
    }

    @Test
    void infoOfPyTorchCheckpoints() {
        Path th = shared(AKA + "resnet20-legacy.th");
        assertThat(cli.run("info", th.toString())).isZero();
        assertThat(cli.out()).contains("legacy format", "'module.' stripped", "97 tensors, 271,098 values",
                "best_prec1", "skipped   ");
        assertThat(cli.run("info", shared(AKA + "resnet20.pth").toString())).isZero();
        assertThat(cli.out()).contains("zip archive", "linear.weight", "[10, 64]");
    }

    @Test
    void infoErrorsAreOneLine() throws Exception {
        assertThat(cli.run("info", tmp.resolve("nope.pth").toString())).isEqualTo(1);
        cli.assertOneLineError("not found", "nope.pth");
        Path junk = Files.writeString(tmp.resolve("junk.pth"), "hello, not a checkpoint");
        assertThat(cli.run("info", junk.toString())).isEqualTo(1);
        cli.assertOneLineError("junk.pth", "not a PyTorch checkpoint");
        Path bad = Files.writeString(tmp.resolve("bad.safetensors"), "xx");
        assertThat(cli.run("info", bad.toString())).isEqualTo(1);
        cli.assertOneLineError("bad.safetensors");
        assertThat(cli.run("info")).isEqualTo(2);
    }

    // ------------------------------------------------------------------ convert

    @Test
    void convertingBothCheckpointFormatsGivesTheReferenceTensorsBitForBit() {
        Map<String, StoredTensor> reference = SafeTensors.read(shared(AKA + "resnet20.safetensors")).tensors();
        for (String in : new String[] {"resnet20.pth", "resnet20-legacy.th"}) {
            Path target = tmp.resolve(in + ".safetensors");
            assertThat(cli.run("convert", shared(AKA + in).toString(), target.toString())).as(cli.err()).isZero();
            assertThat(cli.out().lines().toList()).hasSize(1);
            assertThat(cli.out()).contains("97 tensors", "271,098 values");
            SafeTensors.Contents got = SafeTensors.read(target);
            assertThat(got.tensors().keySet()).containsExactlyElementsOf(reference.keySet());
            reference.forEach((k, v) -> {
                StoredTensor g = got.tensors().get(k);
                assertThat(g.dtype()).as(k).isEqualTo(v.dtype());
                assertThat(g.shape()).as(k).isEqualTo(v.shape());
                assertThat(g.rawBytes()).as(k).isEqualTo(v.rawBytes());
            });
            assertThat(got.metadata()).containsEntry("source", in).containsKey("converted_by");
            assertThat(got.metadata().get("converted_by")).startsWith("reliant ");
        }
        // the legacy file carries best_prec1
        assertThat(SafeTensors.read(tmp.resolve("resnet20-legacy.th.safetensors")).metadata())
                .containsKey("best_prec1");
    }

    @Test
    void convertRefusesToOverwriteWithoutForce() throws Exception {
        Path in = shared(AKA + "resnet20.pth");
        Path target = Files.writeString(tmp.resolve("out.safetensors"), "old");
        assertThat(cli.run("convert", in.toString(), target.toString())).isEqualTo(1);
        cli.assertOneLineError("exists", "--force");
        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(cli.run("convert", "--force", in.toString(), target.toString())).isZero();
        assertThat(SafeTensors.read(target).tensors()).hasSize(97);
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("out.safetensors");
        }
    }

    @Test
    void convertErrorsAreOneLine() throws Exception {
        assertThat(cli.run("convert", tmp.resolve("missing.pth").toString(), tmp.resolve("o.safetensors").toString()))
                .isEqualTo(1);
        cli.assertOneLineError("not found", "missing.pth");
        Path junk = Files.writeString(tmp.resolve("junk.th"), "garbage");
        assertThat(cli.run("convert", junk.toString(), tmp.resolve("o.safetensors").toString())).isEqualTo(1);
        cli.assertOneLineError("junk.th");
        assertThat(Files.exists(tmp.resolve("o.safetensors"))).isFalse();
        assertThat(cli.run("convert", junk.toString())).isEqualTo(2);
    }

    // ------------------------------------------------------------------ eval

    @Test
    void evalMatchesTheApiAndSavesLogits() throws Exception {
        Path weights = shared(AKA + "resnet20.safetensors");
        Path data = shared("datasets/cifar10");
        int limit = 500;

        Graph g = ModelZoo.build("resnet20");
        g.loadStateDict(SafeTensors.readFloats(weights), "resnet20");
        Dataset ds = Datasets.open("cifar10", data, "test").subset(limit);
        float[] logits = new Executor(g).run(ds.toTensor(0, limit, Normalization.CIFAR)).data();
        int[] pred = new int[limit];
        Ranking.argmax(logits, 0, limit, 10, pred, 0);
        int correct = 0;
        for (int i = 0; i < limit; i++) {
            correct += pred[i] == ds.label(i) ? 1 : 0;
        }

        Path npy = tmp.resolve("logits.npy");
        assertThat(cli.run("--threads", "2", "eval", "--model", "resnet20", "--weights", weights.toString(),
                "--data", data.toString(), "--norm", "cifar", "--limit", "" + limit, "--batch", "96",
                "--save-logits", npy.toString())).as(cli.err()).isZero();
        String s = cli.out();
        assertThat(s).contains(String.format(java.util.Locale.ROOT, "top-1     %.2f %% (%d/%d)",
                100.0 * correct / limit, correct, limit));
        assertThat(s).containsPattern("top-5     \\d+\\.\\d\\d % \\(\\d+/500\\)");
        assertThat(s).contains("images/s", "JDK " + System.getProperty("java.version"), "2 threads");

        byte[] bytes = Files.readAllBytes(npy);
        float[] saved = parseNpy(bytes, limit, 10);
        assertThat(saved).isEqualTo(logits); // bit-identical, independent of the batch size
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("logits.npy");
        }
    }

    /** Parses a v1.0 .npy header strictly and returns the data. */
    static float[] parseNpy(byte[] bytes, int rows, int cols) {
        assertThat(bytes[0] & 0xFF).isEqualTo(0x93);
        assertThat(new String(bytes, 1, 5, StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
        assertThat(bytes[6]).isEqualTo((byte) 1);
        assertThat(bytes[7]).isEqualTo((byte) 0);
        int hlen = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
        int dataStart = 10 + hlen;
        assertThat(dataStart % 64).isZero();
        String header = new String(bytes, 10, hlen, StandardCharsets.US_ASCII);
        assertThat(header).endsWith("\n");
        assertThat(header.strip()).isEqualTo("{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", "
                + cols + "), }");
        Matcher m = Pattern.compile("'shape': \\((\\d+), (\\d+)\\)").matcher(header);
        assertThat(m.find()).isTrue();
        assertThat(bytes.length - dataStart).isEqualTo(rows * cols * 4);
        float[] out = new float[rows * cols];
        ByteBuffer.wrap(bytes, dataStart, rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    @Test
    void npyHeaderIsPaddedToSixtyFourBytes() throws Exception {
        for (int rows : new int[] {0, 1, 7, 123456789}) {
            byte[] h = NpyWriter.header(rows, 100);
            assertThat(h.length % 64).isZero();
            assertThat(h[h.length - 1]).isEqualTo((byte) '\n');
        }
        Path f = tmp.resolve("x.npy");
        float[] v = {1f, -2.5f, Float.NaN, Float.MIN_VALUE, 0f, -0f};
        NpyWriter.writeFloat32(f, v, 2, 3);
        assertThat(parseNpy(Files.readAllBytes(f), 2, 3)).isEqualTo(v);
    }

    @Test
    void weightsOfAnotherModelAreAOneLineError() {
        Path weights = shared(AKA + "resnet20.pth");
        Path data = shared("datasets/cifar10");
        assertThat(cli.run("eval", "--model", "resnet32", "--weights", weights.toString(), "--data", data.toString(),
                "--norm", "cifar", "--limit", "10")).isEqualTo(1);
        cli.assertOneLineError("do not fit model 'resnet32'", "missing tensor", "more problems");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void evalInputErrors() {
        Path weights = shared(AKA + "resnet20.pth");
        Path data = shared("datasets/cifar10");
        assertThat(cli.run("eval", "--model", "resnet21", "--weights", weights.toString(), "--data", data.toString(),
                "--norm", "cifar")).isEqualTo(1);
        cli.assertOneLineError("unknown model 'resnet21'", "resnet20");
        assertThat(cli.run("eval", "--model", "resnet20", "--weights", tmp.resolve("w.pth").toString(),
                "--data", data.toString(), "--norm", "cifar")).isEqualTo(1);
        cli.assertOneLineError("not found", "w.pth");
        assertThat(cli.run("eval", "--model", "resnet20", "--weights", weights.toString(),
                "--data", tmp.resolve("nodata").toString(), "--norm", "cifar")).isEqualTo(1);
        cli.assertOneLineError("nodata");
        assertThat(cli.run("eval", "--model", "resnet20", "--weights", weights.toString(),
                "--data", data.toString(), "--norm", "bogus")).isEqualTo(1);
        cli.assertOneLineError("bogus");
        assertThat(cli.run("eval", "--model", "resnet20", "--weights", weights.toString(),
                "--data", data.toString(), "--norm", "cifar", "--batch", "0")).isEqualTo(2);
        assertThat(cli.run("eval", "--model", "resnet20", "--data", data.toString(), "--norm", "cifar")).isEqualTo(2);
        assertThat(cli.err()).contains("--weights");
    }
}
