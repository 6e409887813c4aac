package dev.reliant.train;

import java.util.List;

/**
 * {@code torch.optim.lr_scheduler.MultiStepLR} stepped per epoch: {@code baseLr·gamma^k} where k
 * is the number of milestones ≤ epoch (so the rate drops at the start of each milestone epoch).
 */
public record MultiStep(double baseLr, List<Integer> milestones, double gamma) implements LearningRateSchedule {

    public MultiStep {
        Schedules.requireRate(baseLr);
        milestones = List.copyOf(milestones);
        int previous = 0;
        for (int m : milestones) {
            if (m <= previous) {
                throw new IllegalArgumentException("milestones must be increasing epochs ≥ 1, got " + milestones);
            }
            previous = m;
        }
        Schedules.requireGamma(gamma);
    }

    @Override
    public double lr(int epoch, int step, int stepsPerEpoch) {
        LearningRateSchedule.globalStep(epoch, step, stepsPerEpoch);
        int passed = 0;
        for (int m : milestones) {
            if (m <= epoch) {
                passed++;
            }
        }
        return baseLr * Math.pow(gamma, passed);
    }
}
