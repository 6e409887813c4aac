package dev.reliant.ops;

import dev.reliant.simd.BackwardElementwiseKernels;
import dev.reliant.simd.ElementwiseKernels;
import dev.reliant.tensor.Shapes;
import java.util.List;

/**
 * {@code nn.BatchNorm2d}: per channel {@code y = (x − mean) / √(var + eps) · weight + bias}.
 *
 * <p><b>Eval mode</b> (the default) uses the running statistics, computed as
 * {@code y = x·scale + shift} ({@link ElementwiseKernels#scaleShift}) with the per-channel scale
 * and shift of {@link ElementwiseKernels#foldBatchNorm} (double precision, rounded once), remade
 * when a parameter's version changes.
 *
 * <p><b>Training mode</b> ({@link #setTraining}) normalises with the statistics of the batch over
 * (N, H, W) — the biased variance — and updates the running statistics as PyTorch does with
 * momentum {@value #MOMENTUM}: {@code running_mean ← (1 − m)·running_mean + m·mean},
 * {@code running_var ← (1 − m)·running_var + m·var_unbiased} (computed in double, rounded once).
 * The forward keeps the batch mean and 1/√(var + eps) for the backward, which needs the forward's
 * input: in training mode the operator is therefore not computed in place.
 *
 * <p><b>Backward</b> follows the mode of the preceding forward: with batch statistics
 * {@code dx = γ·invstd/M·(M·dy − Σdy − x̂·Σ(dy·x̂))}, with running statistics the affine map
 * {@code dx = γ·invstd·dy}; in both {@code dweight = Σ dy·x̂} and {@code dbias = Σ dy}. Sums run
 * in the fixed order of {@link BackwardElementwiseKernels}. In eval mode the input gradient needs
 * only the running statistics, but the weight gradient reads the forward's input: an executor
 * that wants it must not have run the forward in place.
 *
 * <p>Parameters in PyTorch order: {@code weight}, {@code bias}, {@code running_mean},
 * {@code running_var} (the last two are buffers, not trainable; a checkpoint's
 * {@code num_batches_tracked} carries no values and is not kept — with a fixed momentum PyTorch
 * does not use it either). The input may be a feature map {@code [C, H, W]} or a feature vector
 * {@code [C]} (BatchNorm1d semantics).
 */
public final class BatchNorm2d extends AbstractOp {
    /** PyTorch's default epsilon. */
    public static final double DEFAULT_EPS = 1e-5;
    /** PyTorch's default momentum of the running statistics. */
    public static final double MOMENTUM = 0.1;

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
    private boolean training;
    /** What the last forward in training mode computed for the backward; null after an eval forward. */
    private BatchStatistics saved;

    /**
     * The batch statistics of a training forward: {@code centre} is the mean rounded to float (the
     * kernels subtract it first), {@code mean} and {@code invstd} = 1/√(biased var + eps) in double.
     */
    private record BatchStatistics(int batch, float[] centre, double[] mean, double[] invstd) {}

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

    /** Running statistics are buffers: updated by the training forward, never by gradients. */
    @Override
    public boolean isTrainable(int j) {
        return j < 2;
    }

    @Override
    public void setTraining(boolean training) {
        this.training = training;
    }

    /** In place in eval mode only: the training backward reads the forward's input. */
    @Override
    public int inPlaceInput() {
        return training ? -1 : 0;
    }

    @Override
    public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        if (training) {
            forwardTraining(inputs[0], inputOffsets[0], batch, out, outOff);
            return;
        }
        saved = null;
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

    /** Normalises with the batch statistics, keeps them for the backward and updates the running statistics. */
    private void forwardTraining(float[] x, int xOff, int batch, float[] out, int outOff) {
        long count = (long) batch * spatial;
        if (count < 2) {
            throw new IllegalArgumentException("BatchNorm2d training needs more than one value per channel, got batch "
                    + batch + " of " + Shapes.toString(inputShape(0)));
        }
        BackwardElementwiseKernels k = BackwardElementwiseKernels.get();
        // A first pass finds a centre near the mean; the moments around it are then accurate.
        double[] sums = new double[channels];
        k.channelSums(x, xOff, batch, channels, spatial, sums);
        float[] centre = new float[channels];
        for (int c = 0; c < channels; c++) {
            centre[c] = (float) (sums[c] / count);
        }
        double[] squares = new double[channels];
        k.channelCentredMoments(x, xOff, batch, channels, spatial, centre, sums, squares);
        double[] mean = new double[channels];
        double[] invstd = new double[channels];
        float[] batchScale = new float[channels];
        float[] batchShift = new float[channels];
        float[] g = weight.data();
        float[] beta = bias.data();
        float[] rm = runningMean.data();
        float[] rv = runningVar.data();
        for (int c = 0; c < channels; c++) {
            double offset = sums[c] / count; // mean − centre
            mean[c] = centre[c] + offset;
            // Σ(x − mean)² from the moments around the centre: Σ(x − c)² − (Σ(x − c))²/M.
            double deviations = Math.max(0, squares[c] - sums[c] * offset);
            invstd[c] = 1 / Math.sqrt(deviations / count + eps);
            double s = g[c] * invstd[c];
            batchScale[c] = (float) s;
            batchShift[c] = (float) (beta[c] - s * offset);
            rm[c] = (float) ((1 - MOMENTUM) * rm[c] + MOMENTUM * mean[c]);
            rv[c] = (float) ((1 - MOMENTUM) * rv[c] + MOMENTUM * deviations / (count - 1));
        }
        runningMean.markChanged();
        runningVar.markChanged();
        k.channelNormalize(x, xOff, out, outOff, batch, channels, spatial, centre, batchScale, batchShift);
        saved = new BatchStatistics(batch, centre, mean, invstd);
    }

