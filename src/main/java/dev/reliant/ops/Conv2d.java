package dev.reliant.ops;

import dev.reliant.simd.ConvBackwardKernels;
import dev.reliant.simd.ConvBackwardWeights;
import dev.reliant.simd.ConvKernels;
import dev.reliant.simd.ConvShape;
import dev.reliant.simd.DiagonalOperands;
import dev.reliant.simd.PreparedConv;
import dev.reliant.tensor.Shapes;
import java.util.List;

/**
 * {@code nn.Conv2d}: zero padding, stride, dilation, groups, optional bias; weight
 * {@code [out, in/groups, kh, kw]} (OIHW), bias {@code [out]}.
 *
 * <p>The kernels compute with a {@link PreparedConv} (packed weights), made once and kept while
 * the parameters' versions stay the same. For inference a following {@link BatchNorm2d} can be
 * folded in ({@link #forwardFolded}): the folded form is computed in double and rounded once,
 * {@code w' = w·γ/√(var+eps)}, {@code b' = (b − mean)·γ/√(var+eps) + β}, and is kept apart from
 * the plain form, stamped with the versions of both operators' parameters.
 *
 * <p>A change of one weight ({@link #elementChanged}) patches the prepared forms in place
 * instead of repacking, so a fault injector can flip a weight and restore it cheaply.
 */
public final class Conv2d extends AbstractOp {
    private final ConvShape shape;
    private final Parameter weight;
    private final Parameter bias;
    private Prepared plain;
    private Prepared folded;
    /** The weights arranged for the input gradient, and the weight version they hold. */
    private ConvBackwardWeights backwardWeights;
    private long backwardVersion;

    /** The kernels' form and what it was made from. */
    private static final class Prepared {
        final PreparedConv conv;
        final BatchNorm2d bn;
        /** Per output channel γ/√(var+eps) of {@link #bn} (null when not folded). */
        final double[] foldScale;
        long version;

        Prepared(PreparedConv conv, BatchNorm2d bn, double[] foldScale, long version) {
            this.conv = conv;
            this.bn = bn;
            this.foldScale = foldScale;
            this.version = version;
        }
    }

    /**
     * @param weight OIHW, {@code [out, in/groups, kh, kw]}
     * @param bias {@code [out]}, or null for none
     */
    public Conv2d(ConvShape shape, Parameter weight, Parameter bias) {
        super(new int[] {shape.inChannels, shape.inHeight, shape.inWidth},
                new int[] {shape.outChannels, shape.outHeight, shape.outWidth});
        Shapes.requireShape(weight.name(), weight.shape(), shape.outChannels, shape.inChannelsPerGroup(),
                shape.kernelHeight, shape.kernelWidth);
        if (bias != null) {
            Shapes.requireShape(bias.name(), bias.shape(), shape.outChannels);
        }
        this.shape = shape;
        this.weight = weight;
        this.bias = bias;
    }

    /** A convolution with zero parameters named {@code name.weight} (and {@code name.bias}). */
    public static Conv2d create(String name, ConvShape shape, boolean withBias) {
        return new Conv2d(shape,
                Parameter.zeros(name + ".weight", shape.outChannels, shape.inChannelsPerGroup(), shape.kernelHeight,
                        shape.kernelWidth),
                withBias ? Parameter.zeros(name + ".bias", shape.outChannels) : null);
    }

    @Override
    public String type() {
        return "Conv2d";
    }

    public ConvShape shape() {
        return shape;
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

    @Override
    public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        ConvKernels.get().forward(prepared(null), inputs[0], inputOffsets[0], batch, out, outOff);
    }

    /** Forward with {@code bn} folded in: the output is {@code bn(conv(x))} up to rounding. */
    public void forwardFolded(BatchNorm2d bn, float[] in, int inOff, int batch, float[] out, int outOff) {
        ConvKernels.get().forward(prepared(bn), in, inOff, batch, out, outOff);
    }

    /**
     * Computes only output channels [coStart, coEnd) (the rest of out is untouched), with
     * {@code bn} folded in when it is not null: after a fault in the weights of channel o, only
     * channel o changes.
     */
    public void forwardChannels(BatchNorm2d bn, float[] in, int inOff, int batch, int coStart, int coEnd,
                                float[] out, int outOff) {
        ConvKernels.get().forwardChannels(prepared(bn), in, inOff, batch, coStart, coEnd, out, outOff);
    }

    /** The up-to-date prepared form, plain ({@code bn == null}) or with {@code bn} folded in. */
    public PreparedConv prepared(BatchNorm2d bn) {
        long version = bn == null ? Parameter.maxVersion(weight, bias)
                : Math.max(Parameter.maxVersion(weight, bias), bn.version());
        Prepared p = bn == null ? plain : folded;
        if (p == null || p.version != version || p.bn != bn) {
            p = bn == null ? preparePlain(version) : prepareFolded(bn, version);
            if (bn == null) {
                plain = p;
            } else {
                folded = p;
            }
        }
        return p.conv;
    }

    private Prepared preparePlain(long version) {
        PreparedConv conv = ConvKernels.get().prepare(shape, weight.data(), 0, bias == null ? null : bias.data());
        return new Prepared(conv, null, null, version);
    }

