package dev.reliant.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SelfChecksTest {

    @Test
    void standardChecksHaveUniqueNamesWithoutSpaces() {
        List<SelfCheck> checks = SelfChecks.standard().checks();
        assertThat(checks).isNotEmpty();
        assertThat(checks).extracting(SelfCheck::name).doesNotHaveDuplicates()
                .allSatisfy(n -> assertThat(n).isNotBlank().doesNotContainAnyWhitespaces());
    }

    @Test
    void fmaProbeCheckPasses() {
        assertThat(SelfChecks.fmaProbe().run()).contains("finite positive rate");
    }

    @Test
    void checkNamesMustNotContainSpaces() {
        assertThatThrownBy(() -> SelfChecks.check("two words", () -> ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void compareWithinTolerance() {
        assertThat(SelfChecks.compare(new float[] {1f, 2f, Float.NaN, Float.POSITIVE_INFINITY},
                new float[] {1f, 2.5f, Float.NaN, Float.POSITIVE_INFINITY}, 1))
                .isEqualTo("max |diff| 0.500 over 4 values");
    }

    @Test
    void compareBeyondToleranceNamesTheIndex() {
        assertThatThrownBy(() -> SelfChecks.compare(new float[] {1f, 2f}, new float[] {1f, 2.5f}, 1e-3))
                .isInstanceOf(AssertionError.class).hasMessageStartingWith("[1]: 2.5, expected 2.0");
        assertThatThrownBy(() -> SelfChecks.compare(new float[] {1f}, new float[] {Float.NaN}, 1))
                .isInstanceOf(AssertionError.class).hasMessageContaining("[0]: NaN");
        assertThatThrownBy(() -> SelfChecks.compare(new float[] {1f}, new float[] {1f, 2f}, 1))
                .isInstanceOf(AssertionError.class).hasMessage("length 2, expected 1");
    }

    @Test
    void exactComparisons() {
        assertThat(SelfChecks.compareExact(new int[] {1, 2}, new int[] {1, 2})).isEqualTo("0 differences over 2 values");
        assertThatThrownBy(() -> SelfChecks.compareExact(new int[] {1, 2}, new int[] {1, 3}))
                .isInstanceOf(AssertionError.class).hasMessage("[1]: 3, expected 2");
        assertThat(SelfChecks.compareBits(new float[] {0f}, new float[] {0f})).isEqualTo("0 differences over 1 values");
        assertThatThrownBy(() -> SelfChecks.compareBits(new float[] {0f}, new float[] {-0f}))
                .isInstanceOf(AssertionError.class).hasMessageContaining("0x80000000");
    }
}
