package dev.reliant.ops;

import dev.reliant.simd.PoolingKernels;

/**
 * {@code nn.AvgPool2d(kernel, stride, padding, count_include_pad)}, ceil_mode=False. For a
 * window covering the whole map (akamaster's {@code F.avg_pool2d(out, out.size()[3])}) use
 * {@link GlobalAvgPool}.
 */
public final class AvgPool2d extends AbstractOp {
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
    public String toString() {
        return "AvgPool2d(k=" + kernel + ", s=" + stride + ", p=" + padding
                + (countIncludePad ? "" : ", count_include_pad=False") + ")";
    }
}
