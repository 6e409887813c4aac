package dev.reliant.simd;

/**
 * A convolution's weights arranged for {@link ConvBackwardKernels#inputGradient}, made once per
 * layer by {@link ConvBackwardKernels#prepare} and rearranged in place by {@link #update} after
 * each weight change (an optimizer step), so training allocates nothing per step.
 */
public final class ConvBackwardWeights {
    final ConvShape shape;
    /** OIHW copy of the weights. */
    final float[] weight;
    /** The SIMD implementation's phase geometry and packed weights (none for depthwise); null for the plain twin. */
    final ConvBackwardInputPlan plan;

    ConvBackwardWeights(ConvShape shape, ConvBackwardInputPlan plan, float[] weight, int wOff) {
        this.shape = shape;
        this.weight = new float[shape.weightCount()];
        this.plan = plan;
        update(weight, wOff);
    }

    public ConvShape shape() {
        return shape;
    }

    /** Replaces every weight by {@code weight[wOff …]} (OIHW) in all arranged copies. */
    public void update(float[] weight, int wOff) {
        ConvBackwardKernels.checkWeightSized("conv weight", shape, weight, wOff);
        System.arraycopy(weight, wOff, this.weight, 0, this.weight.length);
        if (plan != null) {
            plan.pack(this.weight);
        }
    }
}
