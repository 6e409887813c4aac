package dev.reliant.data;

import dev.reliant.testing.SharedData;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Where the tests find real data, and helpers to make small files.
 *
 * <p>The shared folder ({@code ../shared} beside the project) is the system property {@code
 * RELIANT_SHARED}, else the environment variable {@code RELIANT_SHARED}, else {@code ../shared}
 * relative to the working directory (the project root under Maven). Tests that need data that is
 * absent are skipped with a message saying where it was looked for.
 */
final class TestData {
    /** Where Debian's {@code dataset-fashion-mnist} puts the files. */
    static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    /** The shipped sample, relative to the project root. */
    static final Path SAMPLE = Path.of("samples", "fashion-mnist");

    private TestData() {}

    static Path sharedRoot() {
        return SharedData.root();
    }

    /** The path under the shared folder; skips the test if it does not exist. */
    static Path shared(String relative) {
        return SharedData.require(relative);
    }

    /** Debian's Fashion-MNIST; skips the test when the package is not installed. */
    static Path debianFashionMnist() {
        assumeTrue(Files.isRegularFile(DEBIAN_FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz")),
                () -> "Debian's Fashion-MNIST not found at " + DEBIAN_FASHION_MNIST
                        + " (apt-get install -y dataset-fashion-mnist)");
        return DEBIAN_FASHION_MNIST;
    }

    /** The shipped sample (it is part of the project: never skipped). */
    static Path sample() {
        return SAMPLE;
    }

    /** An IDX header of big-endian ints followed by {@code body}. */
    static byte[] idx(int magic, int[] dims, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + body.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(body);
        return b.array();
    }

    static byte[] gzip(byte[] data) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (OutputStream z = new GZIPOutputStream(bos)) {
                z.write(data);
            }
            return bos.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, bytes);
    }

    /** Deterministic pseudo-random bytes. */
    static byte[] bytes(int n, long salt) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (((i * 2654435761L + salt) & 0xFFFFFFFFL) >>> 24);
        }
        return b;
    }
}
