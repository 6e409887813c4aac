package dev.reliant.fault;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The classification rules of specs/fault-injection.md §6. */
class OutcomeTest {
    private static final float NAN = Float.NaN;

    private static Outcome classify(float[] golden, float[] faulty) {
        return Outcome.classify(golden, 0, faulty, 0, golden.length);
    }

    @Test
    void identicalLogitsAreMasked() {
        assertThat(classify(new float[] {1f, 2f, -3f}, new float[] {1f, 2f, -3f})).isEqualTo(Outcome.MASKED);
    }

    @Test
    void plusAndMinusZeroAreEqual() {
        assertThat(classify(new float[] {0f, 2f}, new float[] {-0f, 2f})).isEqualTo(Outcome.MASKED);
    }

    @Test
    void nanEqualsNothingNotEvenNan() {
        assertThat(classify(new float[] {NAN, 1f}, new float[] {NAN, 1f})).isEqualTo(Outcome.NON_CRITICAL);
        assertThat(classify(new float[] {1f, 2f}, new float[] {1f, 2f + 1e-6f})).isEqualTo(Outcome.NON_CRITICAL);
    }

    @Test
    void aChangedTop1IsCritical() {
        assertThat(classify(new float[] {1f, 2f, 0f}, new float[] {3f, 2f, 0f})).isEqualTo(Outcome.CRITICAL);
    }

    @Test
    void top1IsTheFirstMaximumOrTheFirstNan() {
        assertThat(Outcome.top1(new float[] {1f, 5f, 5f}, 0, 3)).isEqualTo(1);
        assertThat(Outcome.top1(new float[] {1f, 5f, NAN, NAN}, 0, 4)).isEqualTo(2);
        assertThat(Outcome.top1(new float[] {Float.NEGATIVE_INFINITY, -1f}, 0, 2)).isEqualTo(1);
        // a NaN anywhere wins, as with NumPy's argmax: golden top-1 is 1, the faulty first NaN is 0
        assertThat(classify(new float[] {1f, 5f}, new float[] {NAN, 5f})).isEqualTo(Outcome.CRITICAL);
        // a NaN after the maximum still moves the top-1
        assertThat(classify(new float[] {5f, 1f}, new float[] {5f, NAN})).isEqualTo(Outcome.CRITICAL);
    }

    @Test
    void dueFlagsNanAndInfinity() {
        assertThat(Outcome.isDue(new float[] {1f, 2f}, 0, 2)).isFalse();
        assertThat(Outcome.isDue(new float[] {1f, Float.POSITIVE_INFINITY}, 0, 2)).isTrue();
        assertThat(Outcome.isDue(new float[] {NAN, 2f}, 0, 2)).isTrue();
        assertThat(Outcome.isDue(new float[] {9f, NAN}, 1, 1)).isTrue();
    }

    @Test
    void countsAddUpPerClass() {
        OutcomeCounts c = new OutcomeCounts();
        c.add(Outcome.MASKED, true, false);
        c.add(Outcome.CRITICAL, false, true);
        c.add(Outcome.CRITICAL, true, false);
        assertThat(c.masked()).isEqualTo(1);
        assertThat(c.critical()).isEqualTo(2);
        assertThat(c.nonCritical()).isZero();
        assertThat(c.images()).isEqualTo(3);
        assertThat(c.top1Correct()).isEqualTo(2);
        assertThat(c.due()).isEqualTo(1);
    }
}
