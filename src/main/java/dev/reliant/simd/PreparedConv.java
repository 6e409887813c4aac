package dev.reliant.simd;

/**
 * A convolution's weights and bias in the form its implementation computes with, made once per
 * layer. {@link #setWeight} changes one weight in place (raw and packed copies), so a fault
 * injector can flip a weight and restore it without repacking the layer.
 */
public final class PreparedConv {
    final ConvShape shape;
    final float[] weight;
    final float[] bias;
    /** One packed A matrix per group; null when the implementation reads {@link #weight} directly. */
    final PackedMatrix[] packed;
    /** Offset of each (channel, kernel row, kernel column) in the polyphase padded input (GEMM path). */
    final int[] shiftedOffsets;
    /** The weights transposed for whole-layer calls ({@link ConvPositionGemm}); null when unused. */
    final ConvPositionGemm positions;

    PreparedConv(ConvShape shape, float[] weight, float[] bias, PackedMatrix[] packed, int[] shiftedOffsets,
                 ConvPositionGemm positions) {
        this.shape = shape;
        this.weight = weight;
        this.bias = bias;
        this.packed = packed;
        this.shiftedOffsets = shiftedOffsets;
        this.positions = positions;
    }

    /** Copies the OIHW weights (from wOff) and the bias (null = none) after checking their sizes. */
    static float[][] copyParameters(ConvShape shape, float[] weight, int wOff, float[] bias) {
        Checks.span("conv weight [" + shape.outChannels + ", " + shape.inChannelsPerGroup() + ", "
                + shape.kernelHeight + ", " + shape.kernelWidth + "]", weight, wOff, shape.weightCount());
        float[] w = java.util.Arrays.copyOfRange(weight, wOff, wOff + shape.weightCount());
        float[] b = new float[shape.outChannels];
        if (bias != null) {
            if (bias.length != shape.outChannels) {
                throw new IllegalArgumentException("conv bias: expected " + shape.outChannels + " values, got "
                        + bias.length);
            }
            System.arraycopy(bias, 0, b, 0, b.length);
        }
        return new float[][] {w, b};
    }

    public ConvShape shape() {
        return shape;
    }

    /** The weight at flat OIHW index. */
    public float weight(int index) {
        return weight[index];
    }

    /** Replaces the weight at flat OIHW index, in every copy the implementation uses. */
    public void setWeight(int index, float value) {
        if (index < 0 || index >= weight.length) {
            throw new IllegalArgumentException("conv weight index " + index + " outside [0, " + weight.length + ")");
        }
        weight[index] = value;
        if (packed != null) {
            int depth = shape.depth();
            int o = index / depth;
            int g = o / shape.outChannelsPerGroup();
            PackedMatrix p = packed[g];
            p.data[p.indexOf(o - g * shape.outChannelsPerGroup(), index % depth)] = value;
        }
        if (positions != null) {
            positions.setForward(shape, index / shape.depth(), index % shape.depth(), value);
        }
    }
}
