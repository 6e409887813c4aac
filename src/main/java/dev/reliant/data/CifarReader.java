package dev.reliant.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the "binary version" of CIFAR-10 and CIFAR-100.
 *
 * <ul>
 *   <li>CIFAR-10: {@code data_batch_1.bin} … {@code data_batch_5.bin} (train), {@code
 *       test_batch.bin} (test); 3,073-byte records: label (0–9), then 1,024 red, 1,024 green and
 *       1,024 blue bytes, each plane row-major 32×32; class names from {@code batches.meta.txt}.
 *   <li>CIFAR-100: {@code train.bin}, {@code test.bin}; 3,074-byte records: coarse label (0–19),
 *       fine label (0–99), 3,072 pixel bytes as above; class names from {@code
 *       fine_label_names.txt} / {@code coarse_label_names.txt}.
 * </ul>
 *
 * The record pixels are already NCHW, so a file is read straight into the data set's array. The
 * directory may be the one holding the files or its parent holding the archive's folder ({@code
 * cifar-10-batches-bin}, {@code cifar-100-binary}).
 */
public final class CifarReader {
    /** Pixel bytes of one 3×32×32 image. */
    public static final int IMAGE_BYTES = 3 * 32 * 32;
    /** CIFAR-10 record: one label byte + the image. */
    public static final int CIFAR10_RECORD = 1 + IMAGE_BYTES;
    /** CIFAR-100 record: coarse label, fine label, the image. */
    public static final int CIFAR100_RECORD = 2 + IMAGE_BYTES;

    /** Which CIFAR-100 label to use. */
    public enum Cifar100Labels {
        /** The 100 classes (the usual choice). */
        FINE,
        /** The 20 superclasses. */
        COARSE
    }

    private CifarReader() {}

    /** CIFAR-10, split {@code "train"} (50,000 images) or {@code "test"} (10,000). */
    public static Dataset cifar10(Path dir, String split) {
        Path d = resolveDir(dir, "data_batch_1.bin", "test_batch.bin", "cifar-10-batches-bin");
        List<Path> files = new ArrayList<>();
        if ("train".equals(split)) {
            for (int i = 1; i <= 5; i++) {
                files.add(d.resolve("data_batch_" + i + ".bin"));
            }
        } else if ("test".equals(split)) {
            files.add(d.resolve("test_batch.bin"));
        } else {
            throw new DatasetException("unknown split '" + split + "' for cifar10; accepted: train, test");
        }
        List<String> names = classNames(d.resolve("batches.meta.txt"), 10);
        return read("cifar10 " + split, files, CIFAR10_RECORD, 0, 10, names);
    }

    /** CIFAR-100 with fine labels, split {@code "train"} (50,000 images) or {@code "test"} (10,000). */
    public static Dataset cifar100(Path dir, String split) {
        return cifar100(dir, split, Cifar100Labels.FINE);
    }

    /** CIFAR-100 with fine or coarse labels. */
    public static Dataset cifar100(Path dir, String split, Cifar100Labels which) {
        Path d = resolveDir(dir, "train.bin", "test.bin", "cifar-100-binary");
        if (!"train".equals(split) && !"test".equals(split)) {
            throw new DatasetException("unknown split '" + split + "' for cifar100; accepted: train, test");
        }
        boolean fine = which == Cifar100Labels.FINE;
        List<String> names = classNames(d.resolve(fine ? "fine_label_names.txt" : "coarse_label_names.txt"),
                fine ? 100 : 20);
        return read("cifar100 " + split, List.of(d.resolve(split + ".bin")), CIFAR100_RECORD, fine ? 1 : 0,
                fine ? 100 : 20, names);
    }

    private static Path resolveDir(Path dir, String a, String b, String sub) {
        if (!Files.exists(dir.resolve(a)) && !Files.exists(dir.resolve(b)) && Files.isDirectory(dir.resolve(sub))) {
            return dir.resolve(sub);
        }
        return dir;
    }

    /**
     * Reads CIFAR-style record files into one data set.
     *
     * @param labelOffset which byte of the record is the label
     * @param numLabels labels must be below this
     */
    static Dataset read(String name, List<Path> files, int record, int labelOffset, int numLabels,
            List<String> classNames) {
        int header = record - IMAGE_BYTES;
        long total = 0;
        long[] counts = new long[files.size()];
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                throw DatasetException.io(file, e);
            }
            if (size % record != 0) {
                throw new DatasetException(file, "size " + size + " bytes is not a multiple of the " + record
                        + "-byte " + (record == CIFAR10_RECORD ? "CIFAR-10" : "CIFAR-100") + " record ("
                        + (size / record) + " records and " + (size % record) + " bytes left over)");
            }
            counts[f] = size / record;
            total += counts[f];
        }
        if (total * IMAGE_BYTES > Integer.MAX_VALUE - 16) {
            throw new DatasetException(name + ": " + total + " images are too many to hold in one array");
        }
        byte[] pixels = new byte[(int) (total * IMAGE_BYTES)];
        int[] labels = new int[(int) total];
        int n = 0;
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw DatasetException.io(file, e);
            }
            if (bytes.length != counts[f] * record) {
                throw new DatasetException(file, "changed size while being read");
            }
            for (int r = 0; r < counts[f]; r++, n++) {
                int off = r * record;
                int label = bytes[off + labelOffset] & 0xFF;
                if (label >= numLabels) {
                    throw new DatasetException(file, "record " + r + " (byte offset " + (off + labelOffset)
                            + "): label " + label + " out of range 0-" + (numLabels - 1));
                }
                labels[n] = label;
                System.arraycopy(bytes, off + header, pixels, n * IMAGE_BYTES, IMAGE_BYTES);
            }
        }
        return new Dataset(name, pixels, labels, 3, 32, 32, classNames);
    }

    /**
     * The class names, one per non-empty line, if the file exists; an empty list if it does not.
     * A file with a different number of names is an error.
     */
    static List<String> classNames(Path file, int expected) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    names.add(line.strip());
                }
            }
        } catch (IOException e) {
            throw DatasetException.io(file, e);
        }
        if (names.size() != expected) {
            throw new DatasetException(file, names.size() + " class names, expected " + expected);
        }
        return List.copyOf(names);
    }
}
