package dev.reliant.simd;

/**
 * Element-wise kernels on raw {@code float[]} data: activations (ReLU, ReLU6, clamp), sums
 * (residual add, fused add + ReLU), scaling, and the per-channel affine map of batch-norm
 * inference.
 *
 * <p><b>Arrays.</b> Every operand is an array plus an offset; {@code n} elements are read or
 * written from the offset. The output may be the same array at the same offset as an input
 * (in place); any other overlap of input and output is not supported. Arguments are checked
 * before any element is touched: a negative size, a negative offset, a null array or an array
 * too short for its operand throws {@link IllegalArgumentException} naming the operand, and no
 * shape reads or writes outside the stated ranges.
 *
 * <p><b>Exactness.</b> Every output element is one or two IEEE operations on its own inputs
 * (no reductions), so the SIMD and plain implementations agree bit for bit and no batch size,
 * position or thread count can change a result (DESIGN invariant 1). Large arrays are split
 * over the thread pool ({@link Parallel}) in fixed chunks of output elements.
 *
 * <p><b>NaN, infinities and signed zeros</b> (identical in both implementations): maxima and
 * minima follow {@link Math#max(float, float)} and {@link Math#min(float, float)} — NaN
 * propagates and −0 counts as smaller than +0 — in the SIMD twin through the Vector API's
 * {@code MAX}/{@code MIN} lane operators, which are specified with exactly these semantics.
 * <ul>
 *   <li>{@code relu(x) = Math.max(x, +0)}: {@code relu(NaN) = NaN} (as {@code torch.relu}),
 *       {@code relu(-0.0) = +0.0}, {@code relu(-inf) = +0}, {@code relu(+inf) = +inf}.</li>
 *   <li>{@code clamp(x, lo, hi) = Math.min(Math.max(x, lo), hi)}: {@code clamp(NaN) = NaN} (as
 *       {@code torch.clamp}), {@code clamp(-0.0, 0, 6) = +0.0}. The bounds must be ordered
 *       numbers ({@code lo <= hi}, neither NaN); infinite bounds are allowed.</li>
 *   <li>{@code relu6(x) = clamp(x, 0, 6)}; {@code addRelu(a, b) = relu(a + b)} with the sum
 *       rounded to float first.</li>
 * </ul>
 * The plain twin's {@code Math.max}/{@code Math.min} loops are branch-free for the JIT (a
 * compare-and-select written as {@code x <= 0 ? 0 : x} compiles to a branch that mispredicts on
 * real activations and ran 50–90 times slower). NaN payloads are not specified.
 *
 * <p>Obtain the active implementation with {@link #get()}; {@link ElementwiseSimd#INSTANCE} and
 * {@link ElementwisePlain#INSTANCE} are the two twins.
 */
public interface ElementwiseKernels {

    /** The active implementation: SIMD unless {@code -Dreliant.simd=off} (see {@link Simd}). */
    static ElementwiseKernels get() {
        return Holder.ACTIVE;
    }

    /** Name of the implementation, for self-tests and benchmark labels. */
    String name();

    /** {@code y[i] = relu(x[i])} for i in [0, n). */
    void relu(float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code y[i] = clamp(x[i], 0, 6)} for i in [0, n) (ReLU6 of MobileNet). */
    default void relu6(float[] x, int xOff, float[] y, int yOff, int n) {
        clamp(x, xOff, y, yOff, n, 0f, 6f);
    }

    /**
     * {@code y[i] = Math.min(Math.max(x[i], lo), hi)} for i in [0, n); see the class comment.
     * Also the range restriction of Ranger.
     *
     * @throws IllegalArgumentException if lo or hi is NaN or lo > hi
     */
    void clamp(float[] x, int xOff, float[] y, int yOff, int n, float lo, float hi);

    /** {@code y[i] = a[i] + b[i]} for i in [0, n). */
    void add(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n);

    /** {@code y[i] += b[i]} for i in [0, n). */
    void addInPlace(float[] y, int yOff, float[] b, int bOff, int n);

    /** {@code y[i] = relu(a[i] + b[i])} for i in [0, n): the residual join of a ResNet block. */
    void addRelu(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n);

    /** {@code y[i] = x[i] * s} for i in [0, n). */
    void scale(float[] x, int xOff, float[] y, int yOff, int n, float s);

    /**
     * Per-channel affine map on an NCHW block (batch-norm inference):
     * {@code y[b, c, i] = x[b, c, i] * scale[c] + shift[c]} for {@code b < batch}, {@code c < channels},
     * {@code i < spatial} (= H·W), computed as a rounded multiply followed by a rounded add (no fused
     * multiply-add) in both implementations. {@code scale} and {@code shift} are read from
     * index 0 and must hold at least {@code channels} values.
     */
    void scaleShift(float[] x, int xOff, float[] y, int yOff, int batch, int channels, int spatial,
                    float[] scale, float[] shift);

    /**
     * Folds batch-norm inference parameters into the per-channel {@code (scale, shift)} of
     * {@link #scaleShift}: {@code scale[c] = gamma[c] / sqrt(var[c] + eps)} and
     * {@code shift[c] = beta[c] - mean[c] * scale[c]}, evaluated in double precision and
     * rounded to float once per value (the shift uses the unrounded double scale). There is one implementation for both twins (nothing
     * here is worth vectorizing), so both see the same bits.
     *
     * <p>Values are not validated: a negative or NaN variance (for instance after a fault was
     * injected into {@code running_var}) yields NaN, as it would in PyTorch. Only the shapes
     * are checked.
     *
     * @param gamma the weight, or null for 1 (affine=False)
     * @param beta the bias, or null for 0 (affine=False)
     * @param mean running mean (length ≥ channels)
     * @param var running variance (length ≥ channels)
     * @param eps the epsilon added to the variance (PyTorch default 1e-5)
     * @param channels number of channels
     * @param scale output, length ≥ channels
     * @param shift output, length ≥ channels
     */
    static void foldBatchNorm(float[] gamma, float[] beta, float[] mean, float[] var, double eps,
                              int channels, float[] scale, float[] shift) {
        String op = "foldBatchNorm";
        Checks.requireNonNegative(op, "channels", channels);
        if (gamma != null) {
            Checks.requireRange(op, "gamma", gamma, 0, channels);
        }
        if (beta != null) {
            Checks.requireRange(op, "beta", beta, 0, channels);
        }
        Checks.requireRange(op, "mean", mean, 0, channels);
        Checks.requireRange(op, "var", var, 0, channels);
        Checks.requireRange(op, "scale", scale, 0, channels);
        Checks.requireRange(op, "shift", shift, 0, channels);
        for (int c = 0; c < channels; c++) {
            double g = gamma == null ? 1.0 : gamma[c];
            double b = beta == null ? 0.0 : beta[c];
            double s = g / Math.sqrt((double) var[c] + eps);
            scale[c] = (float) s;
            shift[c] = (float) (b - (double) mean[c] * s);
        }
    }

    /** Holds the choice of implementation so the JIT treats it as a constant. */
    final class Holder {
        private Holder() {}

        static final ElementwiseKernels ACTIVE =
                Simd.enabled() ? ElementwiseSimd.INSTANCE : ElementwisePlain.INSTANCE;
    }
}
