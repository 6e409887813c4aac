package dev.reliant.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- real data

    @Test
    void mnistTestSetFromShared() {
        Path dir = TestData.shared("datasets/mnist");
        Dataset d = IdxReader.read("mnist", dir, "test", IdxReader.MNIST_CLASSES);
        assertThat(d.size()).isEqualTo(10_000);
        assertThat(d.imageShape()).containsExactly(1, 28, 28);
        assertThat(d.name()).isEqualTo("mnist test");
        // the official test set: its label histogram and its first labels (7, 2, 1, 0, 4)
        assertThat(d.labelCounts()).containsExactly(980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009);
        assertThat(new int[] {d.label(0), d.label(1), d.label(2), d.label(3), d.label(4)})
                .containsExactly(7, 2, 1, 0, 4);
        // MNIST digits have a black border
        assertThat(d.pixel(0, 0, 0, 0)).isZero();
        assertThat(d.pixel(0, 0, 27, 27)).isZero();
    }

    @Test
    void mnistTrainPartFromShared() {
        Path dir = TestData.shared("datasets/mnist");
        Dataset d = IdxReader.read("mnist", dir, "train", IdxReader.MNIST_CLASSES);
        assertThat(d.size()).isEqualTo(10_000);
        assertThat(Arrays.stream(d.labelCounts()).sum()).isEqualTo(10_000);
        assertThat(Arrays.stream(d.labelCounts()).boxed()).allSatisfy(c -> assertThat(c).isBetween(800, 1300));
    }

    @Test
    void shippedSampleHas2000FashionImages() {
        Dataset d = IdxReader.read("fashion-mnist", TestData.sample(), "test", IdxReader.FASHION_MNIST_CLASSES);
        assertThat(d.size()).isEqualTo(2_000);
        assertThat(d.imageShape()).containsExactly(1, 28, 28);
        assertThat(d.labelCounts()).containsExactly(200, 203, 214, 190, 219, 195, 197, 200, 194, 188);
        assertThat(Arrays.stream(d.labels()).boxed()).allSatisfy(l -> assertThat(l).isBetween(0, 9));
        assertThat(d.classNames()).hasSize(10).startsWith("T-shirt/top").endsWith("Ankle boot");
    }

    @Test
    void shippedSampleIsTheStartOfDebiansTestSet() {
        Path debian = TestData.debianFashionMnist();
        Dataset full = IdxReader.read("fashion-mnist", debian, "test", IdxReader.FASHION_MNIST_CLASSES);
        Dataset sample = IdxReader.read("fashion-mnist", TestData.sample(), "test", IdxReader.FASHION_MNIST_CLASSES);
        Dataset head = full.subset(2_000);
        assertThat(sample.labels()).isEqualTo(head.labels());
        for (int i = 0; i < 2_000; i += 1) {
            assertThat(sample.image(i)).isEqualTo(head.image(i));
        }
    }

    @Test
    void debianFashionMnistFullSets() {
        Path dir = TestData.debianFashionMnist();
        Dataset test = IdxReader.read("fashion-mnist", dir, "test", IdxReader.FASHION_MNIST_CLASSES);
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(test.labelCounts()).containsOnly(1_000);
        Dataset train = IdxReader.read("fashion-mnist", dir, "train", IdxReader.FASHION_MNIST_CLASSES);
        assertThat(train.size()).isEqualTo(60_000);
        assertThat(train.imageShape()).containsExactly(1, 28, 28);
        assertThat(train.labelCounts()).containsOnly(6_000);
    }

    // ---------------------------------------------------------------- generated files

    private static byte[] images(int n, int rows, int cols) {
        return TestData.idx(IdxReader.IMAGES_MAGIC, new int[] {n, rows, cols}, TestData.bytes(n * rows * cols, 5));
    }

    private static byte[] labels(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return TestData.idx(IdxReader.LABELS_MAGIC, new int[] {values.length}, b);
    }

    @Test
    void readsPlainAndGzippedAndDetectsGzipByMagicNotName() throws IOException {
        byte[] img = images(3, 4, 5);
        Path plain = TestData.write(tmp.resolve("a-images"), img);
        Path gz = TestData.write(tmp.resolve("b-images"), TestData.gzip(img)); // gzip without .gz
        Path lab = TestData.write(tmp.resolve("labels.gz"), TestData.gzip(labels(1, 0, 2)));
        for (Path p : List.of(plain, gz)) {
            Dataset d = IdxReader.read("x", p, lab, List.of());
            assertThat(d.size()).isEqualTo(3);
            assertThat(d.imageShape()).containsExactly(1, 4, 5);
            assertThat(d.labels()).containsExactly(1, 0, 2);
            assertThat(d.numClasses()).isEqualTo(3);
            byte[] expected = TestData.bytes(60, 5);
            assertThat(d.pixel(2, 0, 3, 4)).isEqualTo(expected[59] & 0xFF);
            assertThat(d.image(1)).isEqualTo(Arrays.copyOfRange(expected, 20, 40));
        }
    }

    @Test
    void standardNamesPreferGzAndAcceptPlain() throws IOException {
        TestData.write(tmp.resolve("t10k-images-idx3-ubyte"), images(2, 2, 2));
        TestData.write(tmp.resolve("t10k-labels-idx1-ubyte.gz"), TestData.gzip(labels(4, 5)));
        Dataset d = IdxReader.read("mnist", tmp, "test", IdxReader.MNIST_CLASSES);
        assertThat(d.labels()).containsExactly(4, 5);
        assertThat(d.name()).isEqualTo("mnist test");
    }

    @Test
    void missingFileNamesThePathLookedFor() {
        assertThatThrownBy(() -> IdxReader.read("mnist", tmp, "train", IdxReader.MNIST_CLASSES))
                .isInstanceOf(DatasetException.class)
                .hasMessage("mnist: file not found: " + tmp.resolve("train-images-idx3-ubyte.gz")
                        + " (nor train-images-idx3-ubyte)");
    }

    @Test
    void unknownSplit() {
        assertThatThrownBy(() -> IdxReader.read("mnist", tmp, "val", List.of()))
                .hasMessage("unknown split 'val' for mnist; accepted: train, test");
    }

    @Test
    void truncatedImages() throws IOException {
        byte[] img = images(3, 4, 5);
        byte[] cut = Arrays.copyOf(img, img.length - 7);
        Path plain = TestData.write(tmp.resolve("cut"), cut);
        Path gz = TestData.write(tmp.resolve("cut.gz"), TestData.gzip(cut));
        for (Path p : List.of(plain, gz)) {
            assertThatThrownBy(() -> IdxReader.readImages(p))
                    .isInstanceOf(DatasetException.class)
                    .hasMessage("file " + p + ": truncated: the header announces 3 images of 4x5 (60 bytes of data)"
                            + " but the file holds only 53");
        }
    }

    @Test
    void truncatedGzipStream() throws IOException {
        byte[] gz = TestData.gzip(images(50, 10, 10));
        Path p = TestData.write(tmp.resolve("half.gz"), Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> IdxReader.readImages(p))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("file " + p + ": ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void truncatedHeaderAndEmptyFile() throws IOException {
        Path shortHeader = TestData.write(tmp.resolve("h"), Arrays.copyOf(images(1, 2, 2), 9));
        assertThatThrownBy(() -> IdxReader.readImages(shortHeader))
                .hasMessage("file " + shortHeader + ": truncated IDX header (9 of 16 bytes)");
        Path empty = TestData.write(tmp.resolve("e"), new byte[0]);
        assertThatThrownBy(() -> IdxReader.readLabels(empty))
                .hasMessage("file " + empty + ": too short for an IDX label file (0 bytes, the header alone needs 8)");
    }

    @Test
    void wrongMagic() throws IOException {
        Path lab = TestData.write(tmp.resolve("labels"), labels(1, 2));
        assertThatThrownBy(() -> IdxReader.readImages(lab))
                .isInstanceOf(DatasetException.class)
                .hasMessage("file " + lab + ": not an IDX image file: magic 0x00000801 (an IDX file with 1"
                        + " dimension(s)), expected 0x00000803");
        Path junk = TestData.write(tmp.resolve("junk"), "hello world, not idx".getBytes());
        assertThatThrownBy(() -> IdxReader.readLabels(junk))
                .hasMessage("file " + junk + ": not an IDX label file: magic 0x68656c6c, expected 0x00000801");
    }

    @Test
    void countMismatchBetweenImagesAndLabels() throws IOException {
        Path img = TestData.write(tmp.resolve("img"), images(3, 2, 2));
        Path lab = TestData.write(tmp.resolve("lab"), labels(1, 2));
        assertThatThrownBy(() -> IdxReader.read("x", img, lab, List.of()))
                .isInstanceOf(DatasetException.class)
                .hasMessage("file " + lab + ": 2 labels but img has 3 images");
    }

    @Test
    void trailingBytes() throws IOException {
        byte[] img = images(2, 2, 2);
        Path p = TestData.write(tmp.resolve("long"), Arrays.copyOf(img, img.length + 1));
        assertThatThrownBy(() -> IdxReader.readImages(p))
                .hasMessage("file " + p + ": trailing data after the 2 images of 2x2 announced by the header");
    }

    @Test
    void implausibleDimensionsAndCounts() throws IOException {
        Path zero = TestData.write(tmp.resolve("z"), TestData.idx(IdxReader.IMAGES_MAGIC, new int[] {1, 0, 5},
                new byte[0]));
        assertThatThrownBy(() -> IdxReader.readImages(zero))
                .hasMessage("file " + zero + ": implausible image size 0x5 in the header");
        Path huge = TestData.write(tmp.resolve("h"), TestData.idx(IdxReader.IMAGES_MAGIC,
                new int[] {Integer.MAX_VALUE, 28, 28}, new byte[10]));
        assertThatThrownBy(() -> IdxReader.readImages(huge))
                .hasMessageContaining("too many to hold in memory");
        Path neg = TestData.write(tmp.resolve("n"), TestData.idx(IdxReader.LABELS_MAGIC, new int[] {-1},
                new byte[0]));
        assertThatThrownBy(() -> IdxReader.readLabels(neg))
                .hasMessage("file " + neg + ": negative item count -1 in the header");
    }

    @Test
    void labelOutOfRangeOfClassNames() throws IOException {
        Path img = TestData.write(tmp.resolve("img"), images(2, 2, 2));
        Path lab = TestData.write(tmp.resolve("lab"), labels(3, 10));
        assertThatThrownBy(() -> IdxReader.read("x", img, lab, IdxReader.MNIST_CLASSES))
                .hasMessage("file " + lab + ": label 1 is 10, out of range 0-9");
    }

    @Test
    void unreadableFile() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("adir"));
        assertThatThrownBy(() -> IdxReader.readImages(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(dir.toString());
        Path missing = tmp.resolve("missing");
        assertThatThrownBy(() -> IdxReader.readImages(missing))
                .hasMessage("file not found: " + missing);
    }
}
