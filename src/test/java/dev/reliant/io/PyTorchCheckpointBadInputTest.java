package dev.reliant.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken checkpoints: each is refused with one line naming the file and the problem,
 * without running anything and without huge allocations.
 */
class PyTorchCheckpointBadInputTest {
    @TempDir
    Path dir;

    private static long[] l(long... v) {
        return v;
    }

    private static String rejection(Path f) {
        WeightFileException e = catchThrowableOfType(WeightFileException.class, () -> PyTorchCheckpoint.read(f));
        assertThat(e).as("expected a WeightFileException for " + f).isNotNull();
        assertThat(e.getMessage()).startsWith("file " + f + ": ").doesNotContain("\n");
        return e.problem();
    }

    private Path zipWith(byte[] pickle) throws IOException {
        return TorchFiles.zip(dir.resolve("x.pth"), "x", pickle, Map.of("0", TorchFiles.f32(1, 2, 3, 4)));
    }

    private Path legacyWith(byte[] mainPickle) throws IOException {
        return TorchFiles.legacy(dir.resolve("x.th"), mainPickle, List.of(), Map.of(), Map.of());
    }

    /** {@code os.system('touch MARKER')}: the classic pickle exploit. */
    private byte[] osSystem(Path marker) {
        return new PickleBuilder().proto(2).global("os", "system").str("touch " + marker).op(0x85).reduce().stop().bytes();
    }

    @Test
    void forbiddenGlobalInAZipCheckpointIsRefusedWithoutRunningIt() throws IOException {
        Path marker = dir.resolve("pwned");
        Path f = zipWith(osSystem(marker));
        assertThat(rejection(f)).isEqualTo("checkpoint refers to 'os.system', which is not allowed"
                + " (loading never executes code)");
        assertThat(marker).doesNotExist();
    }

    @Test
    void forbiddenGlobalInALegacyCheckpointIsRefused() throws IOException {
        Path marker = dir.resolve("pwned");
        Path f = legacyWith(osSystem(marker));
        assertThat(rejection(f)).isEqualTo("checkpoint refers to 'os.system', which is not allowed"
                + " (loading never executes code)");
        assertThat(marker).doesNotExist();
    }

    @Test
    void otherForbiddenGlobals() throws IOException {
        String[][] names = {
            {"builtins", "eval"}, {"__builtin__", "exec"}, {"subprocess", "Popen"}, {"torch", "load"},
            {"torch.storage", "_load_from_bytes"}, {"torch._utils", "_rebuild_device_tensor_from_numpy"},
            {"numpy.core.multiarray", "_reconstruct"}, {"models.resnet", "ResNet"}, {"collections", "defaultdict"}};
        for (String[] n : names) {
            byte[] viaGlobal = new PickleBuilder().proto(2).global(n[0], n[1]).emptyTuple().reduce().stop().bytes();
            byte[] viaStack = new PickleBuilder().proto(4).stackGlobal(n[0], n[1]).emptyTuple().reduce().stop().bytes();
            String expected = "checkpoint refers to '" + (n[0].equals("__builtin__") ? "builtins" : n[0]) + "." + n[1]
                    + "', which is not allowed (loading never executes code)";
            assertThat(rejection(zipWith(viaGlobal))).as(n[0] + "." + n[1]).isEqualTo(expected);
            assertThat(rejection(zipWith(viaStack))).as(n[0] + "." + n[1]).isEqualTo(expected);
        }
    }

    @Test
    void allowedGlobalsCannotBeMisused() throws IOException {
        // Calling a storage type, or a dtype, is not something the unpickler does.
        byte[] callStorage = new PickleBuilder().proto(2).global("torch", "FloatStorage").emptyTuple().reduce().stop().bytes();
        assertThat(rejection(zipWith(callStorage))).endsWith("cannot call torch.FloatStorage");
        byte[] badArgs = new PickleBuilder().proto(2).global("torch._utils", "_rebuild_tensor_v2")
                .str("x").op(0x85).reduce().stop().bytes();
        assertThat(rejection(zipWith(badArgs)))
                .endsWith("torch._utils._rebuild_tensor_v2 called with 1 arguments, expected 6 to 7");
        byte[] unsupportedStorage = new PickleBuilder().proto(2).global("torch", "ComplexFloatStorage").stop().bytes();
        assertThat(rejection(zipWith(unsupportedStorage)))
                .isEqualTo("checkpoint uses storage type 'torch.ComplexFloatStorage', which reliant does not support");
    }

