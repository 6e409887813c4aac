package dev.reliant.ops;

/**
 * The operands of {@link Op#backward} and {@link Op#backwardDiagonal} for one batch, in the
 * layout of {@link Op#forward}: the forward inputs and output, the incoming quantity for the
 * output (dL/dy, or the diagonal of d²L/dy²), and where to accumulate it for the inputs and the
 * parameters (null entries: not wanted). A plain holder filled by the executor, reused between
 * nodes.
 */
public final class BackwardContext {
    /** Forward inputs. */
    public float[][] inputs;
    public int[] inputOffsets;
    /** Forward output. */
    public float[] output;
    public int outputOffset;
    public int batch;
    /** dL/d(output), or its diagonal second-order counterpart. */
    public float[] gradOutput;
    public int gradOutputOffset;
    /** Accumulators per input (null entry: the input needs none). */
    public float[][] gradInputs;
    public int[] gradInputOffsets;
    /** Accumulators per parameter, aligned with {@link Op#parameters()} (null entry: frozen). */
    public float[][] gradParameters;
}
