package dev.reliant.ops;

import dev.reliant.simd.ElementwiseKernels;
import dev.reliant.tensor.Shapes;
import java.util.Arrays;

/**
 * Element-wise sum of two inputs of equal shape (the residual join {@code out += shortcut(x)}).
 * The backward adds dL/dy to both inputs' gradients; it is the backward of the plain sum (the
 * fused {@link #forwardRelu} serves inference only).
 */
public final class Add extends AbstractOp {

    public Add(int[] a, int[] b) {
        super(new int[][] {a, b}, a);
        if (!Arrays.equals(a, b)) {
            throw new IllegalArgumentException("add: operands have different shapes " + Shapes.toString(a) + " and "
                    + Shapes.toString(b));
        }
    }

    @Override
    public String type() {
        return "Add";
    }

    @Override
    public int inPlaceInput() {
        return 0;
    }

    @Override
    public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        ElementwiseKernels.get().add(inputs[0], inputOffsets[0], inputs[1], inputOffsets[1], out, outOff,
                batch * outputSize());
    }

    @Override
    public void backward(BackwardContext ctx) {
        int n = ctx.batch * outputSize();
        for (int i = 0; i < 2; i++) {
            if (ctx.gradInputs[i] != null) {
                ElementwiseKernels.get().addInPlace(ctx.gradInputs[i], ctx.gradInputOffsets[i], ctx.gradOutput,
                        ctx.gradOutputOffset, n);
            }
        }
    }

    /**
     * Becker–LeCun: {@code ∂y/∂a = ∂y/∂b = 1}, so h passes unchanged into both summands; where a
     * tensor feeds several nodes (a fork) the contributions add, as every rule adds into its
     * accumulator.
     */
    @Override
    public void backwardDiagonal(BackwardContext ctx) {
        backward(ctx);
    }


    /** {@code relu(a + b)} in one pass: the executor's fusion of an Add whose only consumer is a ReLU. */
    public void forwardRelu(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        ElementwiseKernels.get().addRelu(inputs[0], inputOffsets[0], inputs[1], inputOffsets[1], out, outOff,
                batch * outputSize());
    }
}
