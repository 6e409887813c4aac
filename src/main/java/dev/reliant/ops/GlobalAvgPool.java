package dev.reliant.ops;

import dev.reliant.simd.PoolingKernels;

/**
 * {@code nn.AdaptiveAvgPool2d(1)} (and an average pool whose window is the whole map):
 * {@code [C, H, W] → [C, 1, 1]}, each plane summed in the fixed order of
 * {@link PoolingKernels#globalAvgPool}. The backward adds {@code dy / (H·W)} to every input of
 * the plane.
 */
public final class GlobalAvgPool extends AbstractOp {

    public GlobalAvgPool(int[] inputShape) {
        super(requireChw("GlobalAvgPool", inputShape), new int[] {inputShape[0], 1, 1});
    }

    @Override
    public String type() {
        return "AdaptiveAvgPool2d";
    }

    @Override
    public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        int[] s = inputShape(0);
        PoolingKernels.get().globalAvgPool(inputs[0], inputOffsets[0], batch, s[0], s[1] * s[2], out, outOff);
    }

    @Override
    public void backward(BackwardContext ctx) {
        int[] s = inputShape(0);
        spreadOverPlanes(ctx, s[1] * s[2]);
    }

    /**
     * Becker–LeCun: every input has slope 1/(H·W), so {@code h_x = h_y / (H·W)²} (specs/cim-swim.md
     * A.5; the SWIM reference's {@code h_y / (H·W)} is the first-order {@link #backward}, which a
     * caller asking for the reference convention applies instead).
     */
    @Override
    public void backwardDiagonal(BackwardContext ctx) {
        int[] s = inputShape(0);
        int spatial = s[1] * s[2];
        spreadOverPlanes(ctx, (float) ((double) spatial * spatial));
    }

    /** Adds each output's incoming quantity divided by {@code divisor} to every input of its plane. */
    private void spreadOverPlanes(BackwardContext ctx, float divisor) {
        float[] dx = ctx.gradInputs[0];
        if (dx == null) {
            return;
        }
        int[] s = inputShape(0);
        int spatial = s[1] * s[2];
        float[] dy = ctx.gradOutput;
        int planes = ctx.batch * s[0];
        for (int p = 0; p < planes; p++) {
            float v = dy[ctx.gradOutputOffset + p] / divisor;
            int start = ctx.gradInputOffsets[0] + p * spatial;
            for (int i = start; i < start + spatial; i++) {
                dx[i] += v;
            }
        }
    }

    @Override
    public String toString() {
        return "AdaptiveAvgPool2d(1)";
    }
}
