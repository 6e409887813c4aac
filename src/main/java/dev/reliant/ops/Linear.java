package dev.reliant.ops;

import dev.reliant.simd.GemmKernels;
import dev.reliant.simd.PackedMatrix;
import dev.reliant.tensor.Shapes;
import java.util.List;

/**
 * {@code nn.Linear(in, out)}: {@code y = x·Wᵀ + b}, weight {@code [out, in]}, bias {@code [out]}
 * (optional). The input must be a feature vector {@code [in]} per image (flatten first). The
 * weights are packed once ({@link GemmKernels#pack}) and repacked when a parameter's version
 * changes.
 */
public final class Linear extends AbstractOp {
    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;
    private PackedMatrix packed;
    private long packedVersion = -1;

    public Linear(int[] inputShape, Parameter weight, Parameter bias) {
        super(inputShape, new int[] {weight.rank() == 2 ? weight.shape()[0] : 0});
        if (inputShape.length != 1) {
            throw new IllegalArgumentException("Linear " + weight.name() + " expects a feature vector per image, got "
                    + Shapes.toString(inputShape) + " (flatten first)");
        }
        this.inFeatures = inputShape[0];
        Shapes.requireShape(weight.name(), weight.shape(), Shapes.ANY, inFeatures);
        this.outFeatures = weight.shape()[0];
        if (bias != null) {
            Shapes.requireShape(bias.name(), bias.shape(), outFeatures);
        }
        this.weight = weight;
        this.bias = bias;
    }

    /** A linear layer with zero parameters named {@code name.weight} (and {@code name.bias}). */
    public static Linear create(String name, int inFeatures, int outFeatures, boolean withBias) {
        return new Linear(new int[] {inFeatures}, Parameter.zeros(name + ".weight", outFeatures, inFeatures),
                withBias ? Parameter.zeros(name + ".bias", outFeatures) : null);
    }

    @Override
    public String type() {
        return "Linear";
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public List<Parameter> parameters() {
        return weightAndBias(weight, bias);
    }

    /** A single weight change patches the packed copy in place when it is otherwise current. */
    @Override
    public void elementChanged(Parameter p, int index) {
        boolean current = packed != null && packedVersion == Parameter.maxVersion(weight, bias);
        p.markChanged();
        if (p == weight && current) {
            packed.set(index / inFeatures, index % inFeatures, weight.data()[index]);
            packedVersion = Parameter.maxVersion(weight, bias);
        }
    }

    /** The up-to-date packed weights. */
    public PackedMatrix packed() {
        long v = Parameter.maxVersion(weight, bias);
        if (packed == null || v != packedVersion) {
            packed = GemmKernels.get().pack(weight.data(), 0, outFeatures, inFeatures, inFeatures,
                    bias == null ? null : bias.data());
            packedVersion = v;
        }
        return packed;
    }

    @Override
    public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        GemmKernels.get().linear(packed(), inputs[0], inputOffsets[0], batch, out, outOff);
    }

    @Override
    public String toString() {
        return "Linear(" + inFeatures + ", " + outFeatures + (bias == null ? ", bias=False" : "") + ")";
    }
}
