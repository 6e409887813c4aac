package dev.reliant.fault;

/**
 * The image counts of one fault (or of any set of (fault, image) pairs): masked, non-critical
 * and critical (specs/fault-injection.md §6), and beside them the images whose faulty top-1 is
 * the label and the images with a DUE flag (NaN or infinite logits). The denominator is
 * {@link #images()}, the sum of the three classes. Mutable, not thread-safe: each fault is
 * counted by one thread at a time.
 */
public final class OutcomeCounts {
    private long masked;
    private long nonCritical;
    private long critical;
    private long top1Correct;
    private long due;

    public OutcomeCounts() {
    }

    /** Counts with the given values (a row read back from a results file). */
    public OutcomeCounts(long masked, long nonCritical, long critical, long top1Correct, long due) {
        if (masked < 0 || nonCritical < 0 || critical < 0 || top1Correct < 0 || due < 0) {
            throw new IllegalArgumentException("outcome counts must be >= 0, got masked=" + masked + ", non_critical="
                    + nonCritical + ", critical=" + critical + ", top1_correct=" + top1Correct + ", due=" + due);
        }
        this.masked = masked;
        this.nonCritical = nonCritical;
        this.critical = critical;
        this.top1Correct = top1Correct;
        this.due = due;
    }

    /** Counts one image. */
    public void add(Outcome outcome, boolean correct, boolean dueFlag) {
        switch (outcome) {
            case MASKED -> masked++;
            case NON_CRITICAL -> nonCritical++;
            case CRITICAL -> critical++;
        }
        if (correct) {
            top1Correct++;
        }
        if (dueFlag) {
            due++;
        }
    }

    /** Adds another set of counts to these. */
    public void add(OutcomeCounts other) {
        masked += other.masked;
        nonCritical += other.nonCritical;
        critical += other.critical;
        top1Correct += other.top1Correct;
        due += other.due;
    }

    public long masked() {
        return masked;
    }

    public long nonCritical() {
        return nonCritical;
    }

    public long critical() {
        return critical;
    }

    /** Images whose faulty top-1 equals the label. */
    public long top1Correct() {
        return top1Correct;
    }

    /** Images with NaN or infinite logits. */
    public long due() {
        return due;
    }

    /** masked + non-critical + critical. */
    public long images() {
        return masked + nonCritical + critical;
    }

    /** The count of one class. */
    public long count(Outcome outcome) {
        return switch (outcome) {
            case MASKED -> masked;
            case NON_CRITICAL -> nonCritical;
            case CRITICAL -> critical;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutcomeCounts c && c.masked == masked && c.nonCritical == nonCritical
                && c.critical == critical && c.top1Correct == top1Correct && c.due == due;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(((masked * 31 + nonCritical) * 31 + critical) * 31 + top1Correct) * 31 + Long.hashCode(due);
    }

    @Override
    public String toString() {
        return "masked=" + masked + ", non_critical=" + nonCritical + ", critical=" + critical + ", top1_correct="
                + top1Correct + ", due=" + due;
    }
}
