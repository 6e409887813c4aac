package dev.reliant.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IntFormatTest {

    @Test
    void int8EncodesRoundsAndClampsSymmetrically() {
        IntFormat f = IntFormat.int8(0.1f);
        assertThat(f.bits()).isEqualTo(8);
        assertThat(f.maxCode()).isEqualTo(127);
        assertThat(f.encode(0.3f)).isEqualTo(3);
        assertThat(f.encode(-0.3f)).isEqualTo(0xFD); // -3 in 8-bit two's complement
        assertThat(f.encode(12.7f)).isEqualTo(0x7F);
        assertThat(f.encode(100f)).isEqualTo(0x7F); // saturates
        assertThat(f.encode(-100f)).isEqualTo(0x81); // -127, not -128: symmetric
        assertThat(f.encode(Float.POSITIVE_INFINITY)).isEqualTo(0x7F);
        assertThat(f.encode(Float.NEGATIVE_INFINITY)).isEqualTo(0x81);
        assertThat(f.encode(Float.NaN)).isZero();
        assertThat(f.encode(-0f)).isZero();
        assertThat(f.decode(0x7F)).isEqualTo(127 * 0.1f);
        assertThat(f.decode(0x81)).isEqualTo(-127 * 0.1f);
    }

    @Test
    void mostNegativeCodeIsReachableByABitFlipAndDecodes() {
        IntFormat f = IntFormat.int8(0.5f);
        long zero = f.encode(0f);
        long flipped = f.flip(zero, 7);
        assertThat(flipped).isEqualTo(0x80);
        assertThat(f.decode(flipped)).isEqualTo(-64f); // -128 * 0.5
        assertThat(f.encode(f.decode(flipped))).isEqualTo(0x81); // re-encoding clamps
    }

    @Test
    void tiesRoundHalfToEvenLikeRint() {
        IntFormat f = new IntFormat(8, 0.5f);
        assertThat(f.encode(0.25f)).isEqualTo(0); // 0.5 -> 0
        assertThat(f.encode(0.75f)).isEqualTo(2); // 1.5 -> 2
        assertThat(f.encode(1.25f)).isEqualTo(2); // 2.5 -> 2
        assertThat(f.encode(-0.75f)).isEqualTo(0xFE); // -1.5 -> -2
    }

    @Test
    void int4UsesFourBits() {
        IntFormat f = new IntFormat(4, 1f);
        assertThat(f.encode(8f)).isEqualTo(0x7);
        assertThat(f.encode(-8f)).isEqualTo(0x9); // -7
        assertThat(f.encode(-1f)).isEqualTo(0xF);
        assertThat(f.decode(0x8)).isEqualTo(-8f);
        assertThat(f.decode(0xFFF1L)).isEqualTo(1f); // high bits ignored
        assertThat(f.flip(0xF, 3)).isEqualTo(0x7);
        assertThatThrownBy(() -> f.flip(0, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bit 4 out of range for int4:1.0 (bits 0..3)");
    }

    @Test
    void scaleFor() {
        assertThat(IntFormat.scaleFor(12.7f, 8)).isEqualTo(12.7f / 127);
        assertThat(IntFormat.scaleFor(7f, 4)).isEqualTo(1f);
        assertThat(IntFormat.scaleFor(0f, 8)).isEqualTo(1f);
        assertThat(IntFormat.scaleFor(Float.MIN_VALUE, 8)).isEqualTo(Float.MIN_NORMAL);
        assertThatThrownBy(() -> IntFormat.scaleFor(-1f, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IntFormat.scaleFor(Float.NaN, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IntFormat.scaleFor(1f, 17)).isInstanceOf(IllegalArgumentException.class);

        Tensor w = Tensor.of(new float[] {0.5f, -2.54f, 1f}, 3);
        IntFormat f = IntFormat.symmetricFor(w, 8);
        assertThat(f.scale()).isEqualTo(2.54f / 127);
        assertThat(f.encode(-2.54f)).isEqualTo(0x81);
    }

    @Test
    void invalidWidthOrScaleIsRejected() {
        assertThatThrownBy(() -> new IntFormat(1, 1f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("int format: bits must be in 2..16, got 1");
        assertThatThrownBy(() -> new IntFormat(17, 1f)).isInstanceOf(IllegalArgumentException.class);
        for (float bad : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE,
                Float.MAX_VALUE}) {
            assertThatThrownBy(() -> new IntFormat(8, bad))
                    .as("scale %s", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("int8: scale must be");
        }
    }
}
