package dev.reliant.ops;

import dev.reliant.simd.ChannelOps;
import dev.reliant.simd.ElementwiseKernels;

/**
 * The parameter-free "option A" shortcut of the CIFAR ResNets (akamaster's {@code LambdaLayer}):
 * {@code F.pad(x[:, :, ::s, ::s], (0, 0, 0, 0, padBefore, padAfter))}, i.e. spatial subsampling
 * then zero channels on both sides ({@link ChannelOps#padChannelsSubsample}). The backward takes
 * the gradient of the kept channels and adds it at the kept positions; the rest of the input
 * gets none.
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
    public void backward(BackwardContext ctx) {
        float[] dx = ctx.gradInputs[0];
        if (dx == null) {
            return;
        }
        int[] s = inputShape(0);
        int[] o = outputShape();
        int channels = s[0];
        int w = s[2];
        int inPlane = s[1] * w;
        int oh = o[1];
        int ow = o[2];
        int outPlane = oh * ow;
        float[] dy = ctx.gradOutput;
        for (int b = 0; b < ctx.batch; b++) {
            int dxImage = ctx.gradInputOffsets[0] + b * inputSize(0);
            int dyKept = ctx.gradOutputOffset + b * outputSize() + padBefore * outPlane;
            if (stride == 1) {
                ElementwiseKernels.get().addInPlace(dx, dxImage, dy, dyKept, channels * inPlane);
                continue;
            }
            for (int c = 0; c < channels; c++) {
                for (int oy = 0; oy < oh; oy++) {
                    int to = dxImage + c * inPlane + oy * stride * w;
                    int from = dyKept + c * outPlane + oy * ow;
                    for (int ox = 0; ox < ow; ox++) {
                        dx[to + ox * stride] += dy[from + ox];
                    }
                }
            }
        }
    }

    /**
     * Becker–LeCun: subsampling and zero channels are a routing (slopes 1 or 0), so h goes back
     * to the kept positions like the gradient.
     */
    @Override
    public void backwardDiagonal(BackwardContext ctx) {
        backward(ctx);
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
