package dev.reliant.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes small checkpoints in torch.save's two layouts, from hand-made pickles. */
final class TorchFiles {
    private TorchFiles() {}

    /** The zip layout: PREFIX/data.pkl, PREFIX/data/KEY, PREFIX/version (stored, as torch does). */
    static Path zip(Path file, String prefix, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        return zip(file, prefix, pickle, storages, null);
    }

    static Path zip(Path file, String prefix, byte[] pickle, Map<String, byte[]> storages, String byteorder)
            throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            stored(z, prefix + "/data.pkl", pickle);
            if (byteorder != null) {
                stored(z, prefix + "/byteorder", byteorder.getBytes(StandardCharsets.US_ASCII));
            }
            for (Map.Entry<String, byte[]> e : storages.entrySet()) {
                stored(z, prefix + "/data/" + e.getKey(), e.getValue());
            }
            stored(z, prefix + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }

    private static void stored(ZipOutputStream z, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
    }

    /** The magic-number, protocol-version and sys_info pickles that open a legacy file. */
    static byte[] legacyPreamble() {
        PickleBuilder p = new PickleBuilder();
        // LONG1 0x1950A86A20F9469CFC6C, 10 bytes little-endian
        p.proto(2).op(0x8a, 10).op(0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19).stop();
        p.proto(2).integer(1001).stop();
        p.proto(2).emptyDict().mark()
                .str("protocol_version").integer(1001)
                .str("type_sizes").emptyDict().mark().str("int").integer(4).str("long").integer(4)
                .str("short").integer(2).setitems()
                .str("little_endian").bool(true)
                .setitems().stop();
        return p.bytes();
    }

    /** A legacy file: preamble, the main pickle, the key list, then count + bytes per storage. */
    static Path legacy(Path file, byte[] mainPickle, List<String> keys, Map<String, byte[]> storages,
            Map<String, Integer> elementSizes) throws IOException {
        PickleBuilder p = new PickleBuilder().raw(legacyPreamble()).raw(mainPickle);
        p.proto(2).emptyList().mark();
        for (String k : keys) {
            p.str(k);
        }
        p.appends().stop();
        for (String k : keys) {
            byte[] b = storages.get(k);
            p.raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(b.length / elementSizes.getOrDefault(k, 4)).array());
            p.raw(b);
        }
        Files.write(file, p.bytes());
        return file;
    }

    /** Float32 little-endian bytes. */
    static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    /** Int64 little-endian bytes. */
    static byte[] i64(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }
}
