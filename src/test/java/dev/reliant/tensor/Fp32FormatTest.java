package dev.reliant.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Fp32FormatTest {
    private static final Fp32Format F = Fp32Format.INSTANCE;

    @Test
    void rawRoundTripOfRandomPatternsIncludingNans() {
        SplittableRandom random = new SplittableRandom(42L);
        int nans = 0;
        for (int i = 0; i < 1_000_000; i++) {
            int x = random.nextInt();
            if (i % 4 == 0) {
                x |= 0x7F80_0000; // many NaNs with payloads, signalling and quiet
            }
            float v = Float.intBitsToFloat(x);
            nans += Float.isNaN(v) ? 1 : 0;
            long code = F.encode(v);
            assertThat(code).isEqualTo(x & 0xFFFF_FFFFL);
            assertThat(Float.floatToRawIntBits(F.decode(code))).isEqualTo(x);
            assertThat(Float.floatToRawIntBits(F.quantize(v))).isEqualTo(x);
        }
        assertThat(nans).isGreaterThan(200_000);
        for (int x : new int[] {0x7F80_0001, 0xFF80_0123, 0x7FBF_FFFF, 0x7FC0_0001, 0x8000_0000}) {
            assertThat(Float.floatToRawIntBits(F.decode(F.encode(Float.intBitsToFloat(x)))))
                    .isEqualTo(x);
        }
    }

    @Test
    void specTestVectorBit30() {
        // fault-injection spec: ResNet-20 conv1 (13,0,0,0) ~ -0.43770, bit 30 flipped ~ -1.489e38
        float w = -0.43770f;
        float faulty = F.decode(F.flip(F.encode(w), 30));
        assertThat((double) faulty).isCloseTo(-1.489e38, within(0.001e38));
        assertThat((double) faulty).isEqualTo(Math.scalb((double) w, 128));
        assertThat(F.decode(F.flip(F.encode(faulty), 30))).isEqualTo(w); // a flip undoes itself
    }

    @Test
    void bitNumbering() {
        assertThat(F.decode(F.flip(F.encode(1.5f), 31))).isEqualTo(-1.5f); // sign
        assertThat(F.decode(F.flip(F.encode(1f), 0))).isEqualTo(Math.nextUp(1f)); // one ulp
        assertThat(F.decode(F.flip(F.encode(1f), 22))).isEqualTo(1.5f); // top mantissa bit
        assertThat(F.decode(F.flip(F.encode(1f), 23))).isEqualTo(0.5f); // lowest exponent bit
        assertThat(F.testBit(F.encode(-1f), 31)).isTrue();
        assertThat(F.testBit(F.encode(1f), 31)).isFalse();
    }

    @Test
    void stuckAtBits() {
        long one = F.encode(1f); // 0x3F800000: bit 29 set, bit 30 clear
        assertThat(F.setBit(one, 29)).isEqualTo(one); // already 1: no-op
        assertThat(F.clearBit(one, 30)).isEqualTo(one); // already 0: no-op
        assertThat(F.decode(F.setBit(one, 31))).isEqualTo(-1f);
        assertThat(F.decode(F.clearBit(one, 29))).isEqualTo(Float.intBitsToFloat(0x1F80_0000));
        assertThat(F.flip(0xFFFF_FFFFL, 31)).isEqualTo(0x7FFF_FFFFL);
    }

    @Test
    void bitOutOfRange() {
        assertThatThrownBy(() -> F.flip(0, 32))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bit 32 out of range for fp32 (bits 0..31)");
        assertThatThrownBy(() -> F.setBit(0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> F.clearBit(0, 40)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> F.testBit(0, 32)).isInstanceOf(IllegalArgumentException.class);
    }
}
