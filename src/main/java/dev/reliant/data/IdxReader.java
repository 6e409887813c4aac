package dev.reliant.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: a big-endian header (magic {@code
 * 0x0000TTDD}: two zero bytes, the element type, the number of dimensions; then one int32 per
 * dimension) followed by the elements. Images are {@code 0x00000803} (unsigned bytes, [N, rows,
 * cols]), labels {@code 0x00000801} (unsigned bytes, [N]). A file is gunzipped when it starts
 * with the gzip magic {@code 1f 8b}, whatever its name.
 *
 * <p>Every check gives a one-line {@link DatasetException} naming the file: wrong magic, absurd
 * dimensions, truncated data, trailing bytes, a label count that differs from the image count.
 */
public final class IdxReader {
    /** Magic of an image file: unsigned bytes, 3 dimensions. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic of a label file: unsigned bytes, 1 dimension. */
    public static final int LABELS_MAGIC = 0x00000801;
    /** Largest accepted image side; larger is surely a corrupt header. */
    public static final int MAX_SIDE = 65_535;

    /** The MNIST class names (the digits). */
    public static final List<String> MNIST_CLASSES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    /** The Fashion-MNIST class names, in label order. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover",
            "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private IdxReader() {}

    /** Images of one IDX image file: pixels [N, 1, rows, cols] plus the shape. */
    public static final class Images {
        final byte[] pixels;
        final int count;
        final int rows;
        final int cols;

        Images(byte[] pixels, int count, int rows, int cols) {
            this.pixels = pixels;
            this.count = count;
            this.rows = rows;
            this.cols = cols;
        }

        /** N. */
        public int count() {
            return count;
        }

        /** H. */
        public int rows() {
            return rows;
        }

        /** W. */
        public int cols() {
            return cols;
        }
    }

    /**
     * Reads the split {@code "train"} or {@code "test"} from a directory holding the standard
     * names {@code {train,t10k}-{images-idx3,labels-idx1}-ubyte} with or without {@code .gz}.
     *
     * @param name the data set's name for messages and {@link Dataset#name()}, e.g. {@code mnist}
     * @param classNames the class names, or an empty list
     */
    public static Dataset read(String name, Path dir, String split, List<String> classNames) {
        String prefix;
        if ("train".equals(split)) {
            prefix = "train";
        } else if ("test".equals(split)) {
            prefix = "t10k";
        } else {
            throw new DatasetException("unknown split '" + split + "' for " + name + "; accepted: train, test");
        }
        Path images = find(name, dir, prefix + "-images-idx3-ubyte");
        Path labels = find(name, dir, prefix + "-labels-idx1-ubyte");
        return read(name + " " + split, images, labels, classNames);
    }

    /** {@code dir/base.gz} if it exists, else {@code dir/base}; a one-line error naming both if neither does. */
    static Path find(String name, Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = dir.resolve(base);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        throw new DatasetException(name + ": file not found: " + gz + " (nor " + plain.getFileName() + ")");
    }

    /** Reads an image file and a label file and checks that their counts agree. */
    public static Dataset read(String name, Path imagesFile, Path labelsFile, List<String> classNames) {
        Images images = readImages(imagesFile);
        int[] labels = readLabels(labelsFile);
        if (labels.length != images.count) {
            throw new DatasetException(labelsFile, labels.length + " labels but " + imagesFile.getFileName()
                    + " has " + images.count + " images");
        }
        if (!classNames.isEmpty()) {
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] >= classNames.size()) {
                    throw new DatasetException(labelsFile, "label " + i + " is " + labels[i] + ", out of range 0-"
                            + (classNames.size() - 1));
                }
            }
        }
        return new Dataset(name, images.pixels, labels, 1, images.rows, images.cols, classNames);
    }

    /** Reads an IDX image file (magic {@code 0x00000803}). */
    public static Images readImages(Path file) {
        try (InputStream in = open(file)) {
            int[] dims = header(file, in, IMAGES_MAGIC, "image", 3);
            int count = dims[0];
            int rows = dims[1];
            int cols = dims[2];
            if (rows < 1 || cols < 1 || rows > MAX_SIDE || cols > MAX_SIDE) {
                throw new DatasetException(file, "implausible image size " + rows + "x" + cols + " in the header");
            }
            long bytes = (long) count * rows * cols;
            if (bytes > Integer.MAX_VALUE - 16) {
                throw new DatasetException(file, "header says " + count + " images of " + rows + "x" + cols
                        + ", too many to hold in memory (" + bytes + " bytes)");
            }
            byte[] pixels = body(file, in, (int) bytes, count, "images of " + rows + "x" + cols);
            return new Images(pixels, count, rows, cols);
        } catch (IOException e) {
            throw failure(file, e);
        }
    }

    /** Reads an IDX label file (magic {@code 0x00000801}): labels 0–255. */
    public static int[] readLabels(Path file) {
        try (InputStream in = open(file)) {
            int[] dims = header(file, in, LABELS_MAGIC, "label", 1);
            byte[] b = body(file, in, dims[0], dims[0], "labels");
            int[] labels = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                labels[i] = b[i] & 0xFF;
            }
            return labels;
        } catch (IOException e) {
            throw failure(file, e);
        }
    }

    private static DatasetException failure(Path file, IOException e) {
        if (e instanceof ZipException || (e instanceof EOFException && e.getMessage() != null
                && e.getMessage().contains("ZLIB"))) {
            return new DatasetException(file, "corrupt gzip data: " + e.getMessage(), e);
        }
        if (e instanceof EOFException) {
            return new DatasetException(file, "truncated gzip data", e);
        }
        return DatasetException.io(file, e);
    }

    /** The file's content, gunzipped if it starts with the gzip magic. */
    static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        }
        return raw;
    }

    private static int[] header(Path file, InputStream in, int magic, String kind, int ndims) throws IOException {
        byte[] m = in.readNBytes(4);
        if (m.length < 4) {
            throw new DatasetException(file, "too short for an IDX " + kind + " file (" + m.length
                    + " bytes, the header alone needs " + (4 + 4 * ndims) + ")");
        }
        int got = readInt(m, 0);
        if (got != magic) {
            String hint = (m[0] == 0 && m[1] == 0 && m[2] == 0x08)
                    ? " (an IDX file with " + (m[3] & 0xFF) + " dimension(s))"
                    : "";
            throw new DatasetException(file, String.format("not an IDX %s file: magic 0x%08x%s, expected 0x%08x",
                    kind, got, hint, magic));
        }
        byte[] d = in.readNBytes(4 * ndims);
        if (d.length < 4 * ndims) {
            throw new DatasetException(file, "truncated IDX header (" + (4 + d.length) + " of " + (4 + 4 * ndims)
                    + " bytes)");
        }
        int[] dims = new int[ndims];
        for (int i = 0; i < ndims; i++) {
            dims[i] = readInt(d, 4 * i);
        }
        if (dims[0] < 0) {
            throw new DatasetException(file, "negative item count " + dims[0] + " in the header");
        }
        return dims;
    }

    private static byte[] body(Path file, InputStream in, int bytes, int count, String what) throws IOException {
        byte[] data = in.readNBytes(bytes);
        if (data.length < bytes) {
            throw new DatasetException(file, "truncated: the header announces " + count + " " + what + " ("
                    + bytes + " bytes of data) but the file holds only " + data.length);
        }
        if (in.read() != -1) {
            throw new DatasetException(file, "trailing data after the " + count + " " + what
                    + " announced by the header");
        }
        return data;
    }

    private static int readInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }
}
