package dev.reliant.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Tick choice on ranges worked out by hand (the working is in the comments). */
class AxisTicksTest {

    private static String[] labels(AxisTicks t) {
        return IntStream.range(0, t.ticks().length).mapToObj(t::label).toArray(String[]::new);
    }

    @Test
    void unitRangeWithSixTicksStepsByPointTwo() {
        // raw step 1/5 = 0.2: 0.1 would need 11 ticks, 0.2 needs 6
        AxisTicks t = AxisTicks.linear(0, 1, 6);
        assertThat(t.ticks()).containsExactly(0, 0.2, 0.4, 0.6, 0.8, 1.0);
        assertThat(labels(t)).containsExactly("0.0", "0.2", "0.4", "0.6", "0.8", "1.0");
        assertThat(t.lo()).isEqualTo(0);
        assertThat(t.hi()).isEqualTo(1);
        assertThat(t.minorTicks()).isEmpty();
    }

    @Test
    void rangeIsWidenedOutwardToWholeTicks() {
        // 0.03..0.97 needs the same 0.2 step; ends round out to 0 and 1
        assertThat(AxisTicks.linear(0.03, 0.97, 6).ticks()).containsExactly(0, 0.2, 0.4, 0.6, 0.8, 1.0);
        // -3.7..12.2: step 2 needs -4..14 = 10 ticks, step 5 needs -5..15 = 5 ticks
        AxisTicks t = AxisTicks.linear(-3.7, 12.2, 6);
        assertThat(t.ticks()).containsExactly(-5, 0, 5, 10, 15);
        assertThat(labels(t)).containsExactly("-5", "0", "5", "10", "15");
    }

    @Test
    void accuracyPercentRangeStepsByTen() {
        // 42.1..91.7 with 7 ticks: step 5 needs 40..95 = 12 ticks, step 10 needs 40..100 = 7
        AxisTicks t = AxisTicks.linear(42.1, 91.7, 7);
        assertThat(t.ticks()).containsExactly(40, 50, 60, 70, 80, 90, 100);
        assertThat(t.fraction(70)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void rangeAroundZeroLabelsZeroWithoutSign() {
        // -0.25..0.25: step 0.1 needs 7 ticks, 0.2 needs -0.4..0.4 = 5
        AxisTicks t = AxisTicks.linear(-0.25, 0.25, 6);
        assertThat(t.ticks()).containsExactly(-0.4, -0.2, 0, 0.2, 0.4);
        assertThat(labels(t)).containsExactly("-0.4", "-0.2", "0.0", "0.2", "0.4");
    }

    @Test
    void singleValueGetsARangeAroundIt() {
        // 5 ± 10% = 4.5..5.5; step 0.2 would need 4.4..5.6 = 7 ticks, 0.5 needs 3
        AxisTicks t = AxisTicks.linear(5, 5, 6);
        assertThat(t.ticks()).containsExactly(4.5, 5.0, 5.5);
        assertThat(labels(t)).containsExactly("4.5", "5.0", "5.5");
        assertThat(AxisTicks.linear(0, 0, 3).ticks()).containsExactly(-1, 0, 1);
    }

    @Test
    void maskPSweepGetsOneTickPerDecadeWithMinorGrid() {
        // mask_p 0.001..0.2: decades 10^-3 .. 10^0, 4 ticks
        AxisTicks t = AxisTicks.log10(0.001, 0.2, 8);
        assertThat(t.ticks()).containsExactly(0.001, 0.01, 0.1, 1);
        assertThat(labels(t)).containsExactly("0.001", "0.01", "0.1", "1");
        assertThat(t.minorTicks()).hasSize(3 * 8).startsWith(0.002, 0.003).endsWith(0.8, 0.9);
        assertThat(t.fraction(0.01)).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(t.fraction(0.001)).isCloseTo(0, within(1e-12));
    }

    @Test
    void exactDecadesAreNotWidenedAndOneDecadeGetsTwoTicks() {
        assertThat(AxisTicks.log10(10, 100, 8).ticks()).containsExactly(10, 100);
        assertThat(AxisTicks.log10(3, 3, 8).ticks()).containsExactly(1, 10);
        assertThat(AxisTicks.log10(100, 100, 8).ticks()).containsExactly(100, 1000);
    }

    @Test
    void wideLogRangeLabelsEveryOtherDecade() {
        // 10^-9..10^3 = 13 decade ticks > 8; every 2 decades: 10^-10..10^4 = 8 ticks
        AxisTicks t = AxisTicks.log10(1e-9, 1e3, 8);
        assertThat(t.ticks()).hasSize(8);
        assertThat(t.ticks()[0]).isEqualTo(1e-10);
        assertThat(t.ticks()[7]).isEqualTo(1e4);
        assertThat(labels(t)).containsExactly("1e-10", "1e-8", "1e-6", "0.0001", "0.01", "1", "100", "10000");
        assertThat(t.minorTicks()).isEmpty();
    }

    @Test
    void badRangesAreRefused() {
        assertThatThrownBy(() -> AxisTicks.log10(0, 1, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> AxisTicks.linear(2, 1, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("min <= max");
        assertThatThrownBy(() -> AxisTicks.linear(Double.NaN, 1, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> AxisTicks.linear(0, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxTicks");
    }
}
