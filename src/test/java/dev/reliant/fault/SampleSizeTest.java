package dev.reliant.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Leveugle's sample size with the worked example of specs/fault-injection.md §3. */
class SampleSizeTest {

    @Test
    void resNet20WorkedExample() {
        double population = SampleSize.population(268_336, 32);
        assertThat(population).isEqualTo(17_173_504.0);
        // n = N / (1 + 0.0001 (N - 1) / 1.6641)
        assertThat(SampleSize.DEFAULT.n(population)).isCloseTo(16_624.8916, within(1e-3));
    }

    @Test
    void largePopulationsTendToTheLimit() {
        assertThat(SampleSize.DEFAULT.limit()).isCloseTo(16_641.0, within(1e-9));
        assertThat(SampleSize.DEFAULT.n(1e15)).isCloseTo(16_641.0, within(1e-6));
        assertThat(SampleSize.DEFAULT.n(1)).isEqualTo(1.0);
        assertThat(new SampleSize(0.05, 1.96, 0.5).limit()).isCloseTo(384.16, within(1e-9));
    }

    @Test
    void confidenceLevelsMapToTheTabulatedT() {
        assertThat(SampleSize.tForConfidence(0.90)).isEqualTo(1.645);
        assertThat(SampleSize.tForConfidence(0.95)).isEqualTo(1.96);
        assertThat(SampleSize.tForConfidence(0.99)).isEqualTo(2.58);
        assertThatThrownBy(() -> SampleSize.tForConfidence(0.8)).hasMessageContaining("give t directly");
    }

    @Test
    void rejectsParametersOutsideTheirRange() {
        assertThatThrownBy(() -> new SampleSize(0, 2.58, 0.5)).hasMessageContaining("margin");
        assertThatThrownBy(() -> new SampleSize(0.01, -1, 0.5)).hasMessageContaining("t ");
        assertThatThrownBy(() -> new SampleSize(0.01, 2.58, 1)).hasMessageContaining("probability");
        assertThatThrownBy(() -> SampleSize.population(0, 32)).isInstanceOf(IllegalArgumentException.class);
    }
}
