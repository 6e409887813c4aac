package dev.reliant.ops;

import dev.reliant.simd.ChannelOps;

/**
 * The parameter-free "option A" shortcut of the CIFAR ResNets (akamaster's {@code LambdaLayer}):
 * {@code F.pad(x[:, :, ::s, ::s], (0, 0, 0, 0, padBefore, padAfter))}, i.e. spatial subsampling
 * then zero channels on both sides ({@link ChannelOps#padChannelsSubsample}).
 */
public final class OptionAShortcut extends AbstractOp {
    private final int stride;
    private final int padBefore;
    private final int padAfter;

    public OptionAShortcut(int[] inputShape, int stride, int padBefore, int padAfter) {
        super(requireChw("OptionAShortcut", inputShape), new int[] {padBefore + inputShape[0] + padAfter,
                ChannelOps.subsampledSize(inputShape[1], stride), ChannelOps.subsampledSize(inputShape[2], stride)});
        if (padBefore < 0 || padAfter < 0) {
            throw new IllegalArgumentException("option-A shortcut: channel padding must be >= 0, got " + padBefore
                    + " and " + padAfter);
        }
        this.stride = stride;
        this.padBefore = padBefore;
        this.padAfter = padAfter;
    }

    @Override
    public String type() {
        return "OptionAShortcut";
    }

    @Override
    public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        int[] s = inputShape(0);
        ChannelOps.padChannelsSubsample(inputs[0], inputOffsets[0], batch, s[0], s[1], s[2], stride, padBefore,
                padAfter, out, outOff);
    }

    @Override
    public String toString() {
        return "OptionAShortcut(s=" + stride + ", pad=" + padBefore + "+" + padAfter + ")";
    }

    /** Spatial subsampling step. */
    public int stride() {
        return stride;
    }

    /** Zero channels added before the input's channels. */
    public int padBefore() {
        return padBefore;
    }

    /** Zero channels added after the input's channels. */
    public int padAfter() {
        return padAfter;
    }
}
