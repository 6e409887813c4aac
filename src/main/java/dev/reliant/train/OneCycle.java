package dev.reliant.train;

import java.util.OptionalDouble;

/**
 * {@code torch.optim.lr_scheduler.OneCycleLR} with cosine annealing and two phases
 * ({@code three_phase=False}), stepped per iteration over T = epochs × stepsPerEpoch steps:
 * the rate rises from {@code maxLr/divFactor} to {@code maxLr} until step
 * {@code pctStart·T − 1}, then falls to {@code maxLr/(divFactor·finalDivFactor)} at step T − 1;
 * the momentum moves the opposite way between {@code maxMomentum} and {@code baseMomentum}.
 * Each phase anneals as {@code end + (start − end)/2·(1 + cos(π·pct))}.
 */
public record OneCycle(double maxLr, int epochs, double pctStart, double divFactor, double finalDivFactor,
        double baseMomentum, double maxMomentum) implements LearningRateSchedule {

    /** PyTorch's defaults: pct_start 0.3, div_factor 25, final_div_factor 1e4, momentum 0.85 → 0.95. */
    public OneCycle(double maxLr, int epochs) {
        this(maxLr, epochs, 0.3);
    }

    /** PyTorch's defaults with another pct_start. */
    public OneCycle(double maxLr, int epochs, double pctStart) {
        this(maxLr, epochs, pctStart, 25, 1e4, 0.85, 0.95);
    }

    public OneCycle {
        Schedules.requireRate(maxLr);
        Schedules.requireEpochs(epochs);
        if (!(pctStart > 0 && pctStart < 1)) {
            throw new IllegalArgumentException("one-cycle pct_start must be in (0, 1), got " + pctStart);
        }
        if (!(divFactor > 0) || !(finalDivFactor > 0) || Double.isInfinite(divFactor * finalDivFactor)) {
            throw new IllegalArgumentException("one-cycle div factors must be finite and > 0, got " + divFactor
                    + " and " + finalDivFactor);
        }
        AbstractOptimizer.requireRate("one-cycle base momentum", baseMomentum, false);
        AbstractOptimizer.requireRate("one-cycle max momentum", maxMomentum, false);
    }

    @Override
    public double lr(int epoch, int step, int stepsPerEpoch) {
        double initial = maxLr / divFactor;
        double min = initial / finalDivFactor;
        return phase(epoch, step, stepsPerEpoch, initial, maxLr, min);
    }

    @Override
    public OptionalDouble momentum(int epoch, int step, int stepsPerEpoch) {
        return OptionalDouble.of(phase(epoch, step, stepsPerEpoch, maxMomentum, baseMomentum, maxMomentum));
    }

    /** Anneals from {@code start} to {@code peak} in phase 1 and from {@code peak} to {@code end} in phase 2. */
    private double phase(int epoch, int step, int stepsPerEpoch, double start, double peak, double end) {
        long t = LearningRateSchedule.globalStep(epoch, step, stepsPerEpoch);
        long total = (long) epochs * stepsPerEpoch;
        double end1 = pctStart * total - 1;
        double end2 = total - 1;
        if (!(end1 > 0 && end2 > end1)) {
            throw new IllegalArgumentException("one-cycle schedule with pct_start " + pctStart + " needs more than "
                    + total + " steps (each phase at least one step)");
        }
        if (t > end2) {
            throw new IllegalArgumentException("step " + t + " is beyond the one-cycle schedule's " + total + " steps");
        }
        return t <= end1 ? anneal(start, peak, t / end1) : anneal(peak, end, (t - end1) / (end2 - end1));
    }

    private static double anneal(double start, double end, double pct) {
        return end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
    }
}
