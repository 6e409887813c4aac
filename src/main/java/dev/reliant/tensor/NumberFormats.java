package dev.reliant.tensor;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The number formats by name, for the command line and for files that record which format a
 * result was computed in. Every format's {@code toString()} is a form that {@link #parse}
 * accepts and maps back to an equal format.
 */
public final class NumberFormats {
    /** IEEE binary32, raw bits. */
    public static final NumberFormat FP32 = Fp32Format.INSTANCE;
    /** IEEE binary16. */
    public static final NumberFormat FP16 = Fp16Format.INSTANCE;
    /** bfloat16. */
    public static final NumberFormat BF16 = Bf16Format.INSTANCE;

    /** The accepted forms, as shown in error messages and help texts. */
    public static final String FORMS = "fp32, fp16, bf16, intN:SCALE (N in 2..16, SCALE > 0, e.g. "
            + "int8:0.0125), Qm.n (1 + m + n <= 32 bits, e.g. Q15.16)";

    private static final Pattern INT = Pattern.compile("int(\\d+)(?::(.*))?");
    private static final Pattern FIXED = Pattern.compile("q(\\d+)\\.(\\d+)");

    private NumberFormats() {}

    /**
     * Parses {@code fp32}, {@code fp16}, {@code bf16}, {@code int8:0.05}, {@code int4:0.1}, {@code
     * q15.16}, {@code Q3.12}; case and surrounding blanks are ignored.
     *
     * @throws IllegalArgumentException for unknown text, naming the accepted forms, or for a
     *     valid form with invalid parameters (width, scale)
     */
    public static NumberFormat parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "fp32":
                return FP32;
            case "fp16":
                return FP16;
            case "bf16":
                return BF16;
            default:
                break;
        }
        Matcher m = INT.matcher(s);
        if (m.matches()) {
            int bits = parseWidth(m.group(1), text);
            if (m.group(2) == null) {
                throw new IllegalArgumentException("number format '" + text + "' needs a scale: int"
                        + bits + ":SCALE, e.g. int" + bits + ":0.0125");
            }
            float scale;
            try {
                scale = Float.parseFloat(m.group(2));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("number format '" + text + "': scale '"
                        + m.group(2) + "' is not a number");
            }
            return new IntFormat(bits, scale);
        }
        m = FIXED.matcher(s);
        if (m.matches()) {
            return new FixedPointFormat(parseWidth(m.group(1), text), parseWidth(m.group(2), text));
        }
        throw new IllegalArgumentException("unknown number format '" + text + "'; accepted: " + FORMS);
    }

    private static int parseWidth(String digits, String text) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) { // too many digits
            throw new IllegalArgumentException("number format '" + text + "': width " + digits
                    + " out of range; accepted: " + FORMS);
        }
    }
}
