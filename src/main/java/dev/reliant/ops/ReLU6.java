package dev.reliant.ops;

import dev.reliant.simd.BackwardElementwiseKernels;
import dev.reliant.simd.ElementwiseKernels;

/**
 * {@code nn.ReLU6}: {@code min(max(x, 0), 6)}. The backward passes the gradient where
 * 0 &lt; x &lt; 6 (PyTorch's hardtanh rule: zero at and beyond the clip points), read from the
 * output so that it stays correct when the forward ran in place.
 */
public final class ReLU6 extends AbstractOp {

    public ReLU6(int[] shape) {
        super(shape, shape);
    }

    @Override
    public String type() {
        return "ReLU6";
    }

    @Override
    public int inPlaceInput() {
        return 0;
    }

    @Override
    public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        ElementwiseKernels.get().relu6(inputs[0], inputOffsets[0], out, outOff, batch * outputSize());
    }

    @Override
    public void backward(BackwardContext ctx) {
        float[] dx = ctx.gradInputs[0];
        if (dx != null) {
            BackwardElementwiseKernels.get().clampBackward(ctx.output, ctx.outputOffset, ctx.gradOutput,
                    ctx.gradOutputOffset, dx, ctx.gradInputOffsets[0], ctx.batch * outputSize(), 0f, 6f);
        }
    }

    /**
     * Becker–LeCun: piecewise linear with slope 0 or 1, so {@code h_x = f'(x)²·h_y} is the
     * first-order mask: h passes where 0 &lt; y &lt; 6.
     */
    @Override
    public void backwardDiagonal(BackwardContext ctx) {
        backward(ctx);
    }

}
