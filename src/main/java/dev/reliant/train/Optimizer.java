package dev.reliant.train;

import dev.reliant.ops.Parameter;
import dev.reliant.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Updates a fixed list of parameters from their gradient arrays, with the semantics of the
 * torch.optim class of the same name. The optimizer is created over (parameter, gradient)
 * pairs; the gradient arrays are read at each {@link #step} and are typically the live
 * accumulators of the backward pass.
 *
 * <p>The learning rate is an argument of every step, so that a {@link LearningRateSchedule}
 * drives it without the optimizer knowing about epochs. Its state (momentum buffers, moment
 * estimates, the step counter) exports to named tensors for a checkpoint and imports back, after
 * which the run continues bit-identically.
 */
public interface Optimizer {

    /** The torch.optim name in lower case: {@code sgd}, {@code adam}, {@code adamw}. */
    String name();

    /** The parameters updated, in the order given at creation. */
    List<Parameter> parameters();

    /**
     * Updates every parameter from its gradient with learning rate {@code lr}, then marks the
     * parameters changed ({@link Parameter#markChanged()}).
     */
    void step(double lr);

    /**
     * Sets the momentum used from the next step on — SGD's momentum, Adam's β1 — as a one-cycle
     * schedule does ({@link LearningRateSchedule#momentum}).
     */
    void setMomentum(double momentum);

    /** Zeroes the gradient arrays. */
    void zeroGrad();

    /** Number of steps taken (restored by {@link #loadState}). */
    long steps();

    /**
     * The state as named tensors (copies): {@code optimizer.step} (a float32 scalar, as in
     * PyTorch) and per parameter {@code optimizer.<name>.momentum_buffer} or
     * {@code optimizer.<name>.exp_avg} and {@code .exp_avg_sq}, in parameter order.
     */
    Map<String, Tensor> state();

    /**
     * Restores a state exported by an optimizer of the same kind over parameters of the same
     * names and shapes.
     *
     * @throws IllegalArgumentException naming the tensor if one is missing, unexpected or of the
     *     wrong shape; nothing is changed then
     */
    void loadState(Map<String, Tensor> state);
}
