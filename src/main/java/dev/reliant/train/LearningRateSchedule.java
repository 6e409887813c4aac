package dev.reliant.train;

import java.util.OptionalDouble;

/**
 * The learning rate of every optimizer step, as a pure function of the position in training, so
 * that a resumed run gets exactly the rates of an uninterrupted one without any scheduler state
 * in the checkpoint.
 *
 * <p>Positions are zero-based: {@code epoch} in [0, epochs), {@code step} the index of the
 * mini-batch within the epoch, in [0, stepsPerEpoch). The global step is
 * {@code epoch·stepsPerEpoch + step}; a schedule that PyTorch steps per iteration corresponds to
 * the PyTorch scheduler after that many {@code scheduler.step()} calls, one stepped per epoch to
 * the scheduler after {@code epoch} calls.
 */
public interface LearningRateSchedule {

    /** The learning rate for the optimizer step at this position. */
    double lr(int epoch, int step, int stepsPerEpoch);

    /**
     * The momentum (SGD) or β1 (Adam) for this step, for schedules that cycle it (one-cycle);
     * empty when the optimizer's own value applies.
     */
    default OptionalDouble momentum(int epoch, int step, int stepsPerEpoch) {
        return OptionalDouble.empty();
    }

    /**
     * {@code epoch·stepsPerEpoch + step}, after checking the position.
     *
     * @throws IllegalArgumentException if stepsPerEpoch &lt; 1, epoch &lt; 0 or step outside [0, stepsPerEpoch)
     */
    static long globalStep(int epoch, int step, int stepsPerEpoch) {
        if (stepsPerEpoch < 1 || epoch < 0 || step < 0 || step >= stepsPerEpoch) {
            throw new IllegalArgumentException("invalid training position: epoch " + epoch + ", step " + step
                    + " of " + stepsPerEpoch + " steps per epoch");
        }
        return (long) epoch * stepsPerEpoch + step;
    }
}
