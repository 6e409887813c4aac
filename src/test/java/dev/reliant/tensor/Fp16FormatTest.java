package dev.reliant.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * fp16 against two references: an independent nearest-value search over the table of all
 * binary16 values (any JDK), and {@code Float.floatToFloat16} / {@code float16ToFloat} (JDK 20+,
 * skipped on older JDKs).
 */
class Fp16FormatTest {
    private static final Fp16Format F = Fp16Format.INSTANCE;

    /**
     * Values of codes 0..0x7BFF (all finite non-negative binary16), increasing, by formula; the
     * infinity code 0x7C00 stands for 2^16, where rounding with an unbounded exponent would go.
     */
    private static final double[] POSITIVE = new double[0x7C01];

    static {
        for (int c = 0; c <= 0x7C00; c++) {
            int exp = c >>> 10;
            int mant = c & 0x3FF;
            POSITIVE[c] = exp == 0 ? Math.scalb((double) mant, -24)
                    : Math.scalb(1.0 + mant / 1024.0, exp - 15);
        }
    }

    /** The IEEE round-to-nearest-even encoding of a non-NaN float, found by search. */
    private static int reference(float v) {
        int sign = Float.floatToRawIntBits(v) < 0 ? 0x8000 : 0;
        double a = Math.abs((double) v);
        if (a >= 65520.0) { // max + half ulp, and its tie rounds to the even Inf code
            return sign | 0x7C00;
        }
        int i = Arrays.binarySearch(POSITIVE, a);
        if (i >= 0) {
            return sign | i;
        }
        int hi = -i - 1; // POSITIVE[hi - 1] < a < POSITIVE[hi]
        int lo = hi - 1;
        double dLo = a - POSITIVE[lo];
        double dHi = POSITIVE[hi] - a;
        int c = dLo < dHi ? lo : dHi < dLo ? hi : ((lo & 1) == 0 ? lo : hi);
        return sign | c;
    }

    private static final MethodHandle JDK_ENCODE = find("floatToFloat16",
            MethodType.methodType(short.class, float.class));
    private static final MethodHandle JDK_DECODE = find("float16ToFloat",
            MethodType.methodType(float.class, short.class));