    private Prepared prepareFolded(BatchNorm2d bn, long version) {
        if (bn.channels() != shape.outChannels) {
            throw new IllegalArgumentException("cannot fold " + bn.runningMean().name() + " (" + bn.channels()
                    + " channels) into " + weight.name() + " (" + shape.outChannels + " output channels)");
        }
        double[] s = bn.foldScale();
        float[] w = weight.data();
        float[] mean = bn.runningMean().data();
        float[] beta = bn.bias().data();
        int depth = shape.depth();
        float[] wf = new float[w.length];
        float[] bf = new float[shape.outChannels];
        for (int o = 0; o < shape.outChannels; o++) {
            for (int k = o * depth; k < (o + 1) * depth; k++) {
                wf[k] = (float) (w[k] * s[o]);
            }
            double b = bias == null ? 0.0 : bias.data()[o];
            bf[o] = (float) ((b - mean[o]) * s[o] + beta[o]);
        }
        return new Prepared(ConvKernels.get().prepare(shape, wf, 0, bf), bn, s, version);
    }

    /**
     * A weight element changed: the prepared forms that were up to date are patched in place
     * ({@link PreparedConv#setWeight}) and stay valid; anything else is remade on the next use.
     */
    @Override
    public void elementChanged(Parameter p, int index) {
        if (p != weight) {
            p.markChanged();
            return;
        }
        boolean plainCurrent = plain != null && plain.version == Parameter.maxVersion(weight, bias);
        boolean foldedCurrent = folded != null
                && folded.version == Math.max(Parameter.maxVersion(weight, bias), folded.bn.version());
        weight.markChanged();
        float w = weight.data()[index];
        if (plainCurrent) {
            plain.conv.setWeight(index, w);
            plain.version = Parameter.maxVersion(weight, bias);
        }
        if (foldedCurrent) {
            folded.conv.setWeight(index, (float) (w * folded.foldScale[index / shape.depth()]));
            folded.version = Math.max(Parameter.maxVersion(weight, bias), folded.bn.version());
        }
    }

    /**
     * dL/dx (the transposed convolution of dL/dy), dL/dW and dL/db, each added to its accumulator
     * ({@link ConvBackwardKernels}). The weights arranged for the input gradient are kept and
     * rearranged in place when the weight's version changes, so a training step allocates nothing.
     */
    @Override
    public void backward(BackwardContext c) {
        ConvBackwardKernels kernels = ConvBackwardKernels.get();
        float[] gradIn = c.gradInputs == null ? null : c.gradInputs[0];
        if (gradIn != null) {
            if (backwardWeights == null) {
                backwardWeights = kernels.prepare(shape, weight.data(), 0);
                backwardVersion = weight.version();
            } else if (backwardVersion != weight.version()) {
                backwardWeights.update(weight.data(), 0);
                backwardVersion = weight.version();
            }
            kernels.inputGradient(backwardWeights, c.gradOutput, c.gradOutputOffset, c.batch, gradIn,
                    c.gradInputOffsets[0]);
        }
        float[][] gradParams = c.gradParameters;
        if (gradParams != null && gradParams[0] != null) {
            kernels.weightGradient(shape, c.inputs[0], c.inputOffsets[0], c.gradOutput, c.gradOutputOffset, c.batch,
                    gradParams[0], 0);
        }
        if (bias != null && gradParams != null && gradParams[1] != null) {
            kernels.biasGradient(shape, c.gradOutput, c.gradOutputOffset, c.batch, gradParams[1], 0);
        }
    }

    /**
     * Becker–LeCun, BackPACK style: the first-order kernels of {@link #backward} with squared
     * operands — {@code h_x} is the transposed convolution of {@code h_y} with W² (same stride,
     * padding, dilation and groups), {@code H[o,c,u,v] += Σ_n Σ_pos h_y[n,o,pos]·x_pad[…]²} the
     * weight gradient with x² (zero padding squares to zero), {@code H_b[o] += Σ_n Σ_pos h_y}.
     * The squared weights are arranged for each call: they are small next to the convolution.
     */
    @Override
    public void backwardDiagonal(BackwardContext c) {
        ConvBackwardKernels kernels = ConvBackwardKernels.get();
        float[] hIn = c.gradInputs == null ? null : c.gradInputs[0];
        if (hIn != null) {
            ConvBackwardWeights squared = kernels.prepare(shape,
                    DiagonalOperands.squared(weight.data(), 0, weight.numel()), 0);
            kernels.inputGradient(squared, c.gradOutput, c.gradOutputOffset, c.batch, hIn, c.gradInputOffsets[0]);
        }
        float[][] hParams = c.gradParameters;
        if (hParams != null && hParams[0] != null) {
            kernels.weightGradient(shape, DiagonalOperands.squared(c.inputs[0], c.inputOffsets[0],
                    c.batch * shape.inputSize()), 0, c.gradOutput, c.gradOutputOffset, c.batch, hParams[0], 0);
        }
        if (bias != null && hParams != null && hParams[1] != null) {
            kernels.biasGradient(shape, c.gradOutput, c.gradOutputOffset, c.batch, hParams[1], 0);
        }
    }


    private static String pair(int a, int b) {
        return a == b ? Integer.toString(a) : a + "x" + b;
    }

    @Override
    public String toString() {
        return "Conv2d(" + shape.inChannels + ", " + shape.outChannels + ", k=" + pair(shape.kernelHeight, shape.kernelWidth)
                + ", s=" + pair(shape.strideH, shape.strideW) + ", p=" + pair(shape.padH, shape.padW)
                + (shape.dilationH == 1 && shape.dilationW == 1 ? "" : ", d=" + pair(shape.dilationH, shape.dilationW))
                + (shape.groups == 1 ? "" : ", groups=" + shape.groups) + (bias == null ? ", bias=False" : "") + ")";
    }
}
