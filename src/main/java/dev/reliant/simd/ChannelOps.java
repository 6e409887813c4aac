package dev.reliant.simd;

import java.util.Arrays;

/**
 * Channel-wise data movement on NCHW {@code float[]} data: concatenation along C, the
 * subsample-and-zero-pad shortcut of CIFAR ResNets ("option A"), and channel slices.
 *
 * <p>These operations only copy values (whole planes or rows with {@link System#arraycopy},
 * single elements where a stride subsamples) and write zeros; they do no arithmetic, so there
 * is a single implementation and no SIMD twin: both runtimes use this class, and every output
 * bit is an input bit or +0.
 *
 * <p>Operands are an array plus an offset. The output must not overlap any input. Negative
 * sizes, out-of-range channel ranges and arrays too short for their operand throw
 * {@link IllegalArgumentException} naming the operand, before anything is written.
 */
public final class ChannelOps {
    private ChannelOps() {}

    /**
     * Concatenates NCHW inputs along the channel axis, in the given order ({@code torch.cat(dim=1)}):
     * input i has {@code channels[i]} channels of {@code spatial} (= H·W) values per image, read
     * from {@code inputOffsets[i]}; the output has the sum of the channel counts, written from
     * {@code outOff}.
     *
     * @param inputOffsets start of each input in its array, or null for all zero
     */
    public static void concat(int batch, int spatial, float[][] inputs, int[] inputOffsets, int[] channels,
                              float[] out, int outOff) {
        String op = "concat";
        Checks.requireNonNegative(op, "batch", batch);
        Checks.requireNonNegative(op, "spatial", spatial);
        if (inputs == null || channels == null) {
            throw new IllegalArgumentException(op + ": " + (inputs == null ? "inputs" : "channels") + " is null");
        }
        if (channels.length != inputs.length) {
            throw new IllegalArgumentException(op + ": channels has " + channels.length
                    + " counts for " + inputs.length + " inputs");
        }
        if (inputOffsets != null && inputOffsets.length != inputs.length) {
            throw new IllegalArgumentException(op + ": inputOffsets has " + inputOffsets.length
                    + " entries for " + inputs.length + " inputs");
        }
        long total = 0;
        for (int i = 0; i < inputs.length; i++) {
            Checks.requireNonNegative(op, "channels[" + i + "]", channels[i]);
            Checks.requireRange(op, "inputs[" + i + "] [" + batch + " x " + channels[i] + " x " + spatial + "]",
                    inputs[i], inputOffsets == null ? 0 : inputOffsets[i], (long) batch * channels[i] * spatial);
            total += channels[i];
        }
        Checks.requireRange(op, "out [" + batch + " x " + total + " x " + spatial + "]",
                out, outOff, (long) batch * total * spatial);
        int outImage = (int) total * spatial;
        for (int b = 0; b < batch; b++) {
            int o = outOff + b * outImage;
            for (int i = 0; i < inputs.length; i++) {
                int block = channels[i] * spatial;
                int src = (inputOffsets == null ? 0 : inputOffsets[i]) + b * block;
                System.arraycopy(inputs[i], src, out, o, block);
                o += block;
            }
        }
    }

    /** {@link #concat(int, int, float[][], int[], int[], float[], int)} with every input read from offset 0. */
    public static void concat(int batch, int spatial, float[][] inputs, int[] channels, float[] out, int outOff) {
        concat(batch, spatial, inputs, null, channels, out, outOff);
    }

    /** Length of {@code x[::stride]} along an axis of length {@code in}: ⌈in / stride⌉. */
    public static int subsampledSize(int in, int stride) {
        Checks.requireNonNegative("subsampledSize", "input size", in);
        Checks.requirePositive("subsampledSize", "stride", stride);
        return (int) (((long) in + stride - 1) / stride);
    }

