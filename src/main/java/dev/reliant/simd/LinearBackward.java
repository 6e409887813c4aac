package dev.reliant.simd;

/**
 * First-order backward of a fully connected layer y = x·Wᵀ + b (PyTorch layout: x [batch, in],
 * W [out, in]): the gradients are GEMMs on the active {@link GemmKernels} (so the plain twin runs
 * with {@code -Dreliant.simd=off}), each <b>added</b> to its accumulator.
 *
 * <p>Every gradient value is one fma chain (a sum for the bias) in a fixed order: over output
 * features for the input gradient, over images for the weight and bias gradients. The GEMM
 * splits work over output values only, so no thread count changes a bit.
 */
public final class LinearBackward {
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private LinearBackward() {}

    /** {@code gradIn [batch, in] += gradOut [batch, out] · W [out, in]}. */
    public static void inputGradient(float[] weight, int wOff, int out, int in, float[] gradOut, int gOff, int batch,
                                     float[] gradIn, int giOff) {
        checkOperands(out, in, batch, gradOut, gOff);
        Checks.span("linear weight [" + out + ", " + in + "]", weight, wOff, (long) out * in);
        Checks.span("linear input gradient [" + batch + ", " + in + "]", gradIn, giOff, (long) batch * in);
        if (batch == 0 || in == 0 || out == 0) {
            return;
        }
        float[] product = scratch(0, batch * in);
        GemmKernels.get().sgemm(batch, in, out, gradOut, gOff, out, weight, wOff, in, product, 0, in);
        for (int i = 0; i < batch * in; i++) {
            gradIn[giOff + i] += product[i];
        }
    }

    /** {@code gradWeight [out, in] += gradOutᵀ · x}, summed over the batch. */
    public static void weightGradient(float[] x, int xOff, int out, int in, float[] gradOut, int gOff, int batch,
                                      float[] gradWeight, int gwOff) {
        checkOperands(out, in, batch, gradOut, gOff);
        Checks.span("linear input [" + batch + ", " + in + "]", x, xOff, (long) batch * in);
        Checks.span("linear weight gradient [" + out + ", " + in + "]", gradWeight, gwOff, (long) out * in);
        if (batch == 0 || out == 0 || in == 0) {
            return;
        }
        float[] transposed = scratch(0, out * batch);
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < out; o++) {
                transposed[o * batch + b] = gradOut[gOff + b * out + o];
            }
        }
        float[] product = scratch(1, out * in);
        GemmKernels.get().sgemm(out, in, batch, transposed, 0, batch, x, xOff, in, product, 0, in);
        for (int i = 0; i < out * in; i++) {
            gradWeight[gwOff + i] += product[i];
        }
    }

    /** {@code gradBias[o] += Σ_b gradOut[b][o]}, images in order. */
    public static void biasGradient(float[] gradOut, int gOff, int batch, int out, float[] gradBias, int gbOff) {
        checkOperands(out, 0, batch, gradOut, gOff);
        Checks.span("linear bias gradient [" + out + "]", gradBias, gbOff, out);
        float[] sum = scratch(0, out);
        java.util.Arrays.fill(sum, 0, out, 0f);
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < out; o++) {
                sum[o] += gradOut[gOff + b * out + o];
            }
        }
        for (int o = 0; o < out; o++) {
            gradBias[gbOff + o] += sum[o];
        }
    }

    private static void checkOperands(int out, int in, int batch, float[] gradOut, int gOff) {
        Checks.nonNegative("linear out_features", out);
        Checks.nonNegative("linear in_features", in);
        Checks.nonNegative("batch", batch);
        Checks.span("linear output gradient [" + batch + ", " + out + "]", gradOut, gOff, (long) batch * out);
    }

    /** The calling thread's scratch array {@code slot}, at least {@code size} long. */
    private static float[] scratch(int slot, int size) {
        float[][] s = SCRATCH.get();
        if (s[slot].length < size) {
            s[slot] = new float[size];
        }
        return s[slot];
    }
}
