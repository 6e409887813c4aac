package dev.reliant.cim;

import dev.reliant.ops.Quantize;

/**
 * SWIM's per-tensor quantizer q_N (specs/cim-swim.md A.2), for weights and biases:
 * {@code q_N(x) = round(x / d)·d}, {@code d = max|x| / 2^N} over the whole tensor, round half
 * to even, x itself when d = 0. Integer codes lie in [−2^N, 2^N]; the largest magnitude is kept
 * exactly, so max|q_N(W)| = max|W| (the noise scale of A.1 is the same for both).
 *
 * <p>The arithmetic is the one of the layer-output operator {@link Quantize}, so weights,
 * biases and activations are quantized by one implementation. Used in training, the backward
 * is straight-through (see {@link QuantizedTraining}).
 */
public final class SwimQuantizer implements Quantizer {
    private final int bits;

    /** @param bits N (1 … {@value Quantize#MAX_BITS}); the study uses 4 (LeNet), 6 (ConvNet), 8 (ResNet-18), 16 (VGG) */
    public SwimQuantizer(int bits) {
        this.bits = Quantize.checkBits(bits);
    }

    public int bits() {
        return bits;
    }

    /** The step d = max|x| / 2^N of q_N over the whole tensor (0 for an all-zero or empty tensor). */
    public static float step(float[] x, int bits) {
        if (x == null) {
            throw new IllegalArgumentException("q_N step: tensor is null");
        }
        return Quantize.step(x, 0, x.length, bits);
    }

    @Override
    public void quantize(float[] in, float[] out) {
        Quantizer.checkLengths(in, out);
        Quantize.quantize(in, 0, out, 0, in.length, bits);
    }

    @Override
    public String describe() {
        return "q_N(N=" + bits + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
