package dev.reliant.train;

import java.util.OptionalDouble;

/**
 * Linear warm-up over the first {@code steps} global steps, multiplying another schedule's rate
 * by {@code startFactor + (1 − startFactor)·t/steps} (then by 1) — PyTorch's {@code LinearLR}
 * chained with the inner scheduler, ramped per step. A warm-up of W epochs is
 * {@code W·stepsPerEpoch} steps ({@link #ofEpochs}).
 */
public record Warmup(LearningRateSchedule inner, int length, boolean inEpochs, double startFactor)
        implements LearningRateSchedule {

    /** PyTorch LinearLR's default start factor. */
    public static final double DEFAULT_START_FACTOR = 1.0 / 3;

    public Warmup {
        if (inner == null) {
            throw new IllegalArgumentException("warm-up needs a schedule to wrap");
        }
        if (length < 1) {
            throw new IllegalArgumentException("warm-up length must be at least 1, got " + length);
        }
        if (!(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("warm-up start factor must be in (0, 1], got " + startFactor);
        }
    }

    /** A warm-up over the first {@code epochs} epochs. */
    public static Warmup ofEpochs(LearningRateSchedule inner, int epochs, double startFactor) {
        return new Warmup(inner, epochs, true, startFactor);
    }

    /** A warm-up over the first {@code steps} steps. */
    public static Warmup ofSteps(LearningRateSchedule inner, int steps, double startFactor) {
        return new Warmup(inner, steps, false, startFactor);
    }

    @Override
    public double lr(int epoch, int step, int stepsPerEpoch) {
        long t = LearningRateSchedule.globalStep(epoch, step, stepsPerEpoch);
        long steps = inEpochs ? (long) length * stepsPerEpoch : length;
        double factor = t >= steps ? 1 : startFactor + (1 - startFactor) * t / steps;
        return inner.lr(epoch, step, stepsPerEpoch) * factor;
    }

    @Override
    public OptionalDouble momentum(int epoch, int step, int stepsPerEpoch) {
        return inner.momentum(epoch, step, stepsPerEpoch);
    }
}
