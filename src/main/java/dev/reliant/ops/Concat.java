package dev.reliant.ops;

import dev.reliant.simd.ChannelOps;
import dev.reliant.simd.ElementwiseKernels;
import dev.reliant.tensor.Shapes;

/**
 * {@code torch.cat(xs, dim=1)}: feature maps of equal H×W concatenated along the channels, in
 * order. The backward hands each input the gradient of its own channel range.
 */
public final class Concat extends AbstractOp {
    private final int[] channels;
    private final int spatial;

    public Concat(int[]... inputShapes) {
        super(inputShapes, concatShape(inputShapes));
        this.channels = new int[inputShapes.length];
        for (int i = 0; i < inputShapes.length; i++) {
            channels[i] = inputShapes[i][0];
        }
        this.spatial = outputSize() / outputShape()[0];
    }

    private static int[] concatShape(int[][] shapes) {
        if (shapes.length == 0) {
            throw new IllegalArgumentException("concat needs at least one input");
        }
        int[] out = shapes[0].clone();
        if (out.length == 0) {
            throw new IllegalArgumentException("concat: inputs need a channel dimension");
        }
        out[0] = 0;
        for (int[] s : shapes) {
            boolean same = s.length == out.length;
            for (int d = 1; same && d < s.length; d++) {
                same = s[d] == out[d];
            }
            if (!same) {
                throw new IllegalArgumentException("concat: input " + Shapes.toString(s)
                        + " does not match the others' size " + Shapes.toString(shapes[0]) + " outside the channels");
            }
            out[0] += s[0];
        }
        return out;
    }

    @Override
    public String type() {
        return "Concat";
    }

    @Override
    public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        ChannelOps.concat(batch, spatial, inputs, inputOffsets, channels, out, outOff);
    }

    @Override
    public void backward(BackwardContext ctx) {
        int outImage = outputSize();
        int first = 0;
        for (int i = 0; i < channels.length; i++) {
            int block = channels[i] * spatial;
            float[] dx = ctx.gradInputs[i];
            if (dx != null) {
                for (int b = 0; b < ctx.batch; b++) {
                    ElementwiseKernels.get().addInPlace(dx, ctx.gradInputOffsets[i] + b * block, ctx.gradOutput,
                            ctx.gradOutputOffset + b * outImage + first * spatial, block);
                }
            }
            first += channels[i];
        }
    }

    /** Becker–LeCun: a pure routing (slopes 1), so h is handed back like the gradient, channel range by range. */
    @Override
    public void backwardDiagonal(BackwardContext ctx) {
        backward(ctx);
    }

}
