package dev.reliant.ops;

import dev.reliant.simd.ElementwiseKernels;

/** {@code nn.ReLU6}: {@code min(max(x, 0), 6)}. */
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
}
