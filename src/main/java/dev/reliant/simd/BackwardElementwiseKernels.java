package dev.reliant.simd;

/**
 * Kernels of the training passes that run over every activation of a ResNet: the backward of
 * ReLU and ReLU6 (a mask on the incoming gradient), and batch-norm training — its per-channel
 * statistics, its normalisation and its backward.
 *
 * <p><b>Layout.</b> Operands are an array plus an offset. Element-wise kernels act on {@code n}
 * values; the per-channel kernels on an NCHW block of {@code batch × channels × spatial} values
 * (spatial = H·W), with per-channel constants read from index 0 of arrays of at least
 * {@code channels} values. Kernels named {@code …Accumulate} or {@code …Backward} <b>add</b> into
 * their output ({@code dx}); the others overwrite it. An output must not overlap an input, except
 * that {@link #channelNormalize} may write y over x at the same offset. Negative sizes, null arrays
 * and arrays too short for their operand throw {@link IllegalArgumentException} naming the operand,
 * before anything is written.
 *
 * <p><b>Order of operations</b> (fixed, identical in both twins, so they agree bit for bit and no
 * result depends on the thread count):
 * <ul>
 *   <li>Element-wise: the expression as written, each operation rounded to float, multiply and
 *       add never fused.</li>
 *   <li>Per-channel sums: the {@code spatial} terms of each (image, channel) plane are summed in
 *       float in {@value #STRIPES} stripes exactly as {@link PoolingKernels#globalAvgPool} sums
 *       a plane (stripe j adds the terms at {@code i ≡ j (mod 8)} below {@code 8·⌊n/8⌋}, the
 *       stripes are combined as {@code ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7))}, then the tail terms
 *       are added one by one); the plane sums are then added in double, images in increasing
 *       order. The SIMD twin holds the stripes in the lanes of one 256-bit vector and never uses
 *       a horizontal {@code reduceLanes} (DESIGN invariant 1). Float stripes bound the rounding
 *       to a plane; the double sum across the batch keeps large batches accurate.</li>
 * </ul>
 *
 * <p>Obtain the active implementation with {@link #get()}; {@link BackwardElementwiseSimd#INSTANCE}
 * and {@link BackwardElementwisePlain#INSTANCE} are the two twins.
 */
public interface BackwardElementwiseKernels {

    /** Number of partial sums per plane in the fixed summation order of the per-channel sums. */
    int STRIPES = 8;

    /** The active implementation: SIMD unless {@code -Dreliant.simd=off} (see {@link Simd}). */
    static BackwardElementwiseKernels get() {
        return Holder.ACTIVE;
    }

    /** Name of the implementation, for self-tests and benchmark labels. */
    String name();

    /**
     * ReLU backward from the forward's output: {@code dx[i] += (y[i] > 0 ? dy[i] : +0)}. As in
     * PyTorch the gradient is zero where the input was ≤ 0 (y = +0) or NaN.
     */
    void reluBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /**
     * Clamp backward from the forward's output {@code y = clamp(x, lo, hi)}:
     * {@code dx[i] += (lo < y[i] && y[i] < hi ? dy[i] : +0)} — PyTorch's hardtanh rule, zero at
     * and beyond the clip points (ReLU6: lo = 0, hi = 6).
     *
     * @throws IllegalArgumentException if lo or hi is NaN or lo > hi
     */
    void clampBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n, float lo, float hi);

    /** {@code sums[c] = Σ x[b, c, i]} over images b and positions i, in the order of the class comment. */
    void channelSums(float[] x, int xOff, int batch, int channels, int spatial, double[] sums);

    /**
     * The first two moments around a per-channel centre: {@code sums[c] = Σ d} and
     * {@code squares[c] = Σ d·d} with {@code d = x[b, c, i] − centre[c]} rounded to float (and
     * {@code d·d} rounded to float). With the centre near the mean (a first {@link #channelSums}
     * pass) the deviations are small, so the mean {@code centre + sums/M} and the variance
     * {@code (squares − sums²/M)/M} stay accurate even when the mean is large against the spread.
     */
    void channelCentredMoments(float[] x, int xOff, int batch, int channels, int spatial, float[] centre,
                               double[] sums, double[] squares);

    /**
     * The two reductions of the batch-norm backward in one pass: {@code sumDy[c] = Σ dy} and
     * {@code sumDyCentred[c] = Σ dy·(x − centre[c])} (difference and product each rounded to
     * float), both over images and positions.
     */
    void channelGradientSums(float[] dy, int dyOff, float[] x, int xOff, int batch, int channels, int spatial,
                             float[] centre, double[] sumDy, double[] sumDyCentred);

    /**
     * Batch-norm training normalisation: {@code y = (x − centre[c])·scale[c] + shift[c]}.
     * Subtracting first keeps the result accurate when the mean is large against the deviation.
     */
    void channelNormalize(float[] x, int xOff, float[] y, int yOff, int batch, int channels, int spatial,
                          float[] centre, float[] scale, float[] shift);

    /** {@code dx += dy·scale[c]}: the input gradient of batch norm in eval mode (a per-channel affine map). */
    void channelScaleAccumulate(float[] dy, int dyOff, float[] dx, int dxOff, int batch, int channels, int spatial,
                                float[] scale);

    /**
     * The input gradient of batch norm with batch statistics, rewritten as a per-channel affine
     * map of dy and the centred input:
     * {@code dx += (dyScale[c]·dy + xScale[c]·(x − centre[c])) + shift[c]}.
     */
    void batchNormInputGradient(float[] dy, int dyOff, float[] x, int xOff, float[] dx, int dxOff, int batch,
                                int channels, int spatial, float[] dyScale, float[] centre, float[] xScale,
                                float[] shift);

    /** Holds the choice of implementation so the JIT treats it as a constant. */
    final class Holder {
        private Holder() {}

        static final BackwardElementwiseKernels ACTIVE =
                Simd.enabled() ? BackwardElementwiseSimd.INSTANCE : BackwardElementwisePlain.INSTANCE;
    }
}
