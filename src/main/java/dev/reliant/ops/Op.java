package dev.reliant.ops;

import java.util.List;

/**
 * An operator of a model: fixed per-image input and output shapes, its parameters in PyTorch
 * registration order, and the three rules of DESIGN.md — forward, backward and the diagonal
 * second-order backward.
 *
 * <p><b>Layout.</b> A batch is {@code batch} images back to back: input i of image b starts at
 * {@code inputs[i][inputOffsets[i] + b · inputSize(i)]}, the output of image b at
 * {@code out[outOff + b · outputSize()]}. Per-image shapes leave out the batch dimension
 * ({@code [C, H, W]} for feature maps, {@code [F]} for features).
 *
 * <p><b>Determinism.</b> Every output value is computed in a fixed order that does not depend
 * on the batch size, the image's position or the thread count (the kernels guarantee it), so a
 * recomputation from the same inputs is bit-identical: the fault engine relies on it.
 */
public interface Op {

    /** The operator's type as in PyTorch, e.g. {@code Conv2d}. */
    String type();

    /** Number of inputs. */
    int inputCount();

    /** Per-image shape of input i (a copy). */
    int[] inputShape(int i);

    /** Per-image output shape (a copy). */
    int[] outputShape();

    /** Values per image of input i. */
    int inputSize(int i);

    /** Values per image of the output. */
    int outputSize();

    /** Parameters and buffers in PyTorch registration order (weight, bias, running_mean, running_var). */
    default List<Parameter> parameters() {
        return List.of();
    }

    /**
     * Computes the output of {@code batch} images. The output must not overlap an input, except
     * input {@link #inPlaceInput()} at the same offset.
     */
    void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff);

    /**
     * The index of an input whose buffer may also receive the output (element-wise operators
     * that read each element before writing it), or -1.
     */
    default int inPlaceInput() {
        return -1;
    }

    /**
     * Whether an image's output depends on the other images of its batch (a range taken over
     * the whole batch, as SWIM's quantized layer outputs): engines that recompute subsets of a
     * batch cannot run such a graph. False for every operator but {@link Quantize}.
     */
    default boolean batchDependent() {
        return false;
    }

    /**
     * True when the output is input 0 unchanged (Flatten, Identity, Dropout in eval): an executor
     * shares the input's buffer instead of computing anything.
     */
    default boolean isView() {
        return false;
    }

    /**
     * Called after element {@code index} of parameter {@code p} (one of {@link #parameters()})
     * was changed in place. The default marks the parameter changed, so prepared forms are
     * remade on the next forward; operators that can patch their prepared form in place (a
     * convolution weight) override it.
     */
    default void elementChanged(Parameter p, int index) {
        p.markChanged();
    }

    /**
     * Whether {@code parameters().get(j)} is learned (true) or a buffer that training updates
     * by other means or not at all (batch norm's running statistics: false). Backward passes
     * leave {@code gradParameters[j]} null for buffers.
     */
    default boolean isTrainable(int j) {
        return true;
    }

    /**
     * Switches between inference (the default: batch norm uses running statistics, dropout is
     * the identity) and training behaviour (batch statistics and running-statistics update,
     * a seeded dropout mask). Operators without such a difference ignore it.
     */
    default void setTraining(boolean training) {
    }

    /**
     * First-order backward: from dL/d(output) ({@code gradOutput}), <b>adds</b> dL/d(input) into
     * each non-null {@code gradInputs[i]} and dL/d(parameter) into each non-null
     * {@code gradParameters[j]}. Called after the forward of the same batch, with that forward's
     * inputs and output; an operator may keep what its forward computed for it (batch
     * statistics, a dropout mask, pooling argmax) until the next forward.
     */
    default void backward(BackwardContext context) {
        throw new UnsupportedOperationException("backward not implemented yet for " + type());
    }

    /**
     * Diagonal second-order backward (Becker–LeCun / OBD rules of specs/cim-swim.md A.5, BackPACK
     * style): from the per-image diagonal second derivative of the loss with respect to the
     * output ({@code gradOutput}), <b>adds</b> the diagonal for the inputs into each non-null
     * {@code gradInputs[i]} (per image: the batch is never summed) and the per-weight
     * second-derivative term, summed over the images, into each non-null
     * {@code gradParameters[j]}. Off-diagonal terms are dropped. Called after the forward of the
     * same batch, in inference mode (batch norm refuses training mode).
     */
    default void backwardDiagonal(BackwardContext context) {
        throw new UnsupportedOperationException("diagonal second-order backward not implemented yet for " + type());
    }
}
