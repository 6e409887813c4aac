package dev.reliant.simd;

/**
 * The part of {@link ConvBackwardKernels} that both twins share: the argument checks, so that
 * {@link ConvBackwardPlain} and {@link ConvBackwardSimd} reject the same arguments with the same
 * messages and only supply the work on checked arguments.
 */
abstract class ConvBackwardDriver implements ConvBackwardKernels {

    /** {@link #inputGradient} on checked arguments. */
    abstract void addInputGradient(ConvBackwardWeights weights, float[] gradOut, int gOff, int batch, float[] gradIn,
                                   int giOff);

    /** {@link #weightGradient} on checked arguments. */
    abstract void addWeightGradient(ConvShape shape, float[] in, int inOff, float[] gradOut, int gOff, int batch,
                                    float[] gradWeight, int gwOff);

    /** {@link #biasGradient} on checked arguments. */
    abstract void addBiasGradient(ConvShape shape, float[] gradOut, int gOff, int batch, float[] gradBias, int gbOff);

    @Override
    public final void inputGradient(ConvBackwardWeights weights, float[] gradOut, int gOff, int batch, float[] gradIn,
                                    int giOff) {
        ConvBackwardKernels.checkGradOut(weights.shape, gradOut, gOff, batch);
        ConvBackwardKernels.checkInputSized("conv input gradient", weights.shape, gradIn, giOff, batch);
        addInputGradient(weights, gradOut, gOff, batch, gradIn, giOff);
    }

    @Override
    public final void weightGradient(ConvShape shape, float[] in, int inOff, float[] gradOut, int gOff, int batch,
                                     float[] gradWeight, int gwOff) {
        ConvBackwardKernels.checkInputSized("conv input", shape, in, inOff, batch);
        ConvBackwardKernels.checkGradOut(shape, gradOut, gOff, batch);
        ConvBackwardKernels.checkWeightSized("conv weight gradient", shape, gradWeight, gwOff);
        addWeightGradient(shape, in, inOff, gradOut, gOff, batch, gradWeight, gwOff);
    }

    @Override
    public final void biasGradient(ConvShape shape, float[] gradOut, int gOff, int batch, float[] gradBias, int gbOff) {
        ConvBackwardKernels.checkGradOut(shape, gradOut, gOff, batch);
        ConvBackwardKernels.checkBiasSized(shape, gradBias, gbOff);
        addBiasGradient(shape, gradOut, gOff, batch, gradBias, gbOff);
    }
}
