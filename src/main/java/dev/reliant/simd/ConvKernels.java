package dev.reliant.simd;

/**
 * 2-D convolution, NCHW input and output, OIHW weights, PyTorch Conv2d semantics (zero padding,
 * stride, dilation, groups).
 *
 * <p>Each output value is one fused multiply-add chain starting from the channel's bias (or
 * +0) over (input channel of the group, kernel row, kernel column) in that order; a tap that
 * falls in the padding contributes fma(w, 0, acc). Both implementations follow this, so they
 * agree bit for bit, and no batch size, image position or thread count changes a result.
 */
public interface ConvKernels {

    /** The active implementation (SIMD unless {@code -Dreliant.simd=off}). */
    static ConvKernels get() {
        return Holder.ACTIVE;
    }

    /** Copies and arranges the weights (OIHW, from wOff) and bias (null = none) for this implementation. */
    PreparedConv prepare(ConvShape shape, float[] weight, int wOff, float[] bias);

    /** Convolves {@code batch} images starting at inOff into out (from outOff), in parallel. */
    default void forward(PreparedConv conv, float[] in, int inOff, int batch, float[] out, int outOff) {
        forwardChannels(conv, in, inOff, batch, 0, conv.shape.outChannels, out, outOff);
    }

    /**
     * Computes only output channels [coStart, coEnd) of every image (the rest of out is not
     * touched): after a fault in the weights of channel o, only that channel changes.
     */
    void forwardChannels(PreparedConv conv, float[] in, int inOff, int batch, int coStart, int coEnd,
                         float[] out, int outOff);

    /** Name shown by {@code reliant selftest}. */
    String name();

    /** Checks the operands of {@link #forwardChannels}. */
    static void checkForward(PreparedConv conv, float[] in, int inOff, int batch, int coStart, int coEnd,
                             float[] out, int outOff) {
        ConvShape s = conv.shape;
        Checks.nonNegative("batch", batch);
        if (coStart < 0 || coEnd > s.outChannels || coStart > coEnd) {
            throw new IllegalArgumentException("output channels [" + coStart + ", " + coEnd + ") outside [0, "
                    + s.outChannels + ")");
        }
        Checks.span("conv input [" + batch + ", " + s.inChannels + ", " + s.inHeight + ", " + s.inWidth + "]",
                in, inOff, (long) batch * s.inputSize());
        Checks.span("conv output [" + batch + ", " + s.outChannels + ", " + s.outHeight + ", " + s.outWidth + "]",
                out, outOff, (long) batch * s.outputSize());
    }

    /** Holds the choice so the JIT treats it as a constant. */
    final class Holder {
        private Holder() {}

        static final ConvKernels ACTIVE = Simd.enabled() ? ConvSimd.INSTANCE : ConvPlain.INSTANCE;
    }
}
