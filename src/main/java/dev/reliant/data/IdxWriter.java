package dev.reliant.data;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes IDX image and label files (the MNIST layout read by {@link IdxReader}), optionally
 * gzipped. Writes are atomic: a temporary file beside the target is renamed over it once
 * complete, so an interrupted write never leaves a file that looks complete.
 *
 * <p>The gzip stream is deterministic: header time stamp 0, no file name, compression level 9.
 * The decompressed bytes depend only on the data; the compressed bytes also on the zlib build.
 *
 * <p>{@link #main} makes the shipped sample {@code samples/fashion-mnist/}:
 *
 * <pre>
 *   java -cp target/classes dev.reliant.data.IdxWriter \
 *       /usr/share/datasets/fashion-mnist test 2000 samples/fashion-mnist
 * </pre>
 */
public final class IdxWriter {
    private IdxWriter() {}

    /** Writes images {@code [0, count)} of a one-channel data set as an IDX image file. */
    public static void writeImages(Path file, Dataset data, boolean gzip) throws IOException {
        if (data.channels() != 1) {
            throw new DatasetException(file, "IDX images have one channel; " + data.name() + " has "
                    + data.channels());
        }
        byte[] pixels = data.rawPixels();
        write(file, gzip, out -> {
            out.writeInt(IdxReader.IMAGES_MAGIC);
            out.writeInt(data.size());
            out.writeInt(data.height());
            out.writeInt(data.width());
            out.write(pixels, 0, data.size() * data.imageSize());
        });
    }

    /** Writes the labels (each 0–255) of a data set as an IDX label file. */
    public static void writeLabels(Path file, Dataset data, boolean gzip) throws IOException {
        int[] labels = data.labels();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] > 255) {
                throw new DatasetException(file, "label " + labels[i] + " of image " + i
                        + " does not fit an IDX unsigned byte");
            }
        }
        write(file, gzip, out -> {
            out.writeInt(IdxReader.LABELS_MAGIC);
            out.writeInt(labels.length);
            for (int l : labels) {
                out.writeByte(l);
            }
        });
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static void write(Path file, boolean gzip, Body body) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try (OutputStream raw = Files.newOutputStream(tmp);
                    OutputStream z = gzip ? new Level9GzipStream(raw) : raw;
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(z, 1 << 16))) {
                body.write(out);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** GZIPOutputStream at level 9 (its header has time stamp 0 and no name: deterministic). */
    private static final class Level9GzipStream extends GZIPOutputStream {
        Level9GzipStream(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_COMPRESSION);
        }
    }

    /**
     * {@code IdxWriter SRC_DIR SPLIT COUNT DEST_DIR}: copies the first COUNT images of the split
     * ("train" or "test") of the IDX data set in SRC_DIR to DEST_DIR as gzipped IDX files with
     * the standard names.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: IdxWriter SRC_DIR SPLIT COUNT DEST_DIR");
            System.exit(2);
        }
        try {
            Path src = Path.of(args[0]);
            String split = args[1];
            int count = Integer.parseInt(args[2]);
            Path dest = Path.of(args[3]);
            Dataset data = IdxReader.read("idx", src, split, java.util.List.of()).subset(count);
            String prefix = "train".equals(split) ? "train" : "t10k";
            writeImages(dest.resolve(prefix + "-images-idx3-ubyte.gz"), data, true);
            writeLabels(dest.resolve(prefix + "-labels-idx1-ubyte.gz"), data, true);
            System.out.println("wrote " + data.size() + " images of " + data.height() + "x" + data.width() + " to "
                    + dest);
        } catch (IllegalArgumentException e) {
            System.err.println("IdxWriter: error: " + e.getMessage());
            System.exit(1);
        }
    }
}
