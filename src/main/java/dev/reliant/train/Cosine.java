package dev.reliant.train;

/**
 * Cosine annealing from {@code baseLr} to {@code etaMin} over all steps of training:
 * {@code etaMin + (baseLr − etaMin)·(1 + cos(π·t / T))/2} for global step t of T = epochs ×
 * stepsPerEpoch — the closed form of {@code CosineAnnealingLR(T_max = T)} stepped per iteration.
 * (SWIM's ResNet and VGG recipe, specs/cim-swim.md A.4.)
 */
public record Cosine(double baseLr, double etaMin, int epochs) implements LearningRateSchedule {

    public Cosine {
        Schedules.requireRate(baseLr);
        Schedules.requireRate(etaMin);
        Schedules.requireEpochs(epochs);
    }

    @Override
    public double lr(int epoch, int step, int stepsPerEpoch) {
        long t = LearningRateSchedule.globalStep(epoch, step, stepsPerEpoch);
        long total = (long) epochs * stepsPerEpoch;
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * t / total)) / 2;
    }
}