    @Override
    public void backward(BackwardContext ctx) {
        float[] dx = ctx.gradInputs[0];
        float[] dWeight = ctx.gradParameters[0];
        float[] dBias = ctx.gradParameters[1];
        if (saved != null) {
            backwardTraining(ctx, saved, dx, dWeight, dBias);
        } else {
            backwardEval(ctx, dx, dWeight, dBias);
        }
    }

    /**
     * Becker–LeCun with the running statistics: the per-channel affine map
     * {@code y = x·γ/√(var + eps) + β} gives {@code h_x = h_y·(γ/√(var + eps))²}. No parameter
     * terms: batch-norm parameters are never selected (specs/cim-swim.md A.5). In training mode
     * the batch statistics couple the images of a batch and the rule does not hold: an error.
     */
    @Override
    public void backwardDiagonal(BackwardContext ctx) {
        if (training) {
            throw new IllegalStateException("BatchNorm2d " + weight.name() + ": the diagonal second-order backward "
                    + "is defined with running statistics; switch the model to inference mode");
        }
        float[] dx = ctx.gradInputs[0];
        if (dx == null) {
            return;
        }
        float[] g = weight.data();
        float[] rv = runningVar.data();
        float[] factor = new float[channels];
        for (int c = 0; c < channels; c++) {
            double a = g[c] / Math.sqrt((double) rv[c] + eps);
            factor[c] = (float) (a * a);
        }
        BackwardElementwiseKernels.get().channelScaleAccumulate(ctx.gradOutput, ctx.gradOutputOffset, dx,
                ctx.gradInputOffsets[0], ctx.batch, channels, spatial, factor);
    }


    private void backwardTraining(BackwardContext ctx, BatchStatistics st, float[] dx, float[] dWeight,
                                  float[] dBias) {
        if (st.batch() != ctx.batch) {
            throw new IllegalStateException("BatchNorm2d backward of a batch of " + ctx.batch
                    + " after a training forward of " + st.batch());
        }
        int batch = ctx.batch;
        double count = (double) batch * spatial;
        BackwardElementwiseKernels k = BackwardElementwiseKernels.get();
        double[] sumDy = new double[channels];
        double[] sumDyCentred = new double[channels];
        k.channelGradientSums(ctx.gradOutput, ctx.gradOutputOffset, ctx.inputs[0], ctx.inputOffsets[0], batch,
                channels, spatial, st.centre(), sumDy, sumDyCentred);
        float[] g = weight.data();
        float[] dyScale = new float[channels];
        float[] xScale = new float[channels];
        float[] constant = new float[channels];
        for (int c = 0; c < channels; c++) {
            double invstd = st.invstd()[c];
            double offset = st.mean()[c] - st.centre()[c];
            double sumDyXmu = sumDyCentred[c] - offset * sumDy[c]; // Σ dy·(x − mean)
            if (dWeight != null) {
                dWeight[c] += (float) (sumDyXmu * invstd);
            }
            if (dBias != null) {
                dBias[c] += (float) sumDy[c];
            }
            // dx = γ·invstd·dy − γ·invstd/M·Σdy − γ·invstd³/M·Σdy(x − mean)·(x − mean), with x − mean = (x − c) − offset.
            double a = g[c] * invstd;
            double b = -a * invstd * invstd * sumDyXmu / count;
            dyScale[c] = (float) a;
            xScale[c] = (float) b;
            constant[c] = (float) (-a * sumDy[c] / count - b * offset);
        }
        if (dx != null) {
            k.batchNormInputGradient(ctx.gradOutput, ctx.gradOutputOffset, ctx.inputs[0], ctx.inputOffsets[0], dx,
                    ctx.gradInputOffsets[0], batch, channels, spatial, dyScale, st.centre(), xScale, constant);
        }
    }

    private void backwardEval(BackwardContext ctx, float[] dx, float[] dWeight, float[] dBias) {
        BackwardElementwiseKernels k = BackwardElementwiseKernels.get();
        float[] g = weight.data();
        float[] rv = runningVar.data();
        double[] invstd = new double[channels];
        float[] dyScale = new float[channels];
        for (int c = 0; c < channels; c++) {
            invstd[c] = 1 / Math.sqrt((double) rv[c] + eps);
            dyScale[c] = (float) (g[c] * invstd[c]);
        }
        if (dx != null) {
            k.channelScaleAccumulate(ctx.gradOutput, ctx.gradOutputOffset, dx, ctx.gradInputOffsets[0], ctx.batch,
                    channels, spatial, dyScale);
        }
        if (dWeight != null || dBias != null) {
            double[] sumDy = new double[channels];
            double[] sumDyCentred = new double[channels];
            k.channelGradientSums(ctx.gradOutput, ctx.gradOutputOffset, ctx.inputs[0], ctx.inputOffsets[0], ctx.batch,
                    channels, spatial, runningMean.data(), sumDy, sumDyCentred);
            for (int c = 0; c < channels; c++) {
                if (dWeight != null) {
                    dWeight[c] += (float) (sumDyCentred[c] * invstd[c]);
                }
                if (dBias != null) {
                    dBias[c] += (float) sumDy[c];
                }
            }
        }
    }

    @Override
    public String toString() {
        return "BatchNorm2d(" + channels + ", eps=" + eps + ")";
    }
}
