package dev.reliant.fault;

/**
 * The statistical fault-injection sample size of Leveugle et al. (DATE 2009), as used for the
 * published fault lists (specs/fault-injection.md §3):
 *
 * <pre>  n = N / (1 + e² (N − 1) / (t² p (1 − p)))</pre>
 *
 * with N the population of possible faults, e the error margin, t the cut-off of the normal
 * distribution for the confidence level and p the assumed failure probability (0.5 is the most
 * conservative). For large N, n tends to t² p (1 − p) / e².
 *
 * @param margin e, in (0, 1)
 * @param t the normal cut-off, &gt; 0 (2.58 for 99 % confidence)
 * @param p the estimated probability, in (0, 1)
 */
public record SampleSize(double margin, double t, double p) {

    /** The published setting: 1 % margin, 99 % confidence (t = 2.58), p = 0.5. */
    public static final SampleSize DEFAULT = new SampleSize(0.01, 2.58, 0.5);

    public SampleSize {
        if (!(margin > 0 && margin < 1)) {
            throw new IllegalArgumentException("error margin must be in (0, 1), got " + margin);
        }
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException("t (the normal cut-off of the confidence level) must be > 0, got " + t);
        }
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("probability p must be in (0, 1), got " + p);
        }
    }

    /**
     * The t of a confidence level, as tabulated in the literature the lists follow: 0.90 → 1.645,
     * 0.95 → 1.96, 0.99 → 2.58 (the spec's value, not the exact 2.5758).
     *
     * @throws IllegalArgumentException for any other level, asking for t directly
     */
    public static double tForConfidence(double confidence) {
        if (confidence == 0.90) {
            return 1.645;
        }
        if (confidence == 0.95) {
            return 1.96;
        }
        if (confidence == 0.99) {
            return 2.58;
        }
        throw new IllegalArgumentException("confidence " + confidence + " has no tabulated t (known: 0.90, 0.95, "
                + "0.99); give t directly instead");
    }

    /** N for W faultable values of {@code bits} bits each: W × bits × 2 (the two stuck-at polarities of each bit). */
    public static double population(long weights, int bits) {
        if (weights < 1 || bits < 1) {
            throw new IllegalArgumentException("the fault population needs at least one value and one bit, got "
                    + weights + " values of " + bits + " bits");
        }
        return (double) weights * bits * 2;
    }

    /** n for a population N (real-valued, not rounded). */
    public double n(double population) {
        if (!(population >= 1)) {
            throw new IllegalArgumentException("fault population must be >= 1, got " + population);
        }
        return population / (1 + margin * margin * (population - 1) / (t * t * p * (1 - p)));
    }

    /** The limit of n for an infinite population: t² p (1 − p) / e². */
    public double limit() {
        return t * t * p * (1 - p) / (margin * margin);
    }
}
