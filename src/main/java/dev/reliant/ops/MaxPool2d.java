package dev.reliant.ops;

import dev.reliant.simd.Parallel;
import dev.reliant.simd.PoolingKernels;

/**
 * {@code nn.MaxPool2d(kernel, stride, padding)}, ceil_mode=False, NaN propagating as in PyTorch.
 * The backward sends each output's gradient to the input that won its window, found again from
 * the forward's input with the forward's rule ({@link PoolingKernels}: scan order, a value wins
 * when greater or NaN), so ties go to the first maximum scanned as in PyTorch. Gradients of
 * overlapping windows are added plane by plane in output order (deterministic).
 */
public final class MaxPool2d extends AbstractOp {
    /** Input values per parallel work item of the backward, in whole planes. */
    private static final int PLANE_GRAIN = 1 << 15;

    private final int kernel;
    private final int stride;
    private final int padding;

    public MaxPool2d(int[] inputShape, int kernel, int stride, int padding) {
        super(requireChw("MaxPool2d", inputShape), new int[] {inputShape[0],
                PoolingKernels.outSize(inputShape[1], kernel, stride, padding, 1),
                PoolingKernels.outSize(inputShape[2], kernel, stride, padding, 1)});
        if (padding > kernel / 2) {
            throw new IllegalArgumentException("MaxPool2d: padding " + padding + " must be at most half the kernel "
                    + kernel);
        }
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public String type() {
        return "MaxPool2d";
    }

    @Override
    public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        int[] s = inputShape(0);
        PoolingKernels.get().maxPool2d(inputs[0], inputOffsets[0], batch, s[0], s[1], s[2], kernel, kernel, stride,
                stride, padding, padding, out, outOff);
    }

    @Override
    public void backward(BackwardContext ctx) {
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
        float[] x = ctx.inputs[0];
        float[] dy = ctx.gradOutput;
        int planes = ctx.batch * s[0];
        Parallel.forRange(planes, Math.max(1, PLANE_GRAIN / (h * w)), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int xPlane = ctx.inputOffsets[0] + p * h * w;
                int dxPlane = ctx.gradInputOffsets[0] + p * h * w;
                int dyPlane = ctx.gradOutputOffset + p * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int arg = argmax(x, xPlane, h, w, oy * stride - padding, ox * stride - padding);
                        dx[dxPlane + arg] += dy[dyPlane + oy * ow + ox];
                    }
                }
            }
        });
    }

    /**
     * Becker–LeCun: each output is one of its window's inputs (slope 1, the others 0), so h is
     * routed like the gradient, to the arg-max found by the forward's rule (first maximum).
     */
    @Override
    public void backwardDiagonal(BackwardContext ctx) {
        backward(ctx);
    }


    /**
     * Position in its plane of the value that wins the window whose top-left corner (possibly in
     * the padding) is (iy0, ix0): the forward's scan and rule; the first in-bounds position if
     * nothing beats −∞.
     */
    private int argmax(float[] x, int plane, int h, int w, int iy0, int ix0) {
        int kyLo = Math.max(0, -iy0);
        int kyHi = Math.min(kernel, h - iy0);
        int kxLo = Math.max(0, -ix0);
        int kxHi = Math.min(kernel, w - ix0);
        int best = (iy0 + kyLo) * w + ix0 + kxLo;
        float m = Float.NEGATIVE_INFINITY;
        for (int ky = kyLo; ky < kyHi; ky++) {
            int row = (iy0 + ky) * w + ix0;
            for (int kx = kxLo; kx < kxHi; kx++) {
                float v = x[plane + row + kx];
                if (v > m || v != v) {
                    m = v;
                    best = row + kx;
                }
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "MaxPool2d(k=" + kernel + ", s=" + stride + ", p=" + padding + ")";
    }
}
