package dev.reliant.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Bf16FormatTest {
    private static final Bf16Format F = Bf16Format.INSTANCE;

    /** Magnitude of a 16-bit magnitude pattern, with the infinity pattern standing for 2^128. */
    private static double magnitude(int pattern) {
        return pattern >= 0x7F80 ? Math.scalb(1.0, 128) : Float.intBitsToFloat(pattern << 16);
    }

    /** Round to nearest, ties to even, by comparing distances to the two neighbours. */
    private static int reference(float v) {
        int x = Float.floatToRawIntBits(v);
        int sign = (x >>> 16) & 0x8000;
        int lo = (x & 0x7FFF_FFFF) >>> 16;
        if (lo == 0x7F80) {
            return sign | lo; // infinity
        }
        double a = Math.abs((double) v);
        double dLo = a - magnitude(lo);
        double dHi = magnitude(lo + 1) - a;
        int c = dLo < dHi ? lo : dHi < dLo ? lo + 1 : ((lo & 1) == 0 ? lo : lo + 1);
        return sign | c;
    }

    @Test
    void encodeMatchesNearestValueOnManyPatterns() {
        SplittableRandom random = new SplittableRandom(7L);
        for (long i = 0; i < (1L << 32); i += 0x3FF) {
            check((int) i);
        }
        for (int i = 0; i < 1_000_000; i++) {
            int x = random.nextInt();
            check(x);
            check(x & 0xFFFF_0000 | 0x8000); // exact ties
            check(x & 0xFFFF_0000 | 0x7FFF);
            check(x & 0xFFFF_0000 | 0x8001);
        }
    }

    private static void check(int x) {
        float v = Float.intBitsToFloat(x);
        if (Float.isNaN(v)) {
            return;
        }
        long actual = F.encode(v);
        int expected = reference(v);
        if (actual != expected) {
            throw new AssertionError(String.format("encode(0x%08X) = 0x%04X, expected 0x%04X",
                    x, actual, expected));
        }
    }

    @Test
    void decodeIsTheTopHalfOfAFloat() {
        for (int c = 0; c < 0x10000; c++) {
            assertThat(Float.floatToRawIntBits(F.decode(c))).isEqualTo(c << 16);
            assertThat(F.encode(F.decode(c))).as("code 0x%04X", c).isEqualTo(c);
        }
    }

    @Test
    void tiesRoundToEven() {
        assertThat(F.encode(1f + 0x1p-8f)).isEqualTo(0x3F80); // half ulp above 1 -> 1
        assertThat(F.encode(Math.nextUp(1f + 0x1p-8f))).isEqualTo(0x3F81);
        assertThat(F.encode(1f + 3 * 0x1p-8f)).isEqualTo(0x3F82); // 1.5 ulp -> 2 ulp
        assertThat(F.encode(-(1f + 3 * 0x1p-8f))).isEqualTo(0xBF82);
    }

    @Test
    void overflowAndSubnormals() {
        assertThat(F.encode(Float.MAX_VALUE)).isEqualTo(0x7F80);
        assertThat(F.encode(-Float.MAX_VALUE)).isEqualTo(0xFF80);
        assertThat(F.encode(Float.intBitsToFloat(0x7F7F_7FFF))).isEqualTo(0x7F7F);
        assertThat(F.encode(Float.intBitsToFloat(0x7F7F_8000))).isEqualTo(0x7F80); // tie, odd -> Inf
        assertThat(F.encode(Float.MIN_VALUE)).isEqualTo(0x0000);
        assertThat(F.encode(Float.intBitsToFloat(0x0000_8001))).isEqualTo(0x0001);
        assertThat(F.encode(-0f)).isEqualTo(0x8000);
    }

    @Test
    void nanStaysNan() {
        assertThat(F.encode(Float.NaN)).isEqualTo(0x7FC0);
        assertThat(F.encode(Float.intBitsToFloat(0x7F80_0001))).isEqualTo(0x7FC0); // not Inf
        assertThat(F.encode(Float.intBitsToFloat(0xFF80_FFFF))).isEqualTo(0xFFC0);
        assertThat(F.encode(Float.intBitsToFloat(0x7FA0_0000))).isEqualTo(0x7FA0); // payload kept
        assertThat(F.encode(Float.intBitsToFloat(0xFF81_0000))).isEqualTo(0xFF81);
        assertThat(Float.isNaN(F.decode(0x7F81))).isTrue();
    }
}
