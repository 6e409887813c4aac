package dev.reliant.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {
    @TempDir
    Path tmp;

    @Test
    void cifar10TestBatchFromShared() throws IOException {
        Path dir = TestData.shared("datasets/cifar10");
        Dataset d = CifarReader.cifar10(dir, "test");
        assertThat(d.size()).isEqualTo(10_000);
        assertThat(d.imageShape()).containsExactly(3, 32, 32);
        assertThat(d.labelCounts()).containsOnly(1_000).hasSize(10);
        assertThat(d.classNames()).containsExactly("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
                "horse", "ship", "truck");
        // the record layout: label byte, then R, G, B planes
        byte[] raw = Files.readAllBytes(dir.resolve("test_batch.bin"));
        for (int i : new int[] {0, 1, 4_999, 9_999}) {
            int off = i * CifarReader.CIFAR10_RECORD;
            assertThat(d.label(i)).isEqualTo(raw[off] & 0xFF);
            assertThat(d.image(i)).isEqualTo(Arrays.copyOfRange(raw, off + 1, off + CifarReader.CIFAR10_RECORD));
            assertThat(d.pixel(i, 1, 0, 0)).isEqualTo(raw[off + 1 + 1024] & 0xFF);
            assertThat(d.pixel(i, 2, 31, 31)).isEqualTo(raw[off + 3072] & 0xFF);
        }
        // a normalised batch reads the same pixels through the table
        float[] out = new float[2 * 3072];
        d.batch(4_999, 2, Normalization.CIFAR, out, 0);
        assertThat(out[1024 + 5]).isEqualTo(Normalization.CIFAR.apply(1, d.pixel(4_999, 1, 0, 5)));
        assertThat(out[3072 + 2048 + 33]).isEqualTo(Normalization.CIFAR.apply(2, d.pixel(5_000, 2, 1, 1)));
    }

    @Test
    void cifar10TrainFromShared() {
        Path dir = TestData.shared("datasets/cifar10");
        Dataset d = CifarReader.cifar10(dir, "train");
        assertThat(d.size()).isEqualTo(50_000);
        assertThat(d.labelCounts()).containsOnly(5_000);
        assertThat(d.name()).isEqualTo("cifar10 train");
    }

    private static byte[] records(int n, int header, int... labelBytes) {
        int rec = header + CifarReader.IMAGE_BYTES;
        byte[] b = TestData.bytes(n * rec, 17);
        for (int i = 0; i < n; i++) {
            for (int h = 0; h < header; h++) {
                b[i * rec + h] = (byte) labelBytes[i * header + h];
            }
        }
        return b;
    }

    @Test
    void cifar10WrongSizeNamesFileAndSize() throws IOException {
        byte[] ok = records(2, 1, 3, 4);
        Path f = TestData.write(tmp.resolve("test_batch.bin"), Arrays.copyOf(ok, ok.length - 1));
        assertThatThrownBy(() -> CifarReader.cifar10(tmp, "test"))
                .isInstanceOf(DatasetException.class)
                .hasMessage("file " + f + ": size 6145 bytes is not a multiple of the 3073-byte CIFAR-10 record"
                        + " (1 records and 3072 bytes left over)");
    }

    @Test
    void cifar10LabelOutOfRange() throws IOException {
        Path f = TestData.write(tmp.resolve("test_batch.bin"), records(2, 1, 3, 10));
        assertThatThrownBy(() -> CifarReader.cifar10(tmp, "test"))
                .hasMessage("file " + f + ": record 1 (byte offset 3073): label 10 out of range 0-9");
    }

    @Test
    void cifar10MissingFileAndUnknownSplit() throws IOException {
        for (int i = 1; i <= 5; i++) {
            if (i != 3) {
                TestData.write(tmp.resolve("data_batch_" + i + ".bin"), records(1, 1, 0));
            }
        }
        assertThatThrownBy(() -> CifarReader.cifar10(tmp, "train"))
                .hasMessage("file not found: " + tmp.resolve("data_batch_3.bin"));
        assertThatThrownBy(() -> CifarReader.cifar10(tmp, "valid"))
                .hasMessage("unknown split 'valid' for cifar10; accepted: train, test");
    }

    @Test
    void cifar10TrainConcatenatesBatchesInOrderAndFindsArchiveFolder() throws IOException {
        Path d = tmp.resolve("cifar-10-batches-bin");
        for (int i = 1; i <= 5; i++) {
            TestData.write(d.resolve("data_batch_" + i + ".bin"), records(2, 1, i, 9 - i));
        }
        Dataset ds = CifarReader.cifar10(tmp, "train");
        assertThat(ds.labels()).containsExactly(1, 8, 2, 7, 3, 6, 4, 5, 5, 4);
        assertThat(ds.classNames()).isEmpty();
        assertThat(ds.numClasses()).isEqualTo(9);
    }

    @Test
    void badClassNamesFile() throws IOException {
        TestData.write(tmp.resolve("test_batch.bin"), records(1, 1, 0));
        Path meta = TestData.write(tmp.resolve("batches.meta.txt"), "cat\ndog\n".getBytes());
        assertThatThrownBy(() -> CifarReader.cifar10(tmp, "test"))
                .hasMessage("file " + meta + ": 2 class names, expected 10");
    }

    @Test
    void cifar100FineAndCoarseLabels() throws IOException {
        TestData.write(tmp.resolve("test.bin"), records(3, 2, 4, 99, 0, 0, 19, 42));
        String fine = IntStream.range(0, 100).mapToObj(i -> "f" + i).collect(Collectors.joining("\n"));
        TestData.write(tmp.resolve("fine_label_names.txt"), (fine + "\n").getBytes());
        Dataset d = CifarReader.cifar100(tmp, "test");
        assertThat(d.labels()).containsExactly(99, 0, 42);
        assertThat(d.classNames()).hasSize(100).startsWith("f0");
        assertThat(d.numClasses()).isEqualTo(100);
        byte[] raw = Files.readAllBytes(tmp.resolve("test.bin"));
        assertThat(d.image(2)).isEqualTo(Arrays.copyOfRange(raw, 2 * 3074 + 2, 3 * 3074));
        Dataset coarse = CifarReader.cifar100(tmp, "test", CifarReader.Cifar100Labels.COARSE);
        assertThat(coarse.labels()).containsExactly(4, 0, 19);
        assertThat(coarse.classNames()).isEmpty();
    }

    @Test
    void cifar100WrongSizeAndBadLabels() throws IOException {
        Path f = TestData.write(tmp.resolve("train.bin"), records(2, 1, 0, 0)); // CIFAR-10 records
        assertThatThrownBy(() -> CifarReader.cifar100(tmp, "train"))
                .hasMessage("file " + f + ": size 6146 bytes is not a multiple of the 3074-byte CIFAR-100 record"
                        + " (1 records and 3072 bytes left over)");
        TestData.write(tmp.resolve("train.bin"), records(1, 2, 20, 5));
        assertThatThrownBy(() -> CifarReader.cifar100(tmp, "train", CifarReader.Cifar100Labels.COARSE))
                .hasMessage("file " + f + ": record 0 (byte offset 0): label 20 out of range 0-19");
        TestData.write(tmp.resolve("train.bin"), records(1, 2, 2, 100));
        assertThatThrownBy(() -> CifarReader.cifar100(tmp, "train"))
                .hasMessage("file " + f + ": record 0 (byte offset 1): label 100 out of range 0-99");
    }

    @Test
    void emptyFileIsAnEmptyDataset() throws IOException {
        TestData.write(tmp.resolve("test.bin"), new byte[0]);
        assertThat(CifarReader.cifar100(tmp, "test").size()).isZero();
    }
}
