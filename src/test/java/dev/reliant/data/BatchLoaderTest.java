package dev.reliant.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {
    /** 20 RGB images of 32×32 with labels i % 10. */
    static Dataset cifarLike() {
        int[] labels = new int[20];
        for (int i = 0; i < 20; i++) {
            labels[i] = i % 10;
        }
        return new Dataset("c", TestData.bytes(20 * 3072, 11), labels, 3, 32, 32, List.of());
    }

    private static Map<Integer, float[]> byImage(BatchLoader loader) {
        Map<Integer, float[]> m = new HashMap<>();
        int size = loader.imageShape()[0] * loader.imageShape()[1] * loader.imageShape()[2];
        for (BatchLoader.Batch b : loader) {
            int[] idx = b.indices();
            for (int k = 0; k < b.size(); k++) {
                m.put(idx[k], Arrays.copyOfRange(b.images().data(), k * size, (k + 1) * size));
            }
        }
        return m;
    }

    @Test
    void sequentialBatchesCoverTheDataInOrder() {
        Dataset d = cifarLike();
        BatchLoader l = BatchLoader.sequential(d, 8, Normalization.CIFAR);
        assertThat(l.batches()).isEqualTo(3);
        List<Integer> seen = new ArrayList<>();
        for (BatchLoader.Batch b : l) {
            assertThat(b.images().shape()).containsExactly(b.size(), 3, 32, 32);
            for (int k = 0; k < b.size(); k++) {
                seen.add(b.indices()[k]);
                assertThat(b.labels()[k]).isEqualTo(d.label(b.indices()[k]));
            }
        }
        assertThat(seen).hasSize(20).isSorted();
        assertThat(l.batch(2).size()).isEqualTo(4);
        assertThat(l.dropLast(true).batches()).isEqualTo(2);
        float[] direct = new float[8 * 3072];
        d.batch(8, 8, Normalization.CIFAR, direct, 0);
        assertThat(l.batch(1).images().data()).containsExactly(direct);
    }

    @Test
    void shuffledOrderIsSeededPerEpoch() {
        Dataset d = cifarLike();
        BatchLoader l = BatchLoader.shuffled(d, 6, Normalization.CIFAR, 42);
        assertThat(l.order()).isEqualTo(d.shuffledOrder(42));
        assertThat(l.order()).isEqualTo(BatchLoader.shuffled(d, 6, Normalization.CIFAR, 42).order());
        assertThat(l.epoch(1).order()).isNotEqualTo(l.order()).isEqualTo(BatchLoader.orderFor(20, 42, 1));
        assertThat(BatchLoader.orderFor(10, 42, 0)).containsExactly(3, 4, 7, 0, 8, 5, 9, 2, 6, 1);
        assertThat(BatchLoader.orderFor(10, 42, 1)).containsExactly(4, 3, 7, 9, 1, 5, 2, 8, 0, 6);
        assertThat(l.seed()).isEqualTo(42);
    }

    @Test
    void augmentedImagesDoNotDependOnBatchSizeAndRepeatForTheSameSeed() {
        Dataset d = cifarLike();
        Augmentation aug = Augmentation.cifar();
        Map<Integer, float[]> a = byImage(BatchLoader.shuffled(d, 7, Normalization.CIFAR, 5).augment(aug));
        Map<Integer, float[]> b = byImage(BatchLoader.shuffled(d, 13, Normalization.CIFAR, 5).augment(aug));
        Map<Integer, float[]> again = byImage(BatchLoader.shuffled(d, 7, Normalization.CIFAR, 5).augment(aug));
        Map<Integer, float[]> other = byImage(BatchLoader.shuffled(d, 7, Normalization.CIFAR, 6).augment(aug));
        Map<Integer, float[]> epoch1 = byImage(BatchLoader.shuffled(d, 7, Normalization.CIFAR, 5).augment(aug)
                .epoch(1));
        int differ = 0;
        int differEpoch = 0;
        for (int i = 0; i < 20; i++) {
            assertThat(a.get(i)).isEqualTo(b.get(i)).isEqualTo(again.get(i));
            differ += Arrays.equals(a.get(i), other.get(i)) ? 0 : 1;
            differEpoch += Arrays.equals(a.get(i), epoch1.get(i)) ? 0 : 1;
        }
        assertThat(differ).isGreaterThan(10);
        assertThat(differEpoch).isGreaterThan(10);
    }

    @Test
    void augmentationOnSequentialLoaderUsesTheGivenSeed() {
        Dataset d = cifarLike();
        BatchLoader l = BatchLoader.sequential(d, 4, Normalization.CIFAR).augment(Augmentation.cifar(), 9);
        assertThat(l.seed()).isEqualTo(9);
        assertThat(l.batch(0).images().data())
                .containsExactly(BatchLoader.sequential(d, 4, Normalization.CIFAR).augment(Augmentation.cifar(), 9)
                        .batch(0).images().data());
        assertThatThrownBy(() -> BatchLoader.shuffled(d, 4, Normalization.CIFAR, 1).augment(Augmentation.cifar(), 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BatchLoader.sequential(d, 4, Normalization.CIFAR).augment(new Augmentation(41, 4, 0)))
                .hasMessageContaining("does not fit");
        assertThatThrownBy(() -> BatchLoader.sequential(d, 0, Normalization.CIFAR))
                .hasMessage("batch size must be ≥ 1, got 0");
    }

    /** Padding happens on uint8 pixels: a padded pixel is 0 before normalisation, (0 − mean)/std after. */
    @Test
    void paddingPixelsBecomeNormalisedZeros() {
        byte[] white = new byte[3 * 32 * 32];
        Arrays.fill(white, (byte) 255);
        Dataset d = new Dataset("w", white, new int[] {0}, 3, 32, 32, List.of());
        boolean sawPadding = false;
        for (long seed = 0; seed < 20; seed++) {
            float[] img = BatchLoader.shuffled(d, 1, Normalization.CIFAR, seed).augment(Augmentation.cifar())
                    .batch(0).images().data();
            for (int c = 0; c < 3; c++) {
                for (int i = 0; i < 1024; i++) {
                    float v = img[c * 1024 + i];
                    assertThat(v).isIn(Normalization.CIFAR.apply(c, 0), Normalization.CIFAR.apply(c, 255));
                    sawPadding |= v == Normalization.CIFAR.apply(c, 0);
                }
            }
        }
        assertThat(sawPadding).isTrue();
    }

    @Test
    void cropAndFlipGeometry() {
        // one channel 4×4, values 1..16
        byte[] px = new byte[16];
        for (int i = 0; i < 16; i++) {
            px[i] = (byte) (i + 1);
        }
        // no padding, full-size crop, always flip: a mirror image
        byte[] out = new byte[16];
        new Augmentation(4, 0, 1.0).apply(px, 0, 1, 4, 4, new SplittableRandom(1), out, 0);
        assertThat(out).containsExactly(4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9, 16, 15, 14, 13);
        // never flip: the identity
        new Augmentation(4, 0, 0.0).apply(px, 0, 1, 4, 4, new SplittableRandom(1), out, 0);
        assertThat(out).isEqualTo(px);
        // pad 1, crop 4, no flip: every result is a 4×4 window of the zero-padded 6×6 image
        byte[] padded = new byte[36];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                padded[(y + 1) * 6 + x + 1] = px[y * 4 + x];
            }
        }
        Augmentation crop = new Augmentation(4, 1, 0.0);
        boolean[][] seen = new boolean[3][3];
        for (int s = 0; s < 200; s++) {
            SplittableRandom draw = new SplittableRandom(s);
            int top = draw.nextInt(3);
            int left = draw.nextInt(3);
            seen[top][left] = true;
            crop.apply(px, 0, 1, 4, 4, new SplittableRandom(s), out, 0);
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    assertThat(out[y * 4 + x]).isEqualTo(padded[(top + y) * 6 + left + x]);
                }
            }
        }
        for (boolean[] row : seen) {
            assertThat(row).containsOnly(true);
        }
    }

    @Test
    void flipsAboutHalfTheTime() {
        Dataset d = cifarLike();
        Augmentation flipOnly = new Augmentation(32, 0, 0.5);
        int flips = 0;
        int n = 400;
        for (int i = 0; i < n; i++) {
            UInt8Image img = flipOnly.apply(d, i % 20, Augmentation.rngFor(3, i, i % 20));
            flips += Arrays.equals(img.pixels(), d.image(i % 20)) ? 0 : 1;
        }
        assertThat(flips).isBetween(150, 250);
    }

    @Test
    void rngForIsPinned() {
        SplittableRandom r = Augmentation.rngFor(7L, 0, 3);
        assertThat(r.nextInt(9)).isEqualTo(1);
        assertThat(r.nextInt(9)).isEqualTo(6);
        assertThat(r.nextDouble()).isEqualTo(0.07770034245574686);
    }
}
