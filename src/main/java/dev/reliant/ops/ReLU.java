package dev.reliant.ops;

import dev.reliant.simd.ElementwiseKernels;

/** {@code nn.ReLU}: {@code max(x, +0)}, NaN propagating (see {@link ElementwiseKernels}). */
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
}
