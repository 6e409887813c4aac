package dev.reliant.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class NumberFormatsTest {

    /** Every format of at most 16 bits that the tests enumerate exhaustively. */
    static List<NumberFormat> narrowFormats() {
        List<NumberFormat> formats = new ArrayList<>();
        formats.add(NumberFormats.FP16);
        formats.add(NumberFormats.BF16);
        for (int n = 2; n <= 16; n++) {
            for (float scale : new float[] {1f, 0.1f, 0x1p-7f, 0.0123f, 3.7e-5f, 1000f}) {
                formats.add(new IntFormat(n, scale));
            }
        }
        for (int m = 0; m <= 15; m++) {
            for (int n = 0; m + n <= 15; n++) {
                if (m + n >= 1) {
                    formats.add(new FixedPointFormat(m, n));
                }
            }
        }
        return formats;
    }

    @Test
    void everyNarrowFormatIsEnumerated() {
        assertThat(narrowFormats()).hasSize(2 + 15 * 6 + 135);
    }

    @ParameterizedTest
    @MethodSource("narrowFormats")
    void decodeEncodeDecodeIsIdentityForEveryCode(NumberFormat f) {
        assertThat(f.bits()).isBetween(2, 16);
        long codes = 1L << f.bits();
        int clamped = 0;
        for (long c = 0; c < codes; c++) {
            float d = f.decode(c);
            long code = f.encode(d);
            int bits = Float.floatToRawIntBits(d);
            int again = Float.floatToRawIntBits(f.decode(code));
            boolean ok;
            if (Float.isNaN(d)) {
                // NaN stays NaN; fp16 may set the quiet bit, sign and payload otherwise kept
                ok = Float.isNaN(Float.intBitsToFloat(again))
                        && (again & ~0x0040_0000) == (bits & ~0x0040_0000);
            } else if (f instanceof IntFormat && c == 1L << (f.bits() - 1)) {
                // -2^(N-1) lies outside the symmetric range: it re-encodes clamped to -(2^(N-1)-1)
                IntFormat i = (IntFormat) f;
                ok = again == Float.floatToRawIntBits(-i.maxCode() * i.scale());
                clamped++;
            } else {
                ok = again == bits;
            }
            ok &= (code & ~f.mask()) == 0; // codes use only the low bits
            ok &= Float.floatToRawIntBits(f.decode(c | ~f.mask())) == bits; // high bits ignored
            if (!ok) {
                throw new AssertionError(String.format("%s: code 0x%X decodes to %s (0x%08X), "
                        + "re-encodes to 0x%X, which decodes to 0x%08X", f, c, d, bits, code, again));
            }
        }
        assertThat(clamped).isEqualTo(f instanceof IntFormat ? 1 : 0);
    }

    @ParameterizedTest
    @MethodSource("narrowFormats")
    void quantizeIsDecodeOfEncode(NumberFormat f) {
        for (float v : new float[] {0f, -0f, 0.3f, -1.7f, 12345.678f, 1e-6f, Float.MAX_VALUE}) {
            assertThat(Float.floatToRawIntBits(f.quantize(v)))
                    .isEqualTo(Float.floatToRawIntBits(f.decode(f.encode(v))));
        }
    }

    @ParameterizedTest
    @MethodSource("narrowFormats")
    void toStringParsesBackToAnEqualFormat(NumberFormat f) {
        assertThat(NumberFormats.parse(f.toString())).isEqualTo(f);
    }

    @Test
    void parseAcceptsTheDocumentedForms() {
        assertThat(NumberFormats.parse("fp32")).isSameAs(Fp32Format.INSTANCE);
        assertThat(NumberFormats.parse("fp16")).isSameAs(Fp16Format.INSTANCE);
        assertThat(NumberFormats.parse("bf16")).isSameAs(Bf16Format.INSTANCE);
        assertThat(NumberFormats.parse(" FP16 ")).isSameAs(Fp16Format.INSTANCE);
        assertThat(NumberFormats.parse("int8:0.05")).isEqualTo(IntFormat.int8(0.05f));
        assertThat(NumberFormats.parse("int4:0.1")).isEqualTo(new IntFormat(4, 0.1f));
        assertThat(NumberFormats.parse("int16:1e-4")).isEqualTo(new IntFormat(16, 1e-4f));
        assertThat(NumberFormats.parse("q15.16")).isEqualTo(FixedPointFormat.q15_16());
        assertThat(NumberFormats.parse("Q3.12")).isEqualTo(new FixedPointFormat(3, 12));
        assertThat(NumberFormats.FP32).hasToString("fp32");
        assertThat(IntFormat.int8(0.05f)).hasToString("int8:0.05");
        assertThat(NumberFormats.parse("Q15.16").bits()).isEqualTo(32);
        assertThat(NumberFormats.parse(FixedPointFormat.q15_16().toString()))
                .isEqualTo(FixedPointFormat.q15_16());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "fp8", "float", "int", "int8:", "intx:1", "q15", "Q1.2.3", "fp16:1"})
    void unknownTextListsTheAcceptedForms(String text) {
        assertThatThrownBy(() -> NumberFormats.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void errorMessagesSayWhatIsWrong() {
        assertThatThrownBy(() -> NumberFormats.parse("fp8"))
                .hasMessage("unknown number format 'fp8'; accepted: " + NumberFormats.FORMS);
        assertThatThrownBy(() -> NumberFormats.parse("int8"))
                .hasMessage("number format 'int8' needs a scale: int8:SCALE, e.g. int8:0.0125");
        assertThatThrownBy(() -> NumberFormats.parse("int8:abc"))
                .hasMessage("number format 'int8:abc': scale 'abc' is not a number");
        assertThatThrownBy(() -> NumberFormats.parse("int17:0.1"))
                .hasMessage("int format: bits must be in 2..16, got 17");
        assertThatThrownBy(() -> NumberFormats.parse("int8:-1"))
                .hasMessageStartingWith("int8: scale must be");
        assertThatThrownBy(() -> NumberFormats.parse("Q16.16"))
                .hasMessageStartingWith("fixed point Q16.16");
        assertThatThrownBy(() -> NumberFormats.parse("int99999999999:1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out of range");
    }

    @Test
    void bitIndexIsCheckedAgainstTheFormatWidth() {
        assertThatThrownBy(() -> NumberFormats.FP16.flip(0, 16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bit 16 out of range for fp16 (bits 0..15)");
        assertThatThrownBy(() -> new FixedPointFormat(3, 4).setBit(0, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bit 8 out of range for Q3.4 (bits 0..7)");
        assertThat(NumberFormats.FP16.flip(0x3C00, 15)).isEqualTo(0xBC00);
        assertThat(NumberFormats.BF16.mask()).isEqualTo(0xFFFF);
        assertThat(NumberFormats.FP32.mask()).isEqualTo(0xFFFF_FFFFL);
    }
}
