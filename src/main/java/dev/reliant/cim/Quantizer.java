package dev.reliant.cim;

import dev.reliant.tensor.Shapes;

/**
 * A quantizer of a whole tensor (specs/cim-swim.md A.2, B.1, B.5): the values a
 * computing-in-memory array can hold, computed from the clean float values. Ranges and scales
 * are taken over the whole tensor, or per output channel where the quantizer says so, so a
 * quantizer is never applied element by element from outside.
 *
 * <p>{@code in} and {@code out} may be the same array: every range or scale is computed before
 * anything is written.
 */
public interface Quantizer {

    /** Quantizes the whole tensor {@code in} into {@code out} (same length). */
    void quantize(float[] in, float[] out);

    /**
     * Quantizes a tensor of the given shape (dimension 0 = output channels). Quantizers that
     * work on the whole tensor ignore the shape beyond checking that it fits.
     */
    default void quantize(float[] in, float[] out, int[] shape) {
        checkShape(in, shape);
        quantize(in, out);
    }

    /** The quantized values of {@code in} in a new array. */
    default float[] quantize(float[] in) {
        float[] out = new float[in.length];
        quantize(in, out);
        return out;
    }

    /** A short description for logs and result metadata, e.g. {@code q_N(N=4)}. */
    String describe();

    /** Requires {@code out} to match {@code in}; shared by the implementations. */
    static void checkLengths(float[] in, float[] out) {
        if (in == null || out == null || in.length != out.length) {
            throw new IllegalArgumentException("quantizer input and output must have the same length, got "
                    + (in == null ? "null" : in.length) + " and " + (out == null ? "null" : out.length));
        }
    }

    /** Requires the shape to describe exactly the values of {@code in}. */
    static void checkShape(float[] in, int[] shape) {
        if (in == null || shape == null || shape.length == 0 || Shapes.numel(shape) != in.length) {
            throw new IllegalArgumentException("shape " + (shape == null ? "null" : Shapes.toString(shape))
                    + " does not fit a tensor of "
                    + (in == null ? "null" : in.length + " values"));
        }
    }
}
