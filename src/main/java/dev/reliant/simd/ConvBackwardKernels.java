package dev.reliant.simd;

/**
 * First-order backward of a 2-D convolution (PyTorch Conv2d semantics, NCHW, OIHW weights): the
 * gradients with respect to the input, the weights and the bias, each <b>added</b> to its
 * accumulator, for any stride, padding, dilation and groups.
 *
 * <p>Reduction order, the same in both implementations:
 * <ul>
 *   <li>input gradient: one fma chain per input value over the (output channel of its group,
 *       kernel row, kernel column) that reach it, in that order, from +0; then added to the
 *       accumulator;</li>
 *   <li>weight gradient: fma chains over images, then output rows and columns, in order; the
 *       SIMD implementation cuts the images into chunks whose size depends only on the shape
 *       and adds the chunk sums in order, so its bits may differ from the plain twin's for
 *       large batches;</li>
 *   <li>bias gradient: sums over images and output positions in a fixed order (the SIMD one
 *       keeps vector lanes apart and adds them in lane order).</li>
 * </ul>
 * Threads split work over output values only, so no thread count changes a bit.
 */
public interface ConvBackwardKernels {

    /** The active implementation (SIMD unless {@code -Dreliant.simd=off}). */
    static ConvBackwardKernels get() {
        return Holder.ACTIVE;
    }

    /**
     * Copies and arranges the weights (OIHW, from wOff) for {@link #inputGradient}; after the
     * weights change, {@link ConvBackwardWeights#update} rearranges them in place.
     */
    ConvBackwardWeights prepare(ConvShape shape, float[] weight, int wOff);

    /**
     * {@code gradIn += dL/dx} for {@code batch} images: the transposed convolution of gradOut
     * ([batch, out, outH, outW] from gOff) with the prepared weights, added into gradIn
     * ([batch, in, H, W] from giOff).
     */
    void inputGradient(ConvBackwardWeights weights, float[] gradOut, int gOff, int batch, float[] gradIn, int giOff);

    /**
     * {@code gradWeight += dL/dW = Σ_b gradOut[b] ⊗ im2col(in[b])}: gradWeight is OIHW from gwOff,
     * in the forward input ([batch, in, H, W] from inOff).
     */
    void weightGradient(ConvShape shape, float[] in, int inOff, float[] gradOut, int gOff, int batch,
                        float[] gradWeight, int gwOff);

    /** {@code gradBias[o] += Σ over images and output positions of gradOut[b][o]}, gradBias from gbOff. */
    void biasGradient(ConvShape shape, float[] gradOut, int gOff, int batch, float[] gradBias, int gbOff);

    /** Name shown by {@code reliant selftest}. */
    String name();

    /** Checks the gradient of the output, [batch, out, outH, outW] from gOff. */
    static void checkGradOut(ConvShape s, float[] gradOut, int gOff, int batch) {
        Checks.nonNegative("batch", batch);
        Checks.span("conv output gradient [" + batch + ", " + s.outChannels + ", " + s.outHeight + ", "
                + s.outWidth + "]", gradOut, gOff, (long) batch * s.outputSize());
    }

    /** Checks an input-sized operand (the forward input or its gradient), [batch, in, H, W] from off. */
    static void checkInputSized(String what, ConvShape s, float[] a, int off, int batch) {
        Checks.span(what + " [" + batch + ", " + s.inChannels + ", " + s.inHeight + ", " + s.inWidth + "]",
                a, off, (long) batch * s.inputSize());
    }

    /** Checks the weight gradient, OIHW from gwOff. */
    static void checkWeightSized(String what, ConvShape s, float[] a, int off) {
        Checks.span(what + " [" + s.outChannels + ", " + s.inChannelsPerGroup() + ", " + s.kernelHeight + ", "
                + s.kernelWidth + "]", a, off, s.weightCount());
    }

    /** Checks the bias gradient, [out] from gbOff. */
    static void checkBiasSized(ConvShape s, float[] gradBias, int gbOff) {
        Checks.span("conv bias gradient [" + s.outChannels + "]", gradBias, gbOff, s.outChannels);
    }

    /** Holds the choice so the JIT treats it as a constant. */
    final class Holder {
        private Holder() {}

        static final ConvBackwardKernels ACTIVE = Simd.enabled() ? ConvBackwardSimd.INSTANCE : ConvBackwardPlain.INSTANCE;
    }
}