    /**
     * Spatial subsampling followed by zero channels on both sides: the "option A" shortcut of the
     * CIFAR ResNets ({@code F.pad(x[:, :, ::s, ::s], (0, 0, 0, 0, padBefore, padAfter))}; akamaster's
     * ResNet uses s = 2 and {@code padBefore = padAfter = planes / 4}).
     * <pre>
     *   y[b, c + padBefore, oy, ox] = x[b, c, s·oy, s·ox]      for c &lt; channels
     *   y[b, c', oy, ox]            = +0                        for the other channels c'
     * </pre>
     * The output is {@code batch × (padBefore + channels + padAfter) × oh × ow} from yOff with
     * {@code oh = ⌈h / s⌉}, {@code ow = ⌈w / s⌉} ({@link #subsampledSize}). With s = 1 it is a
     * plain channel padding.
     */
    public static void padChannelsSubsample(float[] x, int xOff, int batch, int channels, int h, int w, int stride,
                                            int padBefore, int padAfter, float[] y, int yOff) {
        String op = "padChannelsSubsample";
        Checks.requireNonNegative(op, "batch", batch);
        Checks.requireNonNegative(op, "channels", channels);
        Checks.requireNonNegative(op, "height", h);
        Checks.requireNonNegative(op, "width", w);
        Checks.requirePositive(op, "stride", stride);
        Checks.requireNonNegative(op, "padBefore", padBefore);
        Checks.requireNonNegative(op, "padAfter", padAfter);
        int oh = subsampledSize(h, stride);
        int ow = subsampledSize(w, stride);
        long outChannels = (long) padBefore + channels + padAfter;
        Checks.requireRange(op, "x [" + batch + " x " + channels + " x " + h + " x " + w + "]",
                x, xOff, (long) batch * channels * h * w);
        Checks.requireRange(op, "y [" + batch + " x " + outChannels + " x " + oh + " x " + ow + "]",
                y, yOff, (long) batch * outChannels * oh * ow);
        int inPlane = h * w;
        int outPlane = oh * ow;
        for (int b = 0; b < batch; b++) {
            int yImage = yOff + (int) (b * outChannels * outPlane);
            int head = padBefore * outPlane;
            Arrays.fill(y, yImage, yImage + head, 0f);
            for (int c = 0; c < channels; c++) {
                int src = xOff + (b * channels + c) * inPlane;
                int dst = yImage + head + c * outPlane;
                if (stride == 1) {
                    System.arraycopy(x, src, y, dst, inPlane);
                } else {
                    for (int oy = 0; oy < oh; oy++) {
                        int row = src + oy * stride * w;
                        int to = dst + oy * ow;
                        for (int ox = 0; ox < ow; ox++) {
                            y[to + ox] = x[row + ox * stride];
                        }
                    }
                }
            }
            int tail = yImage + head + channels * outPlane;
            Arrays.fill(y, tail, tail + padAfter * outPlane, 0f);
        }
    }

    /**
     * Copies channels {@code [from, from + count)} of an NCHW input with {@code channels}
     * channels of {@code spatial} values into a dense {@code batch × count × spatial} output
     * ({@code x[:, from:from + count]}); also the backward of {@link #concat} for one input.
     */
    public static void slice(float[] x, int xOff, int batch, int channels, int spatial, int from, int count,
                             float[] y, int yOff) {
        String op = "slice";
        Checks.requireNonNegative(op, "batch", batch);
        Checks.requireNonNegative(op, "channels", channels);
        Checks.requireNonNegative(op, "spatial", spatial);
        Checks.requireNonNegative(op, "from", from);
        Checks.requireNonNegative(op, "count", count);
        if ((long) from + count > channels) {
            throw new IllegalArgumentException(op + ": channel range [" + from + ", " + ((long) from + count)
                    + ") exceeds the " + channels + " channels of x");
        }
        Checks.requireRange(op, "x [" + batch + " x " + channels + " x " + spatial + "]",
                x, xOff, (long) batch * channels * spatial);
        Checks.requireRange(op, "y [" + batch + " x " + count + " x " + spatial + "]",
                y, yOff, (long) batch * count * spatial);
        int block = count * spatial;
        for (int b = 0; b < batch; b++) {
            System.arraycopy(x, xOff + (b * channels + from) * spatial, y, yOff + b * block, block);
        }
    }
}
