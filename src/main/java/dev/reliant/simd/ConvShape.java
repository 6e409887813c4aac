package dev.reliant.simd;

/**
 * The geometry of a 2-D convolution (PyTorch Conv2d semantics, NCHW, weights OIHW).
 *
 * <p>Output size per axis: (in + 2·pad − dilation·(kernel − 1) − 1) / stride + 1.
 */
public final class ConvShape {
    public final int inChannels;
    public final int inHeight;
    public final int inWidth;
    public final int outChannels;
    public final int kernelHeight;
    public final int kernelWidth;
    public final int strideH;
    public final int strideW;
    public final int padH;
    public final int padW;
    public final int dilationH;
    public final int dilationW;
    public final int groups;
    public final int outHeight;
    public final int outWidth;

    /** Full form; every argument is validated and errors name the offending parameter. */
    public ConvShape(int inChannels, int inHeight, int inWidth, int outChannels, int kernelHeight, int kernelWidth,
                     int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
        Checks.positive("conv in_channels", inChannels);
        Checks.positive("conv input height", inHeight);
        Checks.positive("conv input width", inWidth);
        Checks.positive("conv out_channels", outChannels);
        Checks.positive("conv kernel height", kernelHeight);
        Checks.positive("conv kernel width", kernelWidth);
        Checks.positive("conv stride", strideH);
        Checks.positive("conv stride", strideW);
        Checks.nonNegative("conv padding", padH);
        Checks.nonNegative("conv padding", padW);
        Checks.positive("conv dilation", dilationH);
        Checks.positive("conv dilation", dilationW);
        Checks.positive("conv groups", groups);
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("conv groups " + groups + " must divide in_channels " + inChannels
                    + " and out_channels " + outChannels);
        }
        this.inChannels = inChannels;
        this.inHeight = inHeight;
        this.inWidth = inWidth;
        this.outChannels = outChannels;
        this.kernelHeight = kernelHeight;
        this.kernelWidth = kernelWidth;
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
        this.dilationH = dilationH;
        this.dilationW = dilationW;
        this.groups = groups;
        this.outHeight = outSize(inHeight, kernelHeight, strideH, padH, dilationH);
        this.outWidth = outSize(inWidth, kernelWidth, strideW, padW, dilationW);
        if (outHeight <= 0 || outWidth <= 0) {
            throw new IllegalArgumentException("conv kernel " + kernelHeight + "x" + kernelWidth + " (dilation "
                    + dilationH + "x" + dilationW + ") is larger than the padded input " + (inHeight + 2 * padH)
                    + "x" + (inWidth + 2 * padW));
        }
    }

    /** Square kernel, equal stride and padding on both axes, no dilation, one group. */
    public static ConvShape of(int inChannels, int inHeight, int inWidth, int outChannels, int kernel, int stride, int pad) {
        return new ConvShape(inChannels, inHeight, inWidth, outChannels, kernel, kernel, stride, stride, pad, pad, 1, 1, 1);
    }

    /** Same as {@link #of} with groups (groups = channels is a depthwise convolution). */
    public static ConvShape grouped(int inChannels, int inHeight, int inWidth, int outChannels, int kernel, int stride,
                                    int pad, int groups) {
        return new ConvShape(inChannels, inHeight, inWidth, outChannels, kernel, kernel, stride, stride, pad, pad, 1, 1,
                groups);
    }

    static int outSize(int in, int kernel, int stride, int pad, int dilation) {
        int span = in + 2 * pad - dilation * (kernel - 1) - 1;
        return span < 0 ? 0 : span / stride + 1;
    }

    public int inChannelsPerGroup() {
        return inChannels / groups;
    }

    public int outChannelsPerGroup() {
        return outChannels / groups;
    }

    /** Reduction length of one output value: in_channels/groups · kh · kw. */
    public int depth() {
        return inChannelsPerGroup() * kernelHeight * kernelWidth;
    }

    /**
     * Fewest products in one block sum: an output value's reduction is cut into blocks of whole
     * input channels with at least this many products each (see {@link ConvKernels}).
     */
    public static final int MIN_BLOCK_PRODUCTS = 64;

    /** Input channels per block sum: enough for {@link #MIN_BLOCK_PRODUCTS}, at most the group's. */
    public int channelsPerBlock() {
        int taps = kernelHeight * kernelWidth;
        return Math.max(1, Math.min(inChannelsPerGroup(), (MIN_BLOCK_PRODUCTS + taps - 1) / taps));
    }

    /** Number of block sums per output value (1 when the group has few input channels). */
    public int channelBlocks() {
        int per = channelsPerBlock();
        return (inChannelsPerGroup() + per - 1) / per;
    }

    /** Number of weights, O·(I/groups)·kh·kw. */
    public int weightCount() {
        return outChannels * depth();
    }

    /** Values of one input image (C·H·W). */
    public int inputSize() {
        return inChannels * inHeight * inWidth;
    }

    /** Values of one output image. */
    public int outputSize() {
        return outChannels * outHeight * outWidth;
    }

    public int outPlane() {
        return outHeight * outWidth;
    }

    /** One group per channel and one output per input channel. */
    public boolean isDepthwise() {
        return groups > 1 && groups == inChannels && groups == outChannels;
    }

    @Override
    public String toString() {
        return "conv " + inChannels + "x" + inHeight + "x" + inWidth + " -> " + outChannels + "x" + outHeight + "x"
                + outWidth + " k" + kernelHeight + "x" + kernelWidth + " s" + strideH + "x" + strideW + " p" + padH
                + "x" + padW + " d" + dilationH + "x" + dilationW + " g" + groups;
    }
}
