package dev.reliant.fault;

import dev.reliant.tensor.IntFormat;
import dev.reliant.tensor.NumberFormat;
import dev.reliant.tensor.NumberFormats;
import dev.reliant.tensor.Tensor;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The number format in which a campaign stores the faultable weights: one format for every
 * tensor ({@code fp32}, {@code fp16}, {@code bf16}, {@code Qm.n}, {@code intN:SCALE}), or
 * {@code intN} without a scale, which gives each tensor its own symmetric scale
 * {@code max|w| / (2^(N-1) - 1)} ({@link IntFormat#symmetricFor}), as per-tensor weight
 * quantization does.
 */
public final class CampaignFormat {
    private static final Pattern PER_TENSOR_INT = Pattern.compile("int(\\d+)");

    private final String label;
    private final NumberFormat fixed;
    private final int perTensorBits;

    private CampaignFormat(String label, NumberFormat fixed, int perTensorBits) {
        this.label = label;
        this.fixed = fixed;
        this.perTensorBits = perTensorBits;
    }

    /** IEEE binary32, the default: the weights are used as they are. */
    public static CampaignFormat fp32() {
        return new CampaignFormat("fp32", NumberFormats.FP32, 0);
    }

    /**
     * Parses {@code fp32}, {@code fp16}, {@code bf16}, {@code int8} (per-tensor scale),
     * {@code int8:0.01} (fixed scale), {@code Q15.16}; case is ignored.
     */
    public static CampaignFormat parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = PER_TENSOR_INT.matcher(s);
        if (m.matches()) {
            int bits;
            try {
                bits = Integer.parseInt(m.group(1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 2 || bits > 16) {
                throw new IllegalArgumentException("number format '" + text + "': int width must be 2..16");
            }
            return new CampaignFormat("int" + bits, null, bits);
        }
        NumberFormat f;
        try {
            f = NumberFormats.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; intN without a scale gives each tensor the scale "
                    + "max|w|/(2^(N-1)-1)", e);
        }
        return new CampaignFormat(f.toString(), f, 0);
    }

    /** The format of a tensor's stored values. */
    public NumberFormat formatFor(Tensor weights) {
        return fixed != null ? fixed : IntFormat.symmetricFor(weights, perTensorBits);
    }

    /** Width of the stored code: the bits a fault may address are 0 .. bits()-1. */
    public int bits() {
        return fixed != null ? fixed.bits() : perTensorBits;
    }

    /**
     * A format of this width for checking bit numbers (the format itself when it is one for
     * every tensor; for per-tensor int scales, the int format with scale 1).
     */
    public NumberFormat widthFormat() {
        return fixed != null ? fixed : new IntFormat(perTensorBits, 1f);
    }

    /** True for fp32, where storing changes no weight. */
    public boolean isFp32() {
        return fixed == NumberFormats.FP32;
    }

    /** The name as given to {@link #parse}, normalised: {@code fp32}, {@code int8}, {@code int8:0.01}, {@code Q15.16}. */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