    @Test
    void truncatedZip() throws IOException {
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark()
                .str("w").tensorV2("FloatStorage", "0", 4, 0, l(4), l(1)).setitems().stop();
        Path f = zipWith(p.bytes());
        assertThat(PyTorchCheckpoint.read(f).tensors()).containsKey("w");
        byte[] all = Files.readAllBytes(f);
        for (int cut : new int[] {all.length - 10, all.length / 2, 30}) {
            Files.write(f, Arrays.copyOf(all, cut));
            assertThat(rejection(f)).as("cut at " + cut).startsWith("not a readable zip archive (truncated or corrupt?)");
        }
    }

    @Test
    void zipStructureProblems() throws IOException {
        Path noPkl = dir.resolve("n.pth");
        try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(noPkl))) {
            z.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
            z.write(1);
        }
        assertThat(rejection(noPkl)).isEqualTo("zip archive without a FOLDER/data.pkl entry: not a torch.save checkpoint");

        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark()
                .str("w").tensorV2("FloatStorage", "7", 4, 0, l(4), l(1)).setitems().stop();
        assertThat(rejection(zipWith(p.bytes())))
                .isEqualTo("storage '7' has no entry 'x/data/7' in the archive");

        PickleBuilder big = new PickleBuilder().proto(2).orderedDict().mark()
                .str("w").tensorV2("FloatStorage", "0", 1L << 40, 0, l(4), l(1)).setitems().stop();
        assertThat(rejection(zipWith(big.bytes()))).isEqualTo("storage '0' needs 4398046511104 bytes but its entry holds 16");

        PickleBuilder outside = new PickleBuilder().proto(2).orderedDict().mark()
                .str("w").tensorV2("FloatStorage", "0", 4, 2, l(2, 2), l(2, 1)).setitems().stop();
        assertThat(rejection(zipWith(outside.bytes())))
                .isEqualTo("tensor 'w': view (offset 2, size [2, 2], stride [2, 1]) reaches element 5 of a storage with 4");

        PickleBuilder hugeShape = new PickleBuilder().proto(2).orderedDict().mark()
                .str("w").tensorV2("FloatStorage", "0", 4, 0, l(1L << 20, 1L << 20), l(0, 0)).setitems().stop();
        assertThat(rejection(zipWith(hugeShape.bytes()))).contains("exceed the 2 GiB limit of one tensor");
        // 2^62 elements of 8 bytes: the byte count would overflow 64 bits.
        PickleBuilder overflow = new PickleBuilder().proto(2).orderedDict().mark()
                .str("w").tensorV2("DoubleStorage", "0", 2, 0, l(Integer.MAX_VALUE, Integer.MAX_VALUE), l(0, 0))
                .setitems().stop();
        assertThat(rejection(zipWith(overflow.bytes())))
                .isEqualTo("tensor 'w': 4611686014132420609 elements of F64 exceed the 2 GiB limit of one tensor");
    }

    @Test
    void noStateDict() throws IOException {
        byte[] list = new PickleBuilder().proto(2).emptyList().stop().bytes();
        assertThat(rejection(zipWith(list))).isEqualTo("checkpoint holds a list, not a state_dict");
        byte[] dict = new PickleBuilder().proto(2).emptyDict().mark().str("epoch").integer(3).str("acc").binfloat(0.5)
                .setitems().stop().bytes();
        assertThat(rejection(zipWith(dict))).isEqualTo("no state_dict found: the checkpoint is a dict with keys"
                + " ['epoch', 'acc'] and no tensors, and none of [state_dict, model_state_dict, model, net] holds tensors");
    }

    @Test
    void malformedPickles() throws IOException {
        assertThat(rejection(zipWith(new byte[] {(byte) 0x80, 2, ']'})))
                .isEqualTo("x/data.pkl, byte 3: the pickle ends without a STOP opcode (file truncated?)");
        assertThat(rejection(zipWith(new byte[] {(byte) 0x80, 2, 'i', '.'})))
                .startsWith("x/data.pkl, byte 2: unsupported pickle opcode 0x69 ('i')");
        // BINUNICODE claiming 4 GiB: refused from the length field, nothing allocated.
        assertThat(rejection(zipWith(new byte[] {(byte) 0x80, 2, 'X', -1, -1, -1, -1, 'a', '.'})))
                .isEqualTo("x/data.pkl, byte 2: string of 4294967295 bytes, but only 2 bytes remain"
                        + " (file truncated or corrupt?)");
        assertThat(rejection(zipWith(new byte[] {(byte) 0x80, 2, 't', '.'})))
                .isEqualTo("x/data.pkl, byte 2: no MARK on the pickle stack");
        assertThat(rejection(zipWith(new byte[] {(byte) 0x80, 2, '.'})))
                .isEqualTo("x/data.pkl, byte 2: pickle stack underflow");
        assertThat(rejection(zipWith(new byte[] {(byte) 0x80, 2, 'h', 5, '.'})))
                .isEqualTo("x/data.pkl, byte 2: memo entry 5 is undefined");
        assertThat(rejection(zipWith(new byte[] {(byte) 0x80, 9, '.'})))
                .isEqualTo("x/data.pkl, byte 0: pickle protocol 9 is newer than 5");
        // A list as a dict key is unhashable.
        assertThat(rejection(zipWith(new byte[] {(byte) 0x80, 2, '}', ']', 'N', 's', '.'})))
                .isEqualTo("x/data.pkl, byte 5: unhashable dict key of type list");
    }

    @Test
    void corruptLegacyFiles() throws IOException {
        PickleBuilder p = new PickleBuilder().proto(2).emptyDict().mark().str("state_dict").orderedDict().mark()
                .str("module.w").tensorLegacy("FloatStorage", "k", 4, null, 0, l(4), l(1))
                .setitems().setitems().stop();
        Path f = TorchFiles.legacy(dir.resolve("l.th"), p.bytes(), List.of("k"),
                Map.of("k", TorchFiles.f32(1, 2, 3, 4)), Map.of());
        assertThat(PyTorchCheckpoint.read(f).tensors().get("w").toFloatArray()).containsExactly(1, 2, 3, 4);
        byte[] all = Files.readAllBytes(f);

        Files.write(f, Arrays.copyOf(all, all.length - 3));
        assertThat(rejection(f)).isEqualTo("storage 'k' needs bytes up to " + all.length + ", but the file has "
                + (all.length - 3) + " (truncated?)");
        Files.write(f, Arrays.copyOf(all, all.length - 20));
        assertThat(rejection(f)).startsWith("file ends at byte " + (all.length - 20) + " before storage 'k'");
        Files.write(f, Arrays.copyOf(all, 200));
        assertThat(rejection(f)).contains("the pickle ends");

        byte[] wrongCount = all.clone();
        wrongCount[all.length - 16 - 8] = 5; // element count 4 → 5
        Files.write(f, wrongCount);
        assertThat(rejection(f)).isEqualTo("storage 'k' has 5 elements in the file, but 4 in the checkpoint");

        byte[] badMagic = all.clone();
        badMagic[5] ^= 1;
        Files.write(f, badMagic);
        assertThat(rejection(f)).isEqualTo("not a PyTorch checkpoint: a pickle without torch's magic number");

        Path missing = TorchFiles.legacy(dir.resolve("m.th"), p.bytes(), List.of(), Map.of(), Map.of());
        assertThat(rejection(missing)).isEqualTo("storage 'k' has no data in the file");
        Path extra = TorchFiles.legacy(dir.resolve("e.th"), p.bytes(), List.of("k", "zz"),
                Map.of("k", TorchFiles.f32(1, 2, 3, 4), "zz", TorchFiles.f32(1)), Map.of());
        assertThat(rejection(extra)).isEqualTo("storage list names 'zz', which the checkpoint never uses");

        PickleBuilder module = new PickleBuilder().proto(2).mark().str("module").global("torch", "FloatStorage")
                .str("src.py").str("class Net: ...").tuple().persid().stop();
        assertThat(rejection(legacyWith(module.bytes()))).startsWith("checkpoint holds a whole nn.Module");
    }

    @Test
    void notACheckpointAtAll() throws IOException {
        assertThat(rejection(Files.write(dir.resolve("e.pth"), new byte[0]))).isEqualTo("empty file, not a PyTorch checkpoint");
        assertThat(rejection(Files.writeString(dir.resolve("t.pth"), "hello")))
                .isEqualTo("not a PyTorch checkpoint: neither a zip archive nor a pickle (first bytes 68 65 6c 6c)");
        assertThat(rejection(dir.resolve("absent.pth"))).isEqualTo("cannot read: no such file or directory");
        // A pickle that is not torch's magic number.
        assertThat(rejection(Files.write(dir.resolve("p.pth"), new PickleBuilder().proto(2).integer(7).stop().bytes())))
                .isEqualTo("not a PyTorch checkpoint: a pickle without torch's magic number");
    }
}
