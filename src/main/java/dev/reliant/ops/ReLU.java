package dev.reliant.ops;

import dev.reliant.simd.BackwardElementwiseKernels;
import dev.reliant.simd.ElementwiseKernels;

/**
 * {@code nn.ReLU}: {@code max(x, +0)}, NaN propagating (see {@link ElementwiseKernels}). The
 * backward passes the gradient where the output is positive (x > 0, PyTorch's rule: zero at 0
 * and for NaN); it reads the output, so it stays correct when the forward ran in place.
 */
public final class ReLU extends AbstractOp {

    public ReLU(int[] shape) {
        super(shape, shape);
    }

    @Override
    public String type() {
        return "ReLU";
    }

    @Override
    public int inPlaceInput() {
        return 0;
    }

    @Override
    public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        ElementwiseKernels.get().relu(inputs[0], inputOffsets[0], out, outOff, batch * outputSize());
    }

    @Override
    public void backward(BackwardContext ctx) {
        float[] dx = ctx.gradInputs[0];
        if (dx != null) {
            BackwardElementwiseKernels.get().reluBackward(ctx.output, ctx.outputOffset, ctx.gradOutput,
                    ctx.gradOutputOffset, dx, ctx.gradInputOffsets[0], ctx.batch * outputSize());
        }
    }

    /**
     * Becker–LeCun: ReLU is piecewise linear (f'' = 0 away from the kink), so
     * {@code h_x = f'(x)²·h_y} with f' ∈ {0, 1}: the first-order mask, h passes where the output
     * is positive.
     */
    @Override
    public void backwardDiagonal(BackwardContext ctx) {
        backward(ctx);
    }

}
