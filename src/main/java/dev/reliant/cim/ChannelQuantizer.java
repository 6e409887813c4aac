package dev.reliant.cim;

/**
 * Per-output-channel symmetric intN, the usual weight format of integer accelerators:
 * for channel c (dimension 0 of the shape), {@code scale_c = max|w_c| / (2^(N−1) − 1)},
 * codes {@code round(w / scale_c)} (half to even) clamped to ±(2^(N−1) − 1), values
 * {@code code·scale_c}. A channel of zeros keeps its values. Without a shape the whole tensor is
 * one channel. Computed in float32.
 */
public final class ChannelQuantizer implements Quantizer {
    /** The widest supported width (codes exact in float32). */
    public static final int MAX_BITS = 24;

    private final int bits;
    private final int maxCode;

    /** @param bits N, 2 … {@value #MAX_BITS} (N = 1 has no non-zero symmetric code) */
    public ChannelQuantizer(int bits) {
        if (bits < 2 || bits > MAX_BITS) {
            throw new IllegalArgumentException("per-channel int bits N must be in 2.." + MAX_BITS + ", got " + bits);
        }
        this.bits = bits;
        this.maxCode = (1 << (bits - 1)) - 1;
    }

    public int bits() {
        return bits;
    }

    /** The largest code, 2^(N−1) − 1. */
    public int maxCode() {
        return maxCode;
    }

    /** The scale of each of the {@code channels} equal consecutive blocks of {@code w}. */
    public float[] scales(float[] w, int channels) {
        int per = perChannel(w, channels);
        float[] s = new float[channels];
        for (int c = 0; c < channels; c++) {
            float max = 0f;
            for (int i = c * per; i < (c + 1) * per; i++) {
                max = Math.max(max, Math.abs(w[i]));
            }
            s[c] = max / maxCode;
        }
        return s;
    }

    /** The integer codes of {@code w} with its channels' scales (0 where a channel's scale is 0). */
    public int[] codes(float[] w, int channels) {
        float[] s = scales(w, channels);
        int per = w.length / Math.max(1, channels);
        int[] codes = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            codes[i] = code(w[i], s[i / per]);
        }
        return codes;
    }

    private int code(float v, float scale) {
        if (scale == 0f) {
            return 0;
        }
        double r = Math.rint(v / scale);
        return (int) Math.max(-maxCode, Math.min(maxCode, r));
    }

    @Override
    public void quantize(float[] in, float[] out) {
        quantizeChannels(in, out, 1);
    }

    @Override
    public void quantize(float[] in, float[] out, int[] shape) {
        Quantizer.checkShape(in, shape);
        quantizeChannels(in, out, shape[0]);
    }

    private void quantizeChannels(float[] in, float[] out, int channels) {
        Quantizer.checkLengths(in, out);
        float[] s = scales(in, channels);
        int per = in.length / Math.max(1, channels);
        for (int c = 0; c < channels; c++) {
            float scale = s[c];
            for (int i = c * per; i < (c + 1) * per; i++) {
                out[i] = scale == 0f ? in[i] : code(in[i], scale) * scale;
            }
        }
    }

    @Override
    public String describe() {
        return "int" + bits + "(per channel)";
    }

    @Override
    public String toString() {
        return describe();
    }

    private static int perChannel(float[] w, int channels) {
        if (w == null) {
            throw new IllegalArgumentException("per-channel quantizer: tensor is null");
        }
        if (channels < 1 || w.length % channels != 0) {
            throw new IllegalArgumentException("per-channel quantizer: " + w.length + " values do not split into "
                    + channels + " channels");
        }
        return w.length / channels;
    }
}
