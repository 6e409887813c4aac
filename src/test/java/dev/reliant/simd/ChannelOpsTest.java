package dev.reliant.simd;

import static dev.reliant.simd.TestArrays.filled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class ChannelOpsTest {

    /** x[b][c][y][x] = 1000·b + 100·c + 10·y + x, so every value names its position. */
    static float[] positional(int batch, int channels, int h, int w) {
        float[] v = new float[batch * channels * h * w];
        int i = 0;
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        v[i++] = 1000 * b + 100 * c + 10 * y + x;
                    }
                }
            }
        }
        return v;
    }

    @Test
    void optionAShortcutOnAKnownExample() {
        // One image, 2 channels of 4x4, stride 2, one zero channel on each side (planes = 4 → 4/4 = 1).
        float[] x = positional(1, 2, 4, 4);
        float[] y = filled(4 * 2 * 2, -1f); // zeros must be written, not assumed
        ChannelOps.padChannelsSubsample(x, 0, 1, 2, 4, 4, 2, 1, 1, y, 0);
        assertThat(y).containsExactly(
                0, 0, 0, 0, //             channel 0: padding
                0, 2, 20, 22, //           channel 1 = input channel 0 at rows 0, 2 and columns 0, 2
                100, 102, 120, 122, //     channel 2 = input channel 1
                0, 0, 0, 0); //            channel 3: padding
        for (float v : y) {
            assertThat(Float.floatToRawIntBits(v)).isNotEqualTo(Float.floatToRawIntBits(-0f));
        }
    }

    @Test
    void optionAShortcutWithOddSizesBatchAndOffsets() {
        // 2 images, 1 channel of 5x3, stride 2 → 3x2 output; 2 zero channels before, 1 after.
        float[] x = positional(2, 1, 5, 3);
        float[] xs = new float[x.length + 3];
        System.arraycopy(x, 0, xs, 3, x.length);
        float[] y = filled(1 + 2 * 4 * 3 * 2 + 1, 7f);
        ChannelOps.padChannelsSubsample(xs, 3, 2, 1, 5, 3, 2, 2, 1, y, 1);
        float[] z = new float[6];
        float[] expected = new float[y.length];
        expected[0] = 7f;
        expected[y.length - 1] = 7f;
        // image 0: channels 0, 1 zero; channel 2 = rows 0, 2, 4 × columns 0, 2; channel 3 zero.
        float[] img0 = {0, 2, 20, 22, 40, 42};
        float[] img1 = {1000, 1002, 1020, 1022, 1040, 1042};
        int o = 1;
        for (float[] img : new float[][] {img0, img1}) {
            System.arraycopy(z, 0, expected, o, 6);
            System.arraycopy(z, 0, expected, o + 6, 6);
            System.arraycopy(img, 0, expected, o + 12, 6);
            System.arraycopy(z, 0, expected, o + 18, 6);
            o += 24;
        }
        assertThat(y).containsExactly(expected);
    }

    @Test
    void strideOneIsAPlainChannelPadding() {
        float[] x = positional(2, 3, 2, 3);
        float[] y = new float[2 * 5 * 6];
        ChannelOps.padChannelsSubsample(x, 0, 2, 3, 2, 3, 1, 0, 2, y, 0);
        for (int b = 0; b < 2; b++) {
            assertThat(Arrays.copyOfRange(y, b * 30, b * 30 + 18)).containsExactly(Arrays.copyOfRange(x, b * 18, b * 18 + 18));
            assertThat(Arrays.copyOfRange(y, b * 30 + 18, b * 30 + 30)).containsOnly(0f);
        }
    }

    @Test
    void subsampledSizeIsTheCeiling() {
        assertThat(ChannelOps.subsampledSize(4, 2)).isEqualTo(2);
        assertThat(ChannelOps.subsampledSize(5, 2)).isEqualTo(3);
        assertThat(ChannelOps.subsampledSize(1, 2)).isEqualTo(1);
        assertThat(ChannelOps.subsampledSize(32, 2)).isEqualTo(16);
        assertThat(ChannelOps.subsampledSize(7, 3)).isEqualTo(3);
        assertThat(ChannelOps.subsampledSize(0, 2)).isZero();
        assertThat(ChannelOps.subsampledSize(Integer.MAX_VALUE, 2)).isEqualTo(1 << 30);
    }

    @Test
    void concatKeepsTheOrderOfInputs() {
        // Two images; input A has 1 channel, input B has 2 channels; 2 values per channel.
        float[] a = {1, 2, /* image 1 */ 3, 4};
        float[] b = {10, 11, 12, 13, /* image 1 */ 14, 15, 16, 17};
        float[] out = new float[2 * 3 * 2];
        ChannelOps.concat(2, 2, new float[][] {a, b}, new int[] {1, 2}, out, 0);
        assertThat(out).containsExactly(1, 2, 10, 11, 12, 13, /**/ 3, 4, 14, 15, 16, 17);

        ChannelOps.concat(2, 2, new float[][] {b, a}, new int[] {2, 1}, out, 0);
        assertThat(out).containsExactly(10, 11, 12, 13, 1, 2, /**/ 14, 15, 16, 17, 3, 4);

        // Offsets, an empty input, output offset.
        float[] aShifted = {-1, -1, 1, 2, 3, 4};
        float[] out2 = new float[13];
        ChannelOps.concat(2, 2, new float[][] {aShifted, new float[0], b}, new int[] {2, 0, 0}, new int[] {1, 0, 2},
                out2, 1);
        assertThat(out2).containsExactly(0, 1, 2, 10, 11, 12, 13, 3, 4, 14, 15, 16, 17);
    }

    @Test
    void sliceCopiesAChannelRange() {
        float[] x = positional(2, 4, 1, 2);
        float[] y = new float[2 * 2 * 2];
        ChannelOps.slice(x, 0, 2, 4, 2, 1, 2, y, 0);
        assertThat(y).containsExactly(100, 101, 200, 201, /**/ 1100, 1101, 1200, 1201);

        // Slicing undoes a concat.
        float[] a = positional(3, 2, 2, 2);
        float[] b = positional(3, 3, 2, 2);
        float[] cat = new float[3 * 5 * 4];
        ChannelOps.concat(3, 4, new float[][] {a, b}, new int[] {2, 3}, cat, 0);
        float[] back = new float[b.length];
        ChannelOps.slice(cat, 0, 3, 5, 4, 2, 3, back, 0);
        assertThat(back).containsExactly(b);
    }

    @Test
    void invalidArgumentsNameTheOperand() {
        float[] x = new float[16];
        float[] y = new float[16];
        assertThatThrownBy(() -> ChannelOps.padChannelsSubsample(x, 0, 1, 1, 4, 4, 0, 1, 1, y, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride must be positive");
        assertThatThrownBy(() -> ChannelOps.padChannelsSubsample(x, 0, 1, 1, 4, 4, 2, -1, 1, y, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("padBefore must not be negative");
        assertThatThrownBy(() -> ChannelOps.padChannelsSubsample(x, 0, 1, 1, 4, 4, 2, 2, 3, y, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y [1 x 6 x 2 x 2] too short");
        assertThatThrownBy(() -> ChannelOps.padChannelsSubsample(x, 1, 1, 1, 4, 4, 2, 1, 1, y, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x [1 x 1 x 4 x 4] too short");
        assertThatThrownBy(() -> ChannelOps.padChannelsSubsample(x, 0, 1, -1, 4, 4, 2, 1, 1, y, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channels must not be negative");
        assertThatThrownBy(() -> ChannelOps.concat(1, 4, new float[][] {x, x}, new int[] {2}, y, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channels has 1 counts for 2 inputs");
        assertThatThrownBy(() -> ChannelOps.concat(1, 4, new float[][] {x, new float[3]}, new int[] {2, 1}, y, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inputs[1] [1 x 1 x 4] too short");
        assertThatThrownBy(() -> ChannelOps.concat(1, 4, new float[][] {x, x}, new int[] {2, 3}, y, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out [1 x 5 x 4] too short");
        assertThatThrownBy(() -> ChannelOps.concat(1, 4, new float[][] {x, null}, new int[] {2, 1}, new float[12], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inputs[1]").hasMessageContaining("null");
        assertThatThrownBy(() -> ChannelOps.concat(1, 4, new float[][] {x}, new int[] {-2}, y, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channels[0] must not be negative");
        assertThatThrownBy(() -> ChannelOps.slice(x, 0, 1, 4, 4, 3, 2, y, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channel range [3, 5) exceeds the 4 channels");
        assertThatThrownBy(() -> ChannelOps.slice(x, 0, 1, 4, 4, 1, 2, new float[7], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y [1 x 2 x 4] too short");
        assertThat(y).containsOnly(0f);
    }
}
