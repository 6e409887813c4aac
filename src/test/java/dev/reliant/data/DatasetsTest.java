package dev.reliant.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir
    Path tmp;

    @Test
    void opensRealDataByName() {
        Dataset mnist = Datasets.open("mnist", TestData.shared("datasets/mnist"), "test");
        assertThat(mnist.size()).isEqualTo(10_000);
        assertThat(mnist.classNames()).hasSize(10);
        Dataset cifar = Datasets.open("CIFAR-10", TestData.shared("datasets/cifar10"), "test");
        assertThat(cifar.size()).isEqualTo(10_000);
        assertThat(cifar.labelCounts()).containsOnly(1_000);
    }

    @Test
    void opensTheShippedSample() {
        Dataset d = Datasets.open("fashion_mnist", TestData.sample(), "test");
        assertThat(d.size()).isEqualTo(2_000);
        assertThat(d.name()).isEqualTo("fashion-mnist test");
        assertThat(d.classNames().get(9)).isEqualTo("Ankle boot");
        assertThatThrownBy(() -> Datasets.open("fashion-mnist", TestData.sample(), "train"))
                .isInstanceOf(DatasetException.class)
                .hasMessage("fashion-mnist: file not found: " + TestData.sample().resolve("train-images-idx3-ubyte.gz")
                        + " (nor train-images-idx3-ubyte)");
    }

    @Test
    void namesAndErrors() {
        assertThat(Datasets.canonicalName("Fashion-MNIST")).isEqualTo("fashion-mnist");
        assertThat(Datasets.canonicalName("cifar_100")).isEqualTo("cifar100");
        assertThat(Datasets.canonicalName("ImageFolder")).isEqualTo("imagefolder");
        assertThatThrownBy(() -> Datasets.open("imagenet", tmp, "test"))
                .isInstanceOf(DatasetException.class)
                .hasMessage("unknown data set 'imagenet'; accepted: mnist, fashion-mnist, cifar10, cifar100, gtsrb,"
                        + " imagefolder");
        assertThatThrownBy(() -> Datasets.open("cifar10", tmp, "val"))
                .hasMessage("unknown split 'val' for cifar10; accepted: train, test");
        assertThatThrownBy(() -> Datasets.open("cifar10", tmp.resolve("nope"), "test"))
                .hasMessage("cifar10: directory not found: " + tmp.resolve("nope"));
        assertThatThrownBy(() -> Datasets.open("cifar100", tmp, "test"))
                .hasMessage("file not found: " + tmp.resolve("test.bin"));
        assertThatThrownBy(() -> Datasets.open("gtsrb", tmp, "test"))
                .hasMessage("gtsrb test: no GTSRB test files in " + tmp + "; looked for "
                        + tmp.resolve("gtsrb/GT-final_test.csv") + ", " + tmp.resolve("GT-final_test.csv") + ", "
                        + tmp.resolve("Test.csv"));
        assertThatThrownBy(() -> Datasets.open("imagefolder", tmp, "val"))
                .hasMessage("imagefolder val: file not found: " + tmp.resolve("val.csv") + " (nor the class folder "
                        + tmp.resolve("val") + ")");
    }

    @Test
    void defaultNormalisations() {
        assertThat(Datasets.defaultNormalization("cifar10")).isSameAs(Normalization.CIFAR);
        assertThat(Datasets.defaultNormalization("cifar100")).isSameAs(Normalization.CIFAR100);
        assertThat(Datasets.defaultNormalization("gtsrb")).isSameAs(Normalization.GTSRB);
        assertThat(Datasets.defaultNormalization("mnist")).isSameAs(Normalization.MNIST);
        assertThat(Datasets.defaultNormalization("fashion-mnist")).isSameAs(Normalization.NONE);
    }

    @Test
    void gtsrbTestInTorchvisionLayoutIsResizedTo50() throws IOException {
        Path base = tmp.resolve("gtsrb");
        Path images = base.resolve("GTSRB/Final_Test/Images");
        UInt8Image a = new UInt8Image(3, 31, 29, TestData.bytes(3 * 31 * 29, 1));
        UInt8Image b = new UInt8Image(3, 64, 70, TestData.bytes(3 * 64 * 70, 2));
        ImageCsvReaderTest.ppm(images.resolve("00000.ppm"), a);
        ImageCsvReaderTest.ppm(images.resolve("00001.ppm"), b);
        TestData.write(base.resolve("GT-final_test.csv"), ("Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId\n"
                + "00000.ppm;29;31;5;5;24;26;16\n00001.ppm;70;64;5;6;64;58;1\n").getBytes(StandardCharsets.UTF_8));
        for (Path root : new Path[] {tmp, base}) {
            Dataset d = Datasets.open("gtsrb", root, "test");
            assertThat(d.imageShape()).containsExactly(3, 50, 50);
            assertThat(d.labels()).containsExactly(16, 1);
            assertThat(d.image(0)).isEqualTo(Resize.resize(a, 50, 50, Resize.Mode.PIL).pixels());
            assertThat(d.image(1)).isEqualTo(Resize.resize(b, 50, 50, Resize.Mode.PIL).pixels());
        }
        Dataset t = Datasets.open("gtsrb", tmp, "test",
                ImageOptions.rgb().resize(50, 50, Resize.Mode.TENSOR_NO_ANTIALIAS));
        assertThat(t.image(1)).isEqualTo(Resize.resize(b, 50, 50, Resize.Mode.TENSOR_NO_ANTIALIAS).pixels());
    }

    @Test
    void gtsrbKaggleCsvAndClassFolders() throws IOException {
        UInt8Image a = new UInt8Image(3, 20, 20, TestData.bytes(1200, 1));
        ImageCsvReaderTest.png(tmp.resolve("Test/00000.png"), a);
        TestData.write(tmp.resolve("Test.csv"), "Width,Height,Roi.X1,Roi.Y1,Roi.X2,Roi.Y2,ClassId,Path\n20,20,1,1,19,19,42,Test/00000.png\n"
                .getBytes(StandardCharsets.UTF_8));
        Dataset test = Datasets.open("gtsrb", tmp, "test");
        assertThat(test.labels()).containsExactly(42);
        assertThat(test.imageShape()).containsExactly(3, 50, 50);
        TestData.write(tmp.resolve("Test.csv"), "ClassId,Path\n43,Test/00000.png\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Datasets.open("gtsrb", tmp, "test"))
                .hasMessage("file " + tmp.resolve("Test.csv") + ": row 1, field 'ClassId': class 43 out of range 0-42");

        Path training = tmp.resolve("GTSRB/Training");
        for (int c = 0; c < 43; c++) {
            ImageCsvReaderTest.ppm(training.resolve(String.format("%05d/00000_00000.ppm", c)),
                    new UInt8Image(3, 8, 9, TestData.bytes(216, c)));
        }
        Dataset train = Datasets.open("gtsrb", tmp, "train");
        assertThat(train.size()).isEqualTo(43);
        assertThat(train.numClasses()).isEqualTo(43);
        assertThat(train.label(42)).isEqualTo(42);
        assertThat(train.classNames().get(0)).isEqualTo("00000");
        assertThat(train.imageShape()).containsExactly(3, 50, 50);
    }

    @Test
    void imageFolderByCsvOrFolders() throws IOException {
        UInt8Image a = new UInt8Image(3, 5, 5, TestData.bytes(75, 1));
        ImageCsvReaderTest.png(tmp.resolve("img/a.png"), a);
        TestData.write(tmp.resolve("test.csv"), "filename,label\nimg/a.png,3\n".getBytes(StandardCharsets.UTF_8));
        Dataset d = Datasets.open("imagefolder", tmp, "test");
        assertThat(d.labels()).containsExactly(3);
        assertThat(d.image(0)).isEqualTo(a.pixels());
        ImageCsvReaderTest.png(tmp.resolve("train/cat/1.png"), a);
        ImageCsvReaderTest.png(tmp.resolve("train/dog/1.png"), a);
        Dataset t = Datasets.open("imagefolder", tmp, "train");
        assertThat(t.classNames()).containsExactly("cat", "dog");
        assertThat(t.labels()).containsExactly(0, 1);
    }
}
