package dev.reliant.train;

/** {@code torch.optim.lr_scheduler.StepLR} stepped per epoch: {@code baseLr·gamma^⌊epoch / stepSize⌋}. */
public record StepDecay(double baseLr, int stepSize, double gamma) implements LearningRateSchedule {

    public StepDecay {
        Schedules.requireRate(baseLr);
        if (stepSize < 1) {
            throw new IllegalArgumentException("step size must be at least 1 epoch, got " + stepSize);
        }
        Schedules.requireGamma(gamma);
    }

    @Override
    public double lr(int epoch, int step, int stepsPerEpoch) {
        LearningRateSchedule.globalStep(epoch, step, stepsPerEpoch);
        return baseLr * Math.pow(gamma, epoch / stepSize);
    }
}
