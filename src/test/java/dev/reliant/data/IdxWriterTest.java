package dev.reliant.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxWriterTest {
    @TempDir
    Path tmp;

    private static Dataset small() {
        return new Dataset("s", TestData.bytes(4 * 3 * 5, 9), new int[] {0, 7, 255, 3}, 1, 3, 5, List.of());
    }

    @Test
    void roundTripPlainAndGzipped() throws IOException {
        Dataset d = small();
        for (boolean gz : new boolean[] {false, true}) {
            Path img = tmp.resolve("img" + gz);
            Path lab = tmp.resolve("lab" + gz);
            IdxWriter.writeImages(img, d, gz);
            IdxWriter.writeLabels(lab, d, gz);
            byte[] head = Files.readAllBytes(img);
            assertThat(head[0] == 0x1f && head[1] == (byte) 0x8b).isEqualTo(gz);
            Dataset back = IdxReader.read("s", img, lab, List.of());
            assertThat(back.labels()).isEqualTo(d.labels());
            assertThat(back.imageShape()).isEqualTo(d.imageShape());
            for (int i = 0; i < d.size(); i++) {
                assertThat(back.image(i)).isEqualTo(d.image(i));
            }
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void gzipOutputIsDeterministic() throws IOException {
        IdxWriter.writeImages(tmp.resolve("a"), small(), true);
        IdxWriter.writeImages(tmp.resolve("b"), small(), true);
        assertThat(Files.readAllBytes(tmp.resolve("a"))).isEqualTo(Files.readAllBytes(tmp.resolve("b")));
    }

    @Test
    void rejectsWhatIdxCannotHold() {
        Dataset rgb = new Dataset("rgb", new byte[12], new int[] {0}, 3, 2, 2, List.of());
        assertThatThrownBy(() -> IdxWriter.writeImages(tmp.resolve("x"), rgb, false))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("IDX images have one channel; rgb has 3");
        Dataset big = new Dataset("big", new byte[4], new int[] {256}, 1, 2, 2, List.of());
        assertThatThrownBy(() -> IdxWriter.writeLabels(tmp.resolve("y"), big, false))
                .hasMessageContaining("label 256 of image 0 does not fit an IDX unsigned byte");
        assertThat(tmp.resolve("x")).doesNotExist();
        assertThat(tmp.resolve("y")).doesNotExist();
    }

    /** The shipped sample is exactly what its documented command makes from Debian's package. */
    @Test
    void sampleIsReproducibleFromDebianPackage() throws IOException {
        Path debian = TestData.debianFashionMnist();
        Path out = tmp.resolve("sample");
        IdxWriter.main(new String[] {debian.toString(), "test", "2000", out.toString()});
        for (String f : List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
            assertThat(gunzip(out.resolve(f))).as(f).isEqualTo(gunzip(TestData.sample().resolve(f)));
        }
    }

    @Test
    void shippedSampleIsSmall() throws IOException {
        long size = Files.size(TestData.sample().resolve("t10k-images-idx3-ubyte.gz"))
                + Files.size(TestData.sample().resolve("t10k-labels-idx1-ubyte.gz"));
        assertThat(size).isLessThan(1_000_000);
        assertThat(TestData.sample().resolve("README.md")).exists();
    }

    private static byte[] gunzip(Path p) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return in.readAllBytes();
        }
    }
}
