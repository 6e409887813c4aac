package dev.reliant.fault;

import dev.reliant.simd.Ranking;

/**
 * The class of one (fault, image) pair (specs/fault-injection.md §6), with the rules that decide
 * it: masked when every logit equals the golden one as floats (+0 equals -0, NaN equals
 * nothing), critical when the top-1 class differs from the golden top-1, non-critical
 * otherwise. Top-1 is the first index of the maximum, or the first NaN when there is one (as
 * NumPy's argmax, which the reference injector used). Labels play no part.
 */
public enum Outcome {
    MASKED(0, "masked"),
    NON_CRITICAL(1, "non_critical"),
    CRITICAL(2, "critical");

    private final int code;
    private final String label;

    Outcome(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The class code of the per-image files: 0, 1 or 2. */
    public int code() {
        return code;
    }

    /** The CSV column name: masked, non_critical, critical. */
    public String label() {
        return label;
    }

    /**
     * Classifies faulty logits against golden ones ({@code classes} values from each offset).
     *
     * @param goldenTop1 the golden top-1, {@link #top1} of the golden logits
     */
    public static Outcome classify(float[] golden, int goldenOff, int goldenTop1, float[] faulty, int faultyOff,
                                   int classes) {
        boolean equal = true;
        for (int c = 0; c < classes; c++) {
            if (!(golden[goldenOff + c] == faulty[faultyOff + c])) {
                equal = false;
                break;
            }
        }
        if (equal) {
            return MASKED;
        }
        return top1(faulty, faultyOff, classes) == goldenTop1 ? NON_CRITICAL : CRITICAL;
    }

    /** {@link #classify(float[], int, int, float[], int, int)} computing the golden top-1 itself. */
    public static Outcome classify(float[] golden, int goldenOff, float[] faulty, int faultyOff, int classes) {
        return classify(golden, goldenOff, top1(golden, goldenOff, classes), faulty, faultyOff, classes);
    }

    /** The first index of the maximum of {@code classes} logits, or of the first NaN. */
    public static int top1(float[] logits, int off, int classes) {
        return Ranking.argmax(logits, off, classes);
    }

    /** The DUE flag: some logit is NaN or infinite. */
    public static boolean isDue(float[] logits, int off, int classes) {
        for (int c = 0; c < classes; c++) {
            if (!Float.isFinite(logits[off + c])) {
                return true;
            }
        }
        return false;
    }
}
