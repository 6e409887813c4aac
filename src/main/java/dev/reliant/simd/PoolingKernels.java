package dev.reliant.simd;

/**
 * 2-D pooling on NCHW {@code float[]} data: max pooling, average pooling and global average
 * pooling, with the semantics of PyTorch's {@code max_pool2d}, {@code avg_pool2d} and
 * {@code adaptive_avg_pool2d(x, 1)}.
 *
 * <p><b>Geometry.</b> The input is {@code batch × channels × h × w} from {@code xOff}; the output
 * is {@code batch × channels × oh × ow} from {@code yOff}, with
 * {@code oh = outSize(h, kh, sh, ph, 1)} and {@code ow = outSize(w, kw, sw, pw, 1)} (floor, i.e.
 * {@code ceil_mode=False}). As in PyTorch the padding may be at most half the kernel
 * ({@code ph <= kh / 2}, {@code pw <= kw / 2}), so every window holds at least one input value,
 * and the kernel must fit the padded input. Violations throw {@link IllegalArgumentException}
 * naming the operand; so do negative sizes and arrays too short for their operand. The output
 * must not overlap the input.
 *
 * <p><b>Order of operations</b> (fixed per output element, identical in both twins, so results
 * are bit-identical between them and independent of batch size, position and threads):
 * <ul>
 *   <li>Max: start from {@code -inf}, scan the in-bounds window rows top to bottom, each row
 *       left to right, and take {@code v} when {@code v > m || isNaN(v)} — PyTorch's CPU rule.
 *       A NaN anywhere in the window gives NaN; padding never wins (it is not read); of equal
 *       values (+0 and −0) the first one scanned is kept.</li>
 *   <li>Average: start from +0, add the in-bounds values in the same scan order, then divide
 *       (one IEEE division) by {@code kh·kw} when {@code countIncludePad} (PyTorch's default;
 *       with {@code ceil_mode=False} every window lies inside the padded input, so this is the
 *       divisor PyTorch uses) or by the number of in-bounds values otherwise. Padding adds
 *       nothing (adding +0 would not change the sum either).</li>
 *   <li>Global average: the plane of {@code n = spatial} values is summed in
 *       {@value #STRIPES} stripes: {@code s[j]} (from +0) adds the values at
 *       {@code i ≡ j (mod 8)} for {@code i < 8·floor(n / 8)}, in increasing i; then
 *       {@code t = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))}; then the tail values
 *       {@code i >= 8·floor(n / 8)} are added to t one by one in increasing i; the result is
 *       {@code t / n}. This is one 8-lane vector accumulator in the SIMD twin, emulated with
 *       eight scalars in the plain twin.</li>
 * </ul>
 *
 * <p>Obtain the active implementation with {@link #get()}; {@link PoolingSimd#INSTANCE} and
 * {@link PoolingPlain#INSTANCE} are the two twins.
 */
public interface PoolingKernels {

    /** Number of partial sums in the fixed summation order of {@link #globalAvgPool}. */
    int STRIPES = 8;

    /** The active implementation: SIMD unless {@code -Dreliant.simd=off} (see {@link Simd}). */
    static PoolingKernels get() {
        return Holder.ACTIVE;
    }

    /** Name of the implementation, for self-tests and benchmark labels. */
    String name();

    /**
     * Output length of a pooling or convolution window along one axis, PyTorch's formula with
     * {@code ceil_mode=False}: {@code floor((in + 2·pad − dilation·(kernel − 1) − 1) / stride) + 1}.
     *
     * @throws IllegalArgumentException if in, kernel, stride or dilation is below 1, pad is
     *     negative, or the (dilated) kernel is larger than the padded input
     */
    static int outSize(int in, int kernel, int stride, int pad, int dilation) {
        return PoolingDriver.outSize("outSize", "", in, kernel, stride, pad, dilation);
    }

    /**
     * Max pooling; see the class comment for geometry and order.
     *
     * @param x input, {@code batch × channels × h × w} from xOff
     * @param kh kernel height
     * @param kw kernel width
     * @param sh stride along the height
     * @param sw stride along the width
     * @param ph zero-padding (implicit, never read) above and below
     * @param pw padding left and right
     * @param y output, {@code batch × channels × oh × ow} from yOff
     */
    void maxPool2d(float[] x, int xOff, int batch, int channels, int h, int w,
                   int kh, int kw, int sh, int sw, int ph, int pw, float[] y, int yOff);

    /**
     * Average pooling; see the class comment for geometry, order and the divisor.
     *
     * @param countIncludePad true for PyTorch's default divisor kh·kw, false to divide by the
     *     number of in-bounds values
     */
    void avgPool2d(float[] x, int xOff, int batch, int channels, int h, int w,
                   int kh, int kw, int sh, int sw, int ph, int pw, boolean countIncludePad,
                   float[] y, int yOff);

    /**
     * Global average pooling, {@code N × C × spatial → N × C}: {@code y[b·channels + c]} is the
     * mean of plane (b, c) summed in the fixed striped order of the class comment.
     *
     * @param spatial the plane size H·W (≥ 1)
     */
    void globalAvgPool(float[] x, int xOff, int batch, int channels, int spatial, float[] y, int yOff);

    /** Holds the choice of implementation so the JIT treats it as a constant. */
    final class Holder {
        private Holder() {}

        static final PoolingKernels ACTIVE = Simd.halfWidthVectorsOk() ? PoolingSimd.INSTANCE : PoolingPlain.INSTANCE;
    }
}
