package dev.reliant.ops;

import dev.reliant.simd.ElementwiseKernels;
import dev.reliant.tensor.Shapes;
import java.util.List;

/**
 * {@code nn.BatchNorm2d} in inference (eval) mode, with running statistics:
 * {@code y = (x − running_mean) / √(running_var + eps) · weight + bias} per channel.
 *
 * <p>Computed as {@code y = x·scale + shift} ({@link ElementwiseKernels#scaleShift}) with the
 * per-channel scale and shift of {@link ElementwiseKernels#foldBatchNorm} (double precision,
 * rounded once), remade when a parameter's version changes. Parameters in PyTorch order:
 * {@code weight}, {@code bias}, {@code running_mean}, {@code running_var} (a checkpoint's
 * {@code num_batches_tracked} carries no values and is not kept). The input may be a feature map
 * {@code [C, H, W]} or a feature vector {@code [C]} (BatchNorm1d semantics).
 */
public final class BatchNorm2d extends AbstractOp {
    /** PyTorch's default epsilon. */
    public static final double DEFAULT_EPS = 1e-5;

    private final int channels;
    private final int spatial;
    private final double eps;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private float[] scale;
    private float[] shift;
    private long preparedVersion = -1;

    public BatchNorm2d(int[] inputShape, double eps, Parameter weight, Parameter bias, Parameter runningMean,
                       Parameter runningVar) {
        super(inputShape, inputShape);
        if (inputShape.length != 3 && inputShape.length != 1) {
            throw new IllegalArgumentException("BatchNorm expects [C, H, W] or [C] per image, got "
                    + Shapes.toString(inputShape));
        }
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("batch-norm eps must be a finite number >= 0, got " + eps);
        }
        this.channels = inputShape[0];
        this.spatial = inputSize(0) / channels;
        this.eps = eps;
        for (Parameter p : new Parameter[] {weight, bias, runningMean, runningVar}) {
            Shapes.requireShape(p.name(), p.shape(), channels);
        }
        this.weight = weight;
        this.bias = bias;
        this.runningMean = runningMean;
        this.runningVar = runningVar;
    }

    /**
     * A batch norm named {@code name} with PyTorch's initial values: weight 1, bias 0,
     * running_mean 0, running_var 1.
     */
    public static BatchNorm2d create(String name, int[] inputShape, double eps) {
        int c = inputShape.length == 0 ? 0 : inputShape[0];
        return new BatchNorm2d(inputShape, eps, Parameter.full(name + ".weight", 1f, c),
                Parameter.zeros(name + ".bias", c), Parameter.zeros(name + ".running_mean", c),
                Parameter.full(name + ".running_var", 1f, c));
    }

    @Override
    public String type() {
        return "BatchNorm2d";
    }

    public int channels() {
        return channels;
    }

    public double eps() {
        return eps;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public Parameter runningMean() {
        return runningMean;
    }

    public Parameter runningVar() {
        return runningVar;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias, runningMean, runningVar);
    }

    /** The largest version of the four parameters: changes whenever one of them changes. */
    public long version() {
        return Parameter.maxVersion(weight, bias, runningMean, runningVar);
    }

    /** Per channel {@code weight / √(running_var + eps)} in double, for folding into a convolution. */
    public double[] foldScale() {
        float[] g = weight.data();
        float[] v = runningVar.data();
        double[] s = new double[channels];
        for (int c = 0; c < channels; c++) {
            s[c] = g[c] / Math.sqrt((double) v[c] + eps);
        }
        return s;
    }

    @Override
    public int inPlaceInput() {
        return 0;
    }

    @Override
    public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        long v = version();
        if (v != preparedVersion) {
            float[] sc = new float[channels];
            float[] sh = new float[channels];
            ElementwiseKernels.foldBatchNorm(weight.data(), bias.data(), runningMean.data(), runningVar.data(), eps,
                    channels, sc, sh);
            scale = sc;
            shift = sh;
            preparedVersion = v;
        }
        ElementwiseKernels.get().scaleShift(inputs[0], inputOffsets[0], out, outOff, batch, channels, spatial,
                scale, shift);
    }

    @Override
    public String toString() {
        return "BatchNorm2d(" + channels + ", eps=" + eps + ")";
    }
}
