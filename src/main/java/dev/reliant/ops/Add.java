package dev.reliant.ops;

import dev.reliant.simd.ElementwiseKernels;
import dev.reliant.tensor.Shapes;
import java.util.Arrays;

/** Element-wise sum of two inputs of equal shape (the residual join {@code out += shortcut(x)}). */
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

    /** {@code relu(a + b)} in one pass: the executor's fusion of an Add whose only consumer is a ReLU. */
    public void forwardRelu(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        ElementwiseKernels.get().addRelu(inputs[0], inputOffsets[0], inputs[1], inputOffsets[1], out, outOff,
                batch * outputSize());
    }
}
