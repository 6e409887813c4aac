package dev.reliant.ops;

import dev.reliant.simd.Parallel;
import dev.reliant.simd.PoolingKernels;

/**
 * {@code nn.AvgPool2d(kernel, stride, padding, count_include_pad)}, ceil_mode=False. For a
 * window covering the whole map (akamaster's {@code F.avg_pool2d(out, out.size()[3])}) use
 * {@link GlobalAvgPool}. The backward spreads each output's gradient, divided by the forward's
 * divisor, over the in-bounds inputs of its window.
 */
public final class AvgPool2d extends AbstractOp {
    /** Input values per parallel work item of the backward, in whole planes. */
    private static final int PLANE_GRAIN = 1 << 15;

    private final int kernel;
    private final int stride;
    private final int padding;
    private final boolean countIncludePad;

    public AvgPool2d(int[] inputShape, int kernel, int stride, int padding, boolean countIncludePad) {
        super(requireChw("AvgPool2d", inputShape), new int[] {inputShape[0],
                PoolingKernels.outSize(inputShape[1], kernel, stride, padding, 1),
                PoolingKernels.outSize(inputShape[2], kernel, stride, padding, 1)});
        if (padding > kernel / 2) {
            throw new IllegalArgumentException("AvgPool2d: padding " + padding + " must be at most half the kernel "
                    + kernel);
        }
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.countIncludePad = countIncludePad;
    }

    @Override
    public String type() {
        return "AvgPool2d";
    }

    @Override
    public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        int[] s = inputShape(0);
        PoolingKernels.get().avgPool2d(inputs[0], inputOffsets[0], batch, s[0], s[1], s[2], kernel, kernel, stride,
                stride, padding, padding, countIncludePad, out, outOff);
    }

    @Override
    public void backward(BackwardContext ctx) {
        spreadOverWindows(ctx, false);
    }

    /**
     * Becker–LeCun: each input of a window has slope 1/divisor (the forward's divisor), so it
     * receives {@code h_y / divisor²} from that window, summed over the windows that cover it
     * (specs/cim-swim.md A.5; the SWIM reference's {@code h_y / divisor} is the first-order
     * {@link #backward}, which a caller asking for the reference convention applies instead).
     */
    @Override
    public void backwardDiagonal(BackwardContext ctx) {
        spreadOverWindows(ctx, true);
    }

    /**
     * Adds each output's incoming quantity, divided by the window's divisor (the forward's) or
     * by its square, to every in-bounds input of its window: the gradient and the diagonal rule.
     */
    private void spreadOverWindows(BackwardContext ctx, boolean squaredDivisor) {
        float[] dx = ctx.gradInputs[0];
        if (dx == null) {
            return;
        }
        int[] s = inputShape(0);
        int[] o = outputShape();
        int h = s[1];
        int w = s[2];
        int oh = o[1];
        int ow = o[2];
        float[] dy = ctx.gradOutput;
        int planes = ctx.batch * s[0];
        Parallel.forRange(planes, Math.max(1, PLANE_GRAIN / (h * w)), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int dxPlane = ctx.gradInputOffsets[0] + p * h * w;
                int dyPlane = ctx.gradOutputOffset + p * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int iy0 = oy * stride - padding;
                    int yLo = Math.max(0, iy0);
                    int yHi = Math.min(h, iy0 + kernel);
                    for (int ox = 0; ox < ow; ox++) {
                        int ix0 = ox * stride - padding;
                        int xLo = Math.max(0, ix0);
                        int xHi = Math.min(w, ix0 + kernel);
                        int divisor = countIncludePad ? kernel * kernel : (yHi - yLo) * (xHi - xLo);
                        float v = dy[dyPlane + oy * ow + ox]
                                / (squaredDivisor ? (float) ((double) divisor * divisor) : (float) divisor);
                        for (int iy = yLo; iy < yHi; iy++) {
                            for (int ix = xLo; ix < xHi; ix++) {
                                dx[dxPlane + iy * w + ix] += v;
                            }
                        }
                    }
                }
            }
        });
    }

    @Override
    public String toString() {
        return "AvgPool2d(k=" + kernel + ", s=" + stride + ", p=" + padding
                + (countIncludePad ? "" : ", count_include_pad=False") + ")";
    }
}