    private static MethodHandle find(String name, MethodType type) {
        try {
            return MethodHandles.publicLookup().findStatic(Float.class, name, type);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static int jdkEncode(float v) {
        try {
            return (short) JDK_ENCODE.invokeExact(v) & 0xFFFF;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static float jdkDecode(int code) {
        try {
            return (float) JDK_DECODE.invokeExact((short) code);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static void checkEncode(float v) {
        int expected = reference(v);
        long actual = F.encode(v);
        if (actual != expected) {
            throw new AssertionError(String.format("encode(%s = 0x%08X) = 0x%04X, expected 0x%04X",
                    v, Float.floatToRawIntBits(v), actual, expected));
        }
    }

    private static void checkEncodeAgainstJdk(float v) {
        int expected = jdkEncode(v);
        long actual = F.encode(v);
        if (actual != expected) {
            throw new AssertionError(String.format("encode(%s = 0x%08X) = 0x%04X, JDK gives 0x%04X",
                    v, Float.floatToRawIntBits(v), actual, expected));
        }
    }

    /** Every float near a rounding boundary: each value, each midpoint, and their neighbours. */
    private static void forEachBoundaryFloat(IntConsumer bits) {
        for (int c = 0; c < 0x7C00; c++) {
            double next = POSITIVE[c + 1];
            float value = (float) POSITIVE[c];
            float mid = (float) ((POSITIVE[c] + next) / 2); // exact: needs 12 significant bits
            for (float f : new float[] {value, mid}) {
                for (float g : new float[] {f, Math.nextUp(f), Math.nextDown(f),
                        Math.nextUp(Math.nextUp(f)), Math.nextDown(Math.nextDown(f))}) {
                    bits.accept(Float.floatToRawIntBits(g));
                    bits.accept(Float.floatToRawIntBits(-g));
                }
            }
        }
        for (int e = -150; e <= -24; e++) { // the underflow region
            float f = (float) Math.scalb(1.0, e);
            bits.accept(Float.floatToRawIntBits(f));
            bits.accept(Float.floatToRawIntBits(Math.nextUp(f)));
            bits.accept(Float.floatToRawIntBits(-Math.nextUp(f)));
        }
    }

    private static void forEachNonNanSample(IntConsumer bits) {
        forEachBoundaryFloat(bits);
        for (long i = 0; i < (1L << 32); i += 1L << 8) { // every 256th bit pattern
            int x = (int) i;
            if (!Float.isNaN(Float.intBitsToFloat(x))) {
                bits.accept(x);
            }
        }
        SplittableRandom random = new SplittableRandom(20240611L);
        for (int i = 0; i < 2_000_000; i++) {
            int x = random.nextInt();
            if (!Float.isNaN(Float.intBitsToFloat(x))) {
                bits.accept(x);
            }
        }
        for (float f : new float[] {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, Float.MIN_NORMAL}) {
            bits.accept(Float.floatToRawIntBits(f));
        }
    }

    @Test
    void decodeMatchesTheDefinitionForEveryCode() {
        for (int c = 0; c < 0x10000; c++) {
            int mag = c & 0x7FFF;
            int sign = (c & 0x8000) << 16;
            int expected = mag <= 0x7C00 // finite by formula, or infinity (2^16 in the table)
                    ? sign | Float.floatToRawIntBits(mag == 0x7C00 ? Float.POSITIVE_INFINITY
                            : (float) POSITIVE[mag])
                    : sign | 0x7F80_0000 | (c & 0x3FF) << 13; // NaN, payload kept
            int actual = Float.floatToRawIntBits(F.decode(c));
            if (actual != expected) {
                throw new AssertionError(String.format("decode(0x%04X) = 0x%08X, expected 0x%08X",
                        c, actual, expected));
            }
        }
    }

    @Test
    void decodeMatchesJdkForAllCodes() {
        assumeThat(JDK_DECODE).as("Float.float16ToFloat (JDK 20+)").isNotNull();
        for (int c = 0; c < 0x10000; c++) {
            int expected = Float.floatToRawIntBits(jdkDecode(c));
            int actual = Float.floatToRawIntBits(F.decode(c));
            if (Float.isNaN(F.decode(c))) {
                actual |= 0x0040_0000; // the JDK quiets signalling NaNs; we keep the bits as stored
            }
            if (actual != expected) {
                throw new AssertionError(String.format("decode(0x%04X) = 0x%08X, JDK gives 0x%08X",
                        c, actual, expected));
            }
        }
    }

    @Test
    void encodeMatchesNearestValueSearch() {
        forEachNonNanSample(x -> checkEncode(Float.intBitsToFloat(x)));
    }

    @Test
    void encodeMatchesJdk() {
        assumeThat(JDK_ENCODE).as("Float.floatToFloat16 (JDK 20+)").isNotNull();
        forEachNonNanSample(x -> checkEncodeAgainstJdk(Float.intBitsToFloat(x)));
    }

    @Test
    void encodeOfDecodeIsTheCodeForEveryNonNanCode() {
        for (int c = 0; c < 0x10000; c++) {
            float d = F.decode(c);
            long expected = Float.isNaN(d) ? c | 0x200 : c; // NaN: quiet bit set
            if (F.encode(d) != expected) {
                throw new AssertionError(String.format("encode(decode(0x%04X)) = 0x%04X", c, F.encode(d)));
            }
        }
    }

    @Test
    void tiesRoundToEven() {
        assertThat(F.encode(1f + 0x1p-11f)).isEqualTo(0x3C00); // 1 + half ulp -> 1 (even)
        assertThat(F.encode(Math.nextUp(1f + 0x1p-11f))).isEqualTo(0x3C01);
        assertThat(F.encode(1f + 3 * 0x1p-11f)).isEqualTo(0x3C02); // 1.5 ulp -> 2 ulp (even)
        assertThat(F.encode(Math.nextDown(1f + 3 * 0x1p-11f))).isEqualTo(0x3C01);
        assertThat(F.encode(-(1f + 0x1p-11f))).isEqualTo(0xBC00);
        assertThat(F.encode(2049f)).isEqualTo(F.encode(2048f)); // integers beyond 2^11
        assertThat(F.encode(2051f)).isEqualTo(F.encode(2052f));
    }

    @Test
    void subnormals() {
        assertThat(F.encode(0x1p-24f)).isEqualTo(0x0001); // smallest subnormal
        assertThat(F.decode(0x0001)).isEqualTo(0x1p-24f);
        assertThat(F.encode(0x1p-25f)).isEqualTo(0x0000); // halfway below it: to even, 0
        assertThat(F.encode(-0x1p-25f)).isEqualTo(0x8000); // -0 keeps its sign
        assertThat(F.encode(Math.nextUp(0x1p-25f))).isEqualTo(0x0001);
        assertThat(F.encode(1.5f * 0x1p-24f)).isEqualTo(0x0002); // tie -> even
        assertThat(F.encode(2.5f * 0x1p-24f)).isEqualTo(0x0002);
        assertThat(F.encode(1023 * 0x1p-24f)).isEqualTo(0x03FF); // largest subnormal
        assertThat(F.decode(0x03FF)).isEqualTo(1023 * 0x1p-24f);
        assertThat(F.encode(1023.5f * 0x1p-24f)).isEqualTo(0x0400); // tie -> even: smallest normal
        assertThat(F.encode(0x1p-14f)).isEqualTo(0x0400);
        assertThat(F.encode(Float.MIN_VALUE)).isEqualTo(0x0000);
        assertThat(F.encode(Float.MIN_NORMAL)).isEqualTo(0x0000);
    }

    @Test
    void overflowGoesToInfinity() {
        assertThat(F.encode(65504f)).isEqualTo(0x7BFF);
        assertThat(F.encode(Math.nextDown(65520f))).isEqualTo(0x7BFF);
        assertThat(F.encode(65520f)).isEqualTo(0x7C00);
        assertThat(F.encode(-65520f)).isEqualTo(0xFC00);
        assertThat(F.encode(Float.MAX_VALUE)).isEqualTo(0x7C00);
        assertThat(F.encode(Float.NEGATIVE_INFINITY)).isEqualTo(0xFC00);
        assertThat(F.decode(0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    void nanKeepsSignAndTopPayloadAndBecomesQuiet() {
        assertThat(F.encode(Float.NaN)).isEqualTo(0x7E00);
        // a signalling NaN whose payload lies below the kept bits must not become infinity
        assertThat(F.encode(Float.intBitsToFloat(0x7F80_0001))).isEqualTo(0x7E00);
        assertThat(F.encode(Float.intBitsToFloat(0xFFA0_0000))).isEqualTo(0xFF00);
        assertThat(F.encode(Float.intBitsToFloat(0x7FC0_2000 | 0x1FFF))).isEqualTo(0x7E01);
        float d = F.decode(0x7C01);
        assertThat(Float.isNaN(d)).isTrue();
        assertThat(Float.floatToRawIntBits(d)).isEqualTo(0x7F80_2000);
        assertThat(Float.floatToRawIntBits(F.decode(0xFE55))).isEqualTo(0xFFC0_0000 | 0x55 << 13);
    }

    @Test
    void everyNanEncodesToSignQuietBitAndTopPayload() {
        SplittableRandom random = new SplittableRandom(99L);
        for (int i = 0; i < 1_000_000; i++) {
            int x = random.nextInt() | 0x7F80_0000;
            if ((x & 0x7F_FFFF) == 0) {
                continue; // infinity
            }
            long expected = (x >>> 16 & 0x8000) | 0x7E00 | (x >>> 13 & 0x3FF);
            long actual = F.encode(Float.intBitsToFloat(x));
            if (actual != expected) {
                throw new AssertionError(String.format("encode(0x%08X) = 0x%04X, expected 0x%04X",
                        x, actual, expected));
            }
        }
    }

    @Test
    void decodeIgnoresHighBits() {
        assertThat(F.decode(0xABCD_3C00L)).isEqualTo(1f);
    }
}
