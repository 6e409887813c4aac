package dev.reliant.fault;

/**
 * One repeat of a BER campaign: how many bit faults its fault map injected and what they did to
 * the images (counts as in {@link OutcomeCounts}).
 */
public record BerRepeat(int repeat, int faults, OutcomeCounts counts) {

    /** Faulty top-1 accuracy against labels, in [0, 1]. */
    public double accuracy() {
        return share(counts.top1Correct());
    }

    /** Share of images whose top-1 differs from the golden top-1 (critical SDC rate). */
    public double criticalRate() {
        return share(counts.critical());
    }

    /** Share of images with NaN or infinite logits. */
    public double dueRate() {
        return share(counts.due());
    }

    private double share(long part) {
        long n = counts.images();
        return n == 0 ? 0 : (double) part / n;
    }
}
