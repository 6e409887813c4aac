package dev.reliant.train;

/** The same learning rate at every step. */
public record Constant(double baseLr) implements LearningRateSchedule {

    public Constant {
        Schedules.requireRate(baseLr);
    }

    @Override
    public double lr(int epoch, int step, int stepsPerEpoch) {
        LearningRateSchedule.globalStep(epoch, step, stepsPerEpoch);
        return baseLr;
    }
}
