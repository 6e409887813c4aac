package dev.reliant.io;

import dev.reliant.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reading and writing whole safetensors files. For reading a few tensors of a large file, use
 * {@link SafeTensorsFile} directly.
 *
 * <h2>Layout written</h2>
 * 8-byte little-endian header length N; N bytes of compact UTF-8 JSON, {@code __metadata__} first
 * (left out when there is no metadata), then one entry per tensor in data order, padded with
 * spaces to a multiple of 8; then the tensors' bytes, back to back, covering the buffer exactly.
 *
 * <h2>Tensor order</h2>
 * The format does not prescribe an order; readers look tensors up by name. The reference writer
 * (huggingface/safetensors) sorts by descending dtype alignment and then by name; the point of the
 * first key is that, with the header padded to 8, every tensor then starts at a multiple of its
 * element size (so a reader can map it in place). reliant keeps that property but keeps the
 * caller's order within each element size instead of sorting by name: the tensors of a
 * state_dict stay in module order, an all-float32 file keeps exactly the caller's order, and
 * rewriting a file that was read reproduces it byte for byte.
 *
 * <h2>Atomic writes</h2>
 * A file is written to a temporary file in the target's directory, forced to disk, then renamed
 * over the target, so that readers see either the old file or the complete new one, never a
 * partial file that looks complete (DESIGN invariant 6). On failure the temporary file is removed.
 */
public final class SafeTensors {
    private SafeTensors() {}

    /** The tensors of a file in header order, and its {@code __metadata__}. */
    public static final class Contents {
        private final LinkedHashMap<String, StoredTensor> tensors;
        private final Map<String, String> metadata;

        Contents(LinkedHashMap<String, StoredTensor> tensors, Map<String, String> metadata) {
            this.tensors = tensors;
            this.metadata = metadata;
        }

        /** The tensors by name, in header order (the caller's to modify). */
        public LinkedHashMap<String, StoredTensor> tensors() {
            return tensors;
        }

        /** The metadata in header order (unmodifiable; empty when the file has none). */
        public Map<String, String> metadata() {
            return metadata;
        }

        /** Every tensor converted to float32, in header order; see {@link StoredTensor#asFloat()}. */
        public LinkedHashMap<String, Tensor> floats() {
            LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
            tensors.forEach((k, v) -> out.put(k, v.asFloat()));
            return out;
        }
    }

    /**
     * Reads every tensor and the metadata of a file.
     *
     * @throws WeightFileException if the file is unreadable or invalid
     */
    public static Contents read(Path file) {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            return new Contents(f.readAll(), f.metadata());
        }
    }

    /** Reads every tensor of a file converted to float32, in header order. */
    public static LinkedHashMap<String, Tensor> readFloats(Path file) {
        return read(file).floats();
    }

    /** Reads only the metadata (the header, not the tensors). */
    public static Map<String, String> readMetadata(Path file) {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            return f.metadata();
        }
    }

    /**
     * Writes float32 tensors (bit-exact) with metadata, atomically.
     *
     * @param tensors name → tensor, written in iteration order
     * @param metadata stored as {@code __metadata__}; may be empty
     * @throws WeightFileException if writing fails (the target is then left as it was)
     */
    public static void writeFloats(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        LinkedHashMap<String, StoredTensor> stored = new LinkedHashMap<>();
        tensors.forEach((k, v) -> stored.put(k, StoredTensor.of(k, Objects.requireNonNull(v, k))));
        write(file, stored, metadata);
    }

    /**
     * Writes tensors of any dtype with metadata, atomically. The map key is the name written
     * (a {@link StoredTensor}'s own name is ignored). See the class comment for the order.
     *
     * @param tensors name → tensor
     * @param metadata stored as {@code __metadata__}; may be empty
     * @throws IllegalArgumentException for the reserved name {@code __metadata__} or null values
     * @throws WeightFileException if writing fails (the target is then left as it was)
     */
    public static void write(Path file, Map<String, StoredTensor> tensors, Map<String, String> metadata) {
        List<Map.Entry<String, StoredTensor>> order = new ArrayList<>();
        for (Map.Entry<String, StoredTensor> e : tensors.entrySet()) {
            Objects.requireNonNull(e.getKey(), "tensor name");
            Objects.requireNonNull(e.getValue(), "tensor " + e.getKey());
            if (e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
            }
            order.add(Map.entry(e.getKey(), e.getValue()));
        }
        // Stable: the caller's order within each element size.
        order.sort(Comparator.comparingInt((Map.Entry<String, StoredTensor> e) -> -e.getValue().dtype().size()));

        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            Map<String, Object> meta = new LinkedHashMap<>();
            metadata.forEach((k, v) -> meta.put(Objects.requireNonNull(k, "metadata key"),
                    Objects.requireNonNull(v, "metadata value of " + k)));
            header.put("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, StoredTensor> e : order) {
            StoredTensor t = e.getValue();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", t.dtype().name());
            info.put("shape", t.shape());
            info.put("data_offsets", new long[] {offset, offset + t.byteSize()});
            offset += t.byteSize();
            header.put(e.getKey(), info);
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        if (padded > SafeTensorsFile.MAX_HEADER_BYTES) {
            throw new WeightFileException(file, "cannot write: header of " + padded + " bytes exceeds the "
                    + SafeTensorsFile.MAX_HEADER_BYTES + "-byte limit of safetensors readers");
        }
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        List<ByteBuffer> parts = new ArrayList<>();
        parts.add(head);
        for (Map.Entry<String, StoredTensor> e : order) {
            parts.add(e.getValue().data());
        }
        AtomicFiles.write(file, parts);
    }

    /** Writing through a temporary file in the same directory and an atomic rename. */
    static final class AtomicFiles {
        private AtomicFiles() {}

        /**
         * A temporary file is created private (rw-------); give the result the permissions of the
         * file it replaces, or rw-r--r-- for a new file, as an ordinary file creation would.
         */
        private static void keepPermissions(Path tmp, Path target) {
            try {
                Set<PosixFilePermission> perms = Files.exists(target)
                        ? Files.getPosixFilePermissions(target)
                        : PosixFilePermissions.fromString("rw-r--r--");
                Files.setPosixFilePermissions(tmp, perms);
            } catch (UnsupportedOperationException | IOException e) {
                // not a POSIX file system, or not ours to change: keep the default
            }
        }

        static void write(Path file, List<ByteBuffer> parts) {
            Path abs = file.toAbsolutePath();
            Path dir = abs.getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new WeightFileException(file, "cannot write: directory " + dir + " does not exist");
            }
            if (Files.isDirectory(abs)) {
                throw new WeightFileException(file, "cannot write: it is a directory");
            }
            Path tmp = null;
            try {
                tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".part");
                keepPermissions(tmp, abs);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    for (ByteBuffer b : parts) {
                        ByteBuffer d = b.duplicate();
                        while (d.hasRemaining()) {
                            ch.write(d);
                        }
                    }
                    ch.force(true);
                }
                try {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
                }
                tmp = null;
            } catch (IOException e) {
                throw new WeightFileException(file, "cannot write: " + IoErrors.describe(e), e);
            } finally {
                if (tmp != null) {
                    try {
                        Files.deleteIfExists(tmp);
                    } catch (IOException ignored) {
                        // best effort
                    }
                }
            }
        }
    }
}
