package dev.reliant.cli;

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

/**
 * Writes float32 matrices as NumPy {@code .npy} files (format version 1.0, little-endian
 * {@code <f4}, C order), atomically: a temporary file in the target's directory, forced to disk,
 * then renamed over the target. {@code numpy.load} reads the result.
 */
public final class NpyWriter {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

    private NpyWriter() {}

    /** The complete header (magic, version, length, dict, padding, newline) for a 2-D float32 array. */
    static byte[] header(long rows, long cols) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1; // + '\n'
        int total = (unpadded + 63) / 64 * 64;
        String text = dict + " ".repeat(total - unpadded) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) text.length()).put(text.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /**
     * Writes {@code rows × cols} values of {@code data} (row-major, from index 0) as a
     * float32 array of shape {@code (rows, cols)}.
     *
     * @throws IOException if writing fails; the target is then left as it was
     */
    public static void writeFloat32(Path file, float[] data, int rows, int cols) throws IOException {
        if (rows < 0 || cols < 0 || (long) rows * cols > data.length) {
            throw new IllegalArgumentException("npy: shape (" + rows + ", " + cols + ") does not fit "
                    + data.length + " values");
        }
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, ByteBuffer.wrap(header(rows, cols)));
                ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                long n = (long) rows * cols;
                for (int i = 0; i < n; i++) {
                    if (buf.remaining() < 4) {
                        buf.flip();
                        writeFully(ch, buf);
                        buf.clear();
                    }
                    buf.putFloat(data[i]);
                }
                buf.flip();
                writeFully(ch, buf);
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
