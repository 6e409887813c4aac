package dev.reliant.cim;

import java.util.Locale;

/**
 * The analog-to-digital converters of a crossbar: a layer's dot product
 * {@code y_o = Σ_k W[o,k]·x_k} is computed in tiles of {@code rows} = R consecutive k indices
 * (R crossbar rows; for a convolution k runs over the im2col dimension C_in/groups·kh·kw in
 * PyTorch weight order (c, u, v)); each tile's analog partial sum {@code p_t} is digitised by
 * an ADC of {@code bits} = b bits before the digital accumulation
 * {@code y_o = Σ_t ADC(p_t) + bias_o}.
 *
 * <p><b>Transfer function</b> ({@link #quantize}): a uniform mid-tread quantizer with
 * 2^b − 1 levels symmetric over [−FS, FS]: with L = 2^(b−1) − 1 ({@link #levels()}) and step
 * Δ = FS/L, {@code ADC(p) = Δ·clamp(rint(p/Δ), −L, L)} — round half to even (as the rest of the
 * project), codes −L … L, clipping outside [−FS, FS]. Zero is a level, so an all-zero tile
 * (unused rows, ReLU zeros) adds nothing. FS = 0 gives 0 for every p. b = 1 is rejected: a
 * 1-bit mid-tread quantizer has the single level 0 and would erase every layer.
 *
 * <p><b>Full scale FS per layer</b> ({@link Range}), with {@link #fraction()} = c in (0, 1]:
 * <ul>
 *   <li>{@link Range#CALIBRATED}: FS = c · max|p_t| over all tiles, outputs, positions and
 *       images of a calibration batch run through the ideal (un-quantized) layers on the clean
 *       weights ({@link AdcMapping#calibrate}) — the usual practice of simulators that size the
 *       ADC to the observed partial sums; c &lt; 1 trades clipping of rare outliers for a finer
 *       step. The FS is then fixed: device noise written later can push sums past it (clipping).</li>
 *   <li>{@link Range#FIXED}: FS = c · min(R, K) · max|W| · max|x|, the worst-case partial sum of
 *       a full tile (K = reduction length of the layer), with max|W| over the layer's weight
 *       tensor as it is at the forward (so written noise moves it slightly) and max|x| over the
 *       layer input of the same image (a per-image DAC scale). Needs no data and no state, and
 *       stays per image (results do not depend on the batch). c = 1 never clips.</li>
 * </ul>
 *
 * @param rows R, crossbar rows per tile, at least 1
 * @param bits b, ADC resolution, 2 … 16
 * @param range how FS is chosen
 * @param fraction c in (0, 1], the share of the reference range used as FS
 */
public record AdcSpec(int rows, int bits, Range range, double fraction) {

    /** How the full scale FS of a layer's ADCs is chosen. */
    public enum Range {
        /** c · the largest |partial sum| of a calibration batch (set by {@link AdcMapping#calibrate}). */
        CALIBRATED,
        /** c · min(R, K) · max|W| · max|x| per image (worst case of a full tile). */
        FIXED
    }

    /** Largest supported ADC resolution. */
    public static final int MAX_BITS = 16;

    public AdcSpec {
        if (rows < 1) {
            throw new IllegalArgumentException("ADC rows per tile must be >= 1, got " + rows);
        }
        if (bits < 2 || bits > MAX_BITS) {
            throw new IllegalArgumentException("ADC bits must be in 2.." + MAX_BITS + " (1 bit leaves only the level 0), got "
                    + bits);
        }
        if (range == null) {
            throw new IllegalArgumentException("ADC range mode must be calibrated or fixed, got null");
        }
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("ADC full-scale fraction must be in (0, 1], got " + fraction);
        }
    }

    /** FS = the largest calibrated |partial sum| (c = 1). */
    public static AdcSpec calibrated(int rows, int bits) {
        return new AdcSpec(rows, bits, Range.CALIBRATED, 1.0);
    }

    /** FS = fraction · min(R, K) · max|W| · max|x| per image. */
    public static AdcSpec fixed(int rows, int bits, double fraction) {
        return new AdcSpec(rows, bits, Range.FIXED, fraction);
    }

    /**
     * Parses {@code R:BITS} (calibrated, c = 1), {@code R:BITS:calibrated[=C]} or
     * {@code R:BITS:fixed[=C]} (c defaults to 1), e.g. {@code 64:4} or {@code 128:6:fixed=0.25}.
     */
    public static AdcSpec parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("ADC spec must be R:BITS[:calibrated|fixed[=C]], got '" + text + "'");
        }
        int rows = parseInt(parts[0], "rows", text);
        int bits = parseInt(parts[1], "bits", text);
        if (parts.length == 2) {
            return calibrated(rows, bits);
        }
        String mode = parts[2];
        double c = 1.0;
        int eq = mode.indexOf('=');
        if (eq >= 0) {
            try {
                c = Double.parseDouble(mode.substring(eq + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ADC full-scale fraction is not a number in '" + text + "'");
            }
            mode = mode.substring(0, eq);
        }
        Range range = switch (mode.toLowerCase(Locale.ROOT)) {
            case "calibrated" -> Range.CALIBRATED;
            case "fixed" -> Range.FIXED;
            default -> throw new IllegalArgumentException("ADC range mode must be calibrated or fixed, got '" + mode
                    + "' in '" + text + "'");
        };
        return new AdcSpec(rows, bits, range, c);
    }

    private static int parseInt(String s, String what, String text) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ADC " + what + " is not an integer in '" + text + "'");
        }
    }

    /** L = 2^(b−1) − 1, the largest code; there are 2L + 1 = 2^b − 1 levels. */
    public int levels() {
        return (1 << (bits - 1)) - 1;
    }

    /** The ADC output for partial sum {@code p} at full scale {@code fullScale} (≥ 0): Δ·clamp(rint(p/Δ), −L, L). */
    public double quantize(double p, double fullScale) {
        if (!(fullScale > 0)) {
            return 0.0;
        }
        int l = levels();
        double step = fullScale / l;
        double code = Math.rint(p / step);
        if (code > l) {
            code = l;
        } else if (code < -l) {
            code = -l;
        }
        return code * step;
    }

    @Override
    public String toString() {
        return rows + ":" + bits + ":" + range.name().toLowerCase(Locale.ROOT) + (fraction == 1.0 ? "" : "=" + fraction);
    }
}
