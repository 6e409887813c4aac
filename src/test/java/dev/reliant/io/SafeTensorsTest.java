package dev.reliant.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    private static LinkedHashMap<String, StoredTensor> mixed() {
        LinkedHashMap<String, StoredTensor> m = new LinkedHashMap<>();
        m.put("mask", StoredTensor.ofU8("mask", new int[] {3}, new byte[] {1, 0, (byte) 200}));
        m.put("conv.weight", StoredTensor.of("conv.weight", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)));
        m.put("half", StoredTensor.fromFloats("half", Tensor.of(new float[] {0.5f}, 1), DType.F16));
        m.put("bn.num_batches_tracked", StoredTensor.ofI64("n", new int[0], new long[] {391}));
        m.put("bf", StoredTensor.fromFloats("bf", Tensor.of(new float[] {2f, -4f}, 2), DType.BF16));
        m.put("q", StoredTensor.ofI8("q", new int[] {1, 1}, new byte[] {-5}));
        m.put("idx", StoredTensor.ofI32("idx", new int[] {2}, new int[] {7, -7}));
        m.put("flag", StoredTensor.ofRaw("flag", DType.BOOL, new int[] {2}, new byte[] {1, 0}));
        m.put("d", StoredTensor.fromFloats("d", Tensor.of(new float[] {0.25f}, 1), DType.F64));
        m.put("s16", StoredTensor.ofRaw("s16", DType.I16, new int[] {1}, new byte[] {(byte) 0xFF, (byte) 0x7F}));
        m.put("empty", StoredTensor.of("empty", Tensor.zeros(0, 4)));
        return m;
    }

    @Test
    void roundTripsEveryDtypeAndTheMetadata() {
        Path f = dir.resolve("m.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model", "resnet20");
        meta.put("note", "naïve \"quoted\"\nline");
        SafeTensors.write(f, mixed(), meta);

        SafeTensors.Contents c = SafeTensors.read(f);
        assertThat(c.metadata()).containsExactlyEntriesOf(meta);
        for (Map.Entry<String, StoredTensor> e : mixed().entrySet()) {
            StoredTensor back = c.tensors().get(e.getKey());
            assertThat(back).as(e.getKey()).isNotNull();
            assertThat(back.name()).isEqualTo(e.getKey());
            assertThat(back.contentEquals(e.getValue())).as(e.getKey()).isTrue();
        }
        assertThat(c.tensors().get("bn.num_batches_tracked").toLongArray()).containsExactly(391);
        assertThat(c.tensors().get("conv.weight").asFloat().get(1, 2)).isEqualTo(6f);
        assertThat(c.floats().get("half").data()).containsExactly(0.5f);
    }

    @Test
    void keepsTheCallersOrderWithinEachElementSizeAndAlignsEveryTensor() throws IOException {
        Path f = dir.resolve("o.safetensors");
        SafeTensors.write(f, mixed(), Map.of());
        try (SafeTensorsFile r = SafeTensorsFile.open(f)) {
            assertThat(r.names()).containsExactly(
                    "bn.num_batches_tracked", "d", // 8 bytes
                    "conv.weight", "idx", "empty", // 4
                    "half", "bf", "s16", // 2
                    "mask", "q", "flag"); // 1
            assertThat(r.metadata()).isEmpty();
            long headerEnd = 8 + ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat(headerEnd % 8).isZero();
            for (SafeTensorsFile.Info i : r.infos()) {
                assertThat((headerEnd + i.begin()) % i.dtype().size()).as(i.name()).isZero();
            }
        }
        String header = headerText(f);
        assertThat(header).doesNotContain("__metadata__");
        assertThat(header).startsWith("{\"bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}");
    }

    @Test
    void headerIsCompactJsonPaddedWithSpacesToAMultipleOf8() throws IOException {
        Path f = dir.resolve("p.safetensors");
        SafeTensors.writeFloats(f, Map.of("attn0", Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 1, 1, 2, 3)), Map.of());
        byte[] all = Files.readAllBytes(f);
        // The reference implementation's own test vector for this tensor.
        String expected = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ";
        assertThat(all[0]).isEqualTo((byte) 72);
        assertThat(new String(all, 8, 72, StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(all).hasSize(8 + 72 + 24);
    }

    @Test
    void emptyFileMatchesTheReference() throws IOException {
        Path f = dir.resolve("e.safetensors");
        SafeTensors.write(f, new LinkedHashMap<>(), Map.of());
        assertThat(Files.readAllBytes(f)).containsExactly(8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' ');
        SafeTensors.write(f, new LinkedHashMap<>(), Map.of("framework", "pt"));
        assertThat(new String(Files.readAllBytes(f), 8, 40, StandardCharsets.UTF_8))
                .isEqualTo("{\"__metadata__\":{\"framework\":\"pt\"}}     ");
        assertThat(SafeTensors.read(f).tensors()).isEmpty();
    }

    @Test
    void readsTensorsLazilyByName() {
        Path f = dir.resolve("l.safetensors");
        SafeTensors.write(f, mixed(), Map.of("k", "v"));
        try (SafeTensorsFile r = SafeTensorsFile.open(f)) {
            assertThat(r.contains("q")).isTrue();
            assertThat(r.info("conv.weight").shape()).containsExactly(2, 3);
            assertThat(r.info("conv.weight").byteSize()).isEqualTo(24);
            assertThat(r.readFloat("conv.weight").data()).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(r.read("mask").toIntArray()).containsExactly(1, 0, 200);
            assertThatThrownBy(() -> r.read("nope")).isInstanceOf(WeightFileException.class)
                    .hasMessage("file " + f + ": no tensor named 'nope' (the file has 11 tensors)");
        }
    }

    @Test
    void writesAtomicallyReplacingTheOldFileAndLeavingNoTemporaryFile() throws IOException {
        Path f = dir.resolve("w.safetensors");
        Files.writeString(f, "old contents");
        SafeTensors.writeFloats(f, Map.of("a", Tensor.full(1f, 2)), Map.of("v", "1"));
        assertThat(SafeTensors.readMetadata(f)).containsEntry("v", "1");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("w.safetensors");
        }
        if (Files.getFileStore(f).supportsFileAttributeView("posix")) {
            // Not the private rw------- of the temporary file.
            assertThat(Files.getPosixFilePermissions(f)).contains(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        }
    }

    @Test
    void failedWriteNamesTheFileAndLeavesNothing() throws IOException {
        Path missing = dir.resolve("no/such/dir/x.safetensors");
        assertThatThrownBy(() -> SafeTensors.writeFloats(missing, Map.of("a", Tensor.zeros(1)), Map.of()))
                .isInstanceOf(WeightFileException.class)
                .hasMessageStartingWith("file " + missing + ": cannot write: directory");
        Path asDir = Files.createDirectory(dir.resolve("d.safetensors"));
        assertThatThrownBy(() -> SafeTensors.writeFloats(asDir, Map.of("a", Tensor.zeros(1)), Map.of()))
                .isInstanceOf(WeightFileException.class).hasMessageContaining("it is a directory");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("d.safetensors");
        }
        assertThatThrownBy(() -> SafeTensors.write(dir.resolve("r.safetensors"),
                Map.of("__metadata__", StoredTensor.of("x", Tensor.zeros(1))), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A sparse file larger than 2 GiB: the header is read, the small tensor after the big one is
     * read from its position, and the big one gets a clear error instead of an allocation.
     */
    @Test
    void handlesFilesLargerThan2GiBWithoutReadingThemWhole() throws IOException {
        Path f = dir.resolve("big.safetensors");
        long big = 3_000_000_000L;
        String json = "{\"big\":{\"dtype\":\"U8\",\"shape\":[3,1000000000],\"data_offsets\":[0," + big + "]},"
                + "\"small\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + big + "," + (big + 8) + "]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        int n = (h.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + n).order(ByteOrder.LITTLE_ENDIAN).putLong(n).put(h);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            ch.write(head, 0);
            ch.write(ByteBuffer.wrap(TorchFiles.f32(1.5f, -2.5f)), 8 + n + big);
        }
        try (SafeTensorsFile r = SafeTensorsFile.open(f)) {
            assertThat(r.names()).containsExactly("big", "small");
            assertThat(r.info("big").byteSize()).isEqualTo(big);
            assertThat(r.readFloat("small").data()).containsExactly(1.5f, -2.5f);
            assertThatThrownBy(() -> r.read("big")).isInstanceOf(WeightFileException.class)
                    .hasMessage("file " + f + ": tensor 'big' has 3000000000 bytes; reliant reads tensors of at most "
                            + Integer.MAX_VALUE + " bytes");
        }
    }

    @Test
    void aDimensionBeyondIntIsRefusedClearly() throws IOException {
        Path f = dir.resolve("wide.safetensors");
        String json = "{\"wide\":{\"dtype\":\"U8\",\"shape\":[3000000000],\"data_offsets\":[0,3000000000]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        int n = (h.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + n).order(ByteOrder.LITTLE_ENDIAN).putLong(n).put(h);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            ch.write(head, 0);
            ch.write(ByteBuffer.wrap(new byte[1]), 8 + n + 3_000_000_000L - 1);
        }
        assertThatThrownBy(() -> SafeTensorsFile.open(f)).isInstanceOf(WeightFileException.class)
                .hasMessage("file " + f + ": tensor 'wide': dimension 3000000000 in shape [3000000000] exceeds "
                        + Integer.MAX_VALUE + ", the largest reliant supports");
    }

    @Test
    void readsFilesWithHeaderEntriesInAnyOrder() throws IOException {
        // Header order differs from data order; both tensors are found, listed in header order.
        String json = "{\"b\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]},"
                + "\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}";
        Path f = SafeTensorsBadInputTest.file(dir.resolve("any.safetensors"), json, new byte[] {10, 20});
        SafeTensors.Contents c = SafeTensors.read(f);
        assertThat(List.copyOf(c.tensors().keySet())).containsExactly("b", "a");
        assertThat(c.tensors().get("a").toIntArray()).containsExactly(10);
        assertThat(c.tensors().get("b").toIntArray()).containsExactly(20);
    }

    private static String headerText(Path f) throws IOException {
        byte[] all = Files.readAllBytes(f);
        int n = (int) ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new String(all, 8, n, StandardCharsets.UTF_8);
    }
}
