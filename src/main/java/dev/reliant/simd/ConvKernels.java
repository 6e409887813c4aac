package dev.reliant.simd;

/**
 * 2-D convolution, NCHW input and output, OIHW weights, PyTorch Conv2d semantics (zero padding,
 * stride, dilation, groups).
 *
 * <p>Each output value is a sum of <em>block sums</em>. The input channels of the group are cut
 * into blocks of {@link ConvShape#channelsPerBlock} (enough for 64 products; the last block may
 * be shorter). A block sum is one fused multiply-add chain over (input channel of the block,
 * kernel row, kernel column) in that order, starting from the channel's bias (or +0) for block
 * 0 and from +0 for the others; a tap that falls in the padding contributes fma(w, 0, acc). The
 * output is ((sum0 + sum1) + sum2) + …. With one block (few input channels) this is the single
 * chain from the bias. Both implementations follow this, so they agree bit for bit, and no batch
 * size, image position or thread count changes a result.
 *
 * <p>Why blocks: a fault campaign changes one input channel of the next convolution; with the
 * block sums of the fault-free pass kept, it recomputes one block instead of the whole
 * convolution and gets the same bits ({@link #forwardBlock}).
 */
public interface ConvKernels {

    /** The active implementation (SIMD unless {@code -Dreliant.simd=off}). */
    static ConvKernels get() {
        return Holder.ACTIVE;
    }

    /** Copies and arranges the weights (OIHW, from wOff) and bias (null = none) for this implementation. */
    PreparedConv prepare(ConvShape shape, float[] weight, int wOff, float[] bias);

    /** Convolves {@code batch} images starting at inOff into out (from outOff), in parallel. */
    default void forward(PreparedConv conv, float[] in, int inOff, int batch, float[] out, int outOff) {
        forwardChannels(conv, in, inOff, batch, 0, conv.shape.outChannels, out, outOff);
    }

    /**
     * Computes only output channels [coStart, coEnd) of every image (the rest of out is not
     * touched): after a fault in the weights of channel o, only that channel changes.
     */
    void forwardChannels(PreparedConv conv, float[] in, int inOff, int batch, int coStart, int coEnd,
                         float[] out, int outOff);

    /**
     * Computes one block sum ({@code block} in [0, {@link ConvShape#channelBlocks})) of every output
     * of every image, laid out as the output: summing blocks 0, 1, … of an output in order, each
     * added to the running value, gives exactly what {@link #forward} gives.
     */
    void forwardBlock(PreparedConv conv, float[] in, int inOff, int batch, int block, float[] out, int outOff);

    /** Checks the block index of {@link #forwardBlock}. */
    static void checkBlock(PreparedConv conv, int block) {
        if (block < 0 || block >= conv.shape.channelBlocks()) {
            throw new IllegalArgumentException("channel block " + block + " outside [0, " + conv.shape.channelBlocks()
                    + ")");
        }
    }

    /** Name shown by {@code reliant selftest}. */
    String name();

    /** Checks the operands of {@link #forwardChannels}. */
    static void checkForward(PreparedConv conv, float[] in, int inOff, int batch, int coStart, int coEnd,
                             float[] out, int outOff) {
        ConvShape s = conv.shape;
        Checks.nonNegative("batch", batch);
        if (coStart < 0 || coEnd > s.outChannels || coStart > coEnd) {
            throw new IllegalArgumentException("output channels [" + coStart + ", " + coEnd + ") outside [0, "
                    + s.outChannels + ")");
        }
        Checks.span("conv input [" + batch + ", " + s.inChannels + ", " + s.inHeight + ", " + s.inWidth + "]",
                in, inOff, (long) batch * s.inputSize());
        Checks.span("conv output [" + batch + ", " + s.outChannels + ", " + s.outHeight + ", " + s.outWidth + "]",
                out, outOff, (long) batch * s.outputSize());
    }

    /** Holds the choice so the JIT treats it as a constant. */
    final class Holder {
        private Holder() {}

        static final ConvKernels ACTIVE = Simd.enabled() ? ConvSimd.INSTANCE : ConvPlain.INSTANCE;
    }
}
