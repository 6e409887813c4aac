package dev.reliant.ops;

import dev.reliant.simd.DiagonalOperands;
import dev.reliant.simd.GemmKernels;
import dev.reliant.simd.LinearBackward;
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

    /**
     * dL/dx += dL/dy·W, dL/dW += (dL/dy)ᵀ·x, dL/db += Σ_b dL/dy (the GEMMs of {@link LinearBackward}).
     */
    @Override
    public void backward(BackwardContext c) {
        float[] gradIn = c.gradInputs == null ? null : c.gradInputs[0];
        if (gradIn != null) {
            LinearBackward.inputGradient(weight.data(), 0, outFeatures, inFeatures, c.gradOutput, c.gradOutputOffset,
                    c.batch, gradIn, c.gradInputOffsets[0]);
        }
        float[][] gradParams = c.gradParameters;
        if (gradParams != null && gradParams[0] != null) {
            LinearBackward.weightGradient(c.inputs[0], c.inputOffsets[0], outFeatures, inFeatures, c.gradOutput,
                    c.gradOutputOffset, c.batch, gradParams[0], 0);
        }
        if (bias != null && gradParams != null && gradParams[1] != null) {
            LinearBackward.biasGradient(c.gradOutput, c.gradOutputOffset, c.batch, outFeatures, gradParams[1], 0);
        }
    }

    /**
     * Becker–LeCun, BackPACK style: the first-order kernels of {@link #backward} with squared
     * operands — {@code h_x[j] = Σ_i W[i,j]²·h_y[i]} (the input-gradient GEMM with W²),
     * {@code H_W[i,j] += Σ_n h_y[n,i]·x[n,j]²} (the weight-gradient GEMM with x²) and
     * {@code H_b[i] += Σ_n h_y[n,i]} (the bias sum).
     */
    @Override
    public void backwardDiagonal(BackwardContext c) {
        float[] hIn = c.gradInputs == null ? null : c.gradInputs[0];
        if (hIn != null) {
            LinearBackward.inputGradient(DiagonalOperands.squared(weight.data(), 0, weight.numel()), 0, outFeatures,
                    inFeatures, c.gradOutput, c.gradOutputOffset, c.batch, hIn, c.gradInputOffsets[0]);
        }
        float[][] hParams = c.gradParameters;
        if (hParams != null && hParams[0] != null) {
            LinearBackward.weightGradient(DiagonalOperands.squared(c.inputs[0], c.inputOffsets[0], c.batch * inFeatures),
                    0, outFeatures, inFeatures, c.gradOutput, c.gradOutputOffset, c.batch, hParams[0], 0);
        }
        if (bias != null && hParams != null && hParams[1] != null) {
            LinearBackward.biasGradient(c.gradOutput, c.gradOutputOffset, c.batch, outFeatures, hParams[1], 0);
        }
    }


    @Override
    public String toString() {
        return "Linear(" + inFeatures + ", " + outFeatures + (bias == null ? ", bias=False" : "") + ")";
    }
}
