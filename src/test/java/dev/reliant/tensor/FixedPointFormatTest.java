package dev.reliant.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FixedPointFormatTest {

    @Test
    void q3_4EncodesRoundsAndSaturates() {
        FixedPointFormat f = new FixedPointFormat(3, 4);
        assertThat(f.bits()).isEqualTo(8);
        assertThat(f.encode(1.0625f)).isEqualTo(17);
        assertThat(f.encode(-1.0625f)).isEqualTo(0xEF);
        assertThat(f.encode(100f)).isEqualTo(0x7F); // 7.9375
        assertThat(f.encode(-100f)).isEqualTo(0x80); // -8: the full two's complement range
        assertThat(f.encode(Float.POSITIVE_INFINITY)).isEqualTo(0x7F);
        assertThat(f.encode(Float.NaN)).isZero();
        assertThat(f.decode(0x7F)).isEqualTo(7.9375f);
        assertThat(f.decode(0x80)).isEqualTo(-8f);
        assertThat(f.encode(1f / 32)).isEqualTo(0); // 0.5 -> 0 (ties to even)
        assertThat(f.encode(3f / 32)).isEqualTo(2); // 1.5 -> 2
        assertThat(f.decode(f.flip(f.encode(1f), 7))).isEqualTo(-7f); // sign bit: 16 - 128 = -112
    }

    @Test
    void q15_16IsThirtyTwoBits() {
        FixedPointFormat f = FixedPointFormat.q15_16();
        assertThat(f.bits()).isEqualTo(32);
        assertThat(f).hasToString("Q15.16");
        assertThat(f.encode(1.5f)).isEqualTo(0x0001_8000L);
        assertThat(f.encode(-1f)).isEqualTo(0xFFFF_0000L);
        assertThat(f.encode(40000f)).isEqualTo(0x7FFF_FFFFL);
        assertThat(f.encode(-40000f)).isEqualTo(0x8000_0000L);
        assertThat(f.decode(0x8000_0000L)).isEqualTo(-32768f);
        assertThat(f.decode(0x0000_0001L)).isEqualTo(0x1p-16f);
        // wider than a float's 24-bit significand: rounded once to the nearest float
        assertThat(f.decode(0x7FFF_FFFFL)).isEqualTo(32768f);
        assertThat(f.decode(0x0100_0001L)).isEqualTo((float) (0x0100_0001 / 65536.0));
        assertThat(f.decode(f.flip(f.encode(0.5f), 30))).isEqualTo(16384.5f);
    }

    @Test
    void wideFormatsRoundTripInValue() {
        SplittableRandom random = new SplittableRandom(3L);
        for (FixedPointFormat f : new FixedPointFormat[] {FixedPointFormat.q15_16(),
                new FixedPointFormat(0, 31), new FixedPointFormat(31, 0), new FixedPointFormat(7, 17)}) {
            for (int i = 0; i < 200_000; i++) {
                long c = random.nextLong() & f.mask();
                float d = f.decode(c);
                assertThat(Float.floatToRawIntBits(f.decode(f.encode(d))))
                        .as("%s code 0x%X", f, c)
                        .isEqualTo(Float.floatToRawIntBits(d));
            }
        }
    }

    @Test
    void invalidWidthsAreRejected() {
        assertThatThrownBy(() -> new FixedPointFormat(16, 16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fixed point Q16.16: need m, n >= 0 and 2 <= 1 + m + n <= 32");
        assertThatThrownBy(() -> new FixedPointFormat(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FixedPointFormat(-1, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FixedPointFormat(Integer.MAX_VALUE, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
