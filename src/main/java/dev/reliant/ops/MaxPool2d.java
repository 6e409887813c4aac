package dev.reliant.ops;

import dev.reliant.simd.PoolingKernels;

/** {@code nn.MaxPool2d(kernel, stride, padding)}, ceil_mode=False, NaN propagating as in PyTorch. */
public final class MaxPool2d extends AbstractOp {
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
    public String toString() {
        return "MaxPool2d(k=" + kernel + ", s=" + stride + ", p=" + padding + ")";
    }
}
