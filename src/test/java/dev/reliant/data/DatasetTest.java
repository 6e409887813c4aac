package dev.reliant.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetTest {
    /** 10 RGB images of 2×3, labels i % 4. */
    static Dataset tiny() {
        int[] labels = new int[10];
        for (int i = 0; i < 10; i++) {
            labels[i] = i % 4;
        }
        return new Dataset("tiny", TestData.bytes(10 * 18, 3), labels, 3, 2, 3, List.of("a", "b", "c", "d"));
    }

    @Test
    void shapeLabelsAndAccessors() {
        Dataset d = tiny();
        assertThat(d.size()).isEqualTo(10);
        assertThat(d.imageSize()).isEqualTo(18);
        assertThat(d.imageShape()).containsExactly(3, 2, 3);
        assertThat(d.numClasses()).isEqualTo(4);
        assertThat(d.labelCounts()).containsExactly(3, 3, 2, 2);
        byte[] raw = TestData.bytes(180, 3);
        assertThat(d.pixel(4, 2, 1, 0)).isEqualTo(raw[4 * 18 + 2 * 6 + 3] & 0xFF);
        assertThat(d.image(9)).isEqualTo(Arrays.copyOfRange(raw, 162, 180));
        assertThat(d.toString()).isEqualTo("tiny [10, 3, 2, 3], 4 classes");
        int[] labels = d.labels();
        labels[0] = 99;
        assertThat(d.label(0)).isZero();
    }

    @Test
    void batchIsNormalisedNchwAndIndependentOfHowImagesAreGrouped() {
        Dataset d = tiny();
        float[] all = new float[10 * 18 + 5];
        d.batch(0, 10, Normalization.CIFAR, all, 5);
        for (int i = 0; i < 10; i++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 3; x++) {
                        assertThat(all[5 + i * 18 + c * 6 + y * 3 + x])
                                .isEqualTo(Normalization.CIFAR.apply(c, d.pixel(i, c, y, x)));
                    }
                }
            }
        }
        float[] part = new float[3 * 18];
        d.batch(4, 3, Normalization.CIFAR, part, 0);
        assertThat(part).containsExactly(Arrays.copyOfRange(all, 5 + 4 * 18, 5 + 7 * 18));
        float[] gathered = new float[2 * 18];
        d.batch(new int[] {9, 6, 2}, 1, 2, Normalization.CIFAR, gathered, 0);
        assertThat(Arrays.copyOfRange(gathered, 0, 18)).containsExactly(Arrays.copyOfRange(all, 5 + 6 * 18, 5 + 7 * 18));
        assertThat(Arrays.copyOfRange(gathered, 18, 36)).containsExactly(Arrays.copyOfRange(all, 5 + 2 * 18, 5 + 3 * 18));
        Tensor t = d.toTensor(2, 3, Normalization.CIFAR);
        assertThat(t.shape()).containsExactly(3, 3, 2, 3);
        assertThat(t.data()).containsExactly(Arrays.copyOfRange(all, 5 + 2 * 18, 5 + 5 * 18));
    }

    @Test
    void batchChecksRangesAndChannels() {
        Dataset d = tiny();
        assertThatThrownBy(() -> d.batch(8, 3, Normalization.NONE, new float[100], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> d.batch(0, 2, Normalization.NONE, new float[35], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        Dataset grey = new Dataset("g", new byte[4], new int[] {0}, 1, 2, 2, List.of());
        assertThatThrownBy(() -> grey.batch(0, 1, Normalization.CIFAR, new float[4], 0))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("has 3 channel values but the images have 1 channel(s)");
    }

    @Test
    void subsetAndSelect() {
        Dataset d = tiny();
        Dataset s = d.subset(4);
        assertThat(s.size()).isEqualTo(4);
        assertThat(s.labels()).containsExactly(0, 1, 2, 3);
        assertThat(s.image(3)).isEqualTo(d.image(3));
        assertThat(s.classNames()).isEqualTo(d.classNames());
        assertThat(d.subset(100)).isSameAs(d);
        assertThat(d.subset(0).size()).isZero();
        Dataset sel = d.select(new int[] {7, 7, 1});
        assertThat(sel.labels()).containsExactly(3, 3, 1);
        assertThat(sel.image(2)).isEqualTo(d.image(1));
        assertThatThrownBy(() -> d.subset(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constructorChecks() {
        assertThatThrownBy(() -> new Dataset("x", new byte[5], new int[] {0}, 1, 2, 2, List.of()))
                .hasMessage("x: 5 pixel bytes for 1 images of 1x2x2 (expected 4)");
        assertThatThrownBy(() -> new Dataset("x", new byte[4], new int[] {2}, 1, 2, 2, List.of("a", "b")))
                .hasMessage("x: image 0 has label 2 out of range 0-1");
        assertThatThrownBy(() -> new Dataset("x", new byte[4], new int[] {-1}, 1, 2, 2, List.of()))
                .hasMessage("x: image 0 has label -1 out of range");
    }

    @Test
    void shuffledOrderIsASeededPermutation() {
        Dataset d = tiny();
        int[] o = d.shuffledOrder(42);
        assertThat(o).isEqualTo(d.shuffledOrder(42));
        assertThat(o).isNotEqualTo(d.shuffledOrder(43));
        assertThat(Arrays.stream(o).sorted().toArray()).isEqualTo(d.sequentialOrder());
        // pinned: a change of algorithm would silently change every stored result's data order
        assertThat(o).containsExactly(3, 4, 7, 0, 8, 5, 9, 2, 6, 1);
    }
}
