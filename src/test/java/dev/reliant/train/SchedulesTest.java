package dev.reliant.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Learning-rate schedules against their closed forms, and the command-line parser. */
class SchedulesTest {
    private static final double EPS = 1e-12;

    @Test
    void stepDecayDropsByGammaEveryStepSizeEpochs() {
        LearningRateSchedule s = new StepDecay(0.1, 30, 0.1);
        assertThat(s.lr(0, 0, 10)).isCloseTo(0.1, within(EPS));
        assertThat(s.lr(29, 9, 10)).isCloseTo(0.1, within(EPS));
        assertThat(s.lr(30, 0, 10)).isCloseTo(0.01, within(EPS));
        assertThat(s.lr(65, 3, 10)).isCloseTo(0.001, within(EPS));
    }

    @Test
    void multiStepDropsAtTheStartOfEachMilestoneEpoch() {
        LearningRateSchedule s = new MultiStep(0.1, List.of(100, 150), 0.1);
        assertThat(s.lr(99, 5, 10)).isCloseTo(0.1, within(EPS));
        assertThat(s.lr(100, 0, 10)).isCloseTo(0.01, within(EPS));
        assertThat(s.lr(149, 9, 10)).isCloseTo(0.01, within(EPS));
        assertThat(s.lr(150, 0, 10)).isCloseTo(0.001, within(EPS));
    }

    @Test
    void cosineFollowsTheClosedFormOverAllSteps() {
        int epochs = 20;
        int spe = 391;
        LearningRateSchedule s = new Cosine(0.01, 1e-4, epochs);
        long total = (long) epochs * spe;
        assertThat(s.lr(0, 0, spe)).isCloseTo(0.01, within(EPS));
        assertThat(s.lr(10, 0, spe)).isCloseTo((0.01 + 1e-4) / 2, within(EPS)); // half way
        int epoch = 13;
        int step = 77;
        long t = (long) epoch * spe + step;
        double expected = 1e-4 + (0.01 - 1e-4) * (1 + Math.cos(Math.PI * t / total)) / 2;
        assertThat(s.lr(epoch, step, spe)).isCloseTo(expected, within(EPS));
        assertThat(s.lr(epochs - 1, spe - 1, spe)).isGreaterThan(1e-4).isLessThan(1e-4 + 1e-8);
    }

    @Test
    void oneCycleStartsAtMaxOver25PeaksAtPctStartAndEndsAtMaxOver25e4() {
        int epochs = 10;
        int spe = 100; // 1000 steps, peak at step 0.3·1000 − 1 = 299
        OneCycle s = new OneCycle(0.4, epochs);
        assertThat(s.lr(0, 0, spe)).isCloseTo(0.4 / 25, within(EPS));
        assertThat(s.lr(2, 99, spe)).isCloseTo(0.4, within(EPS));
        assertThat(s.lr(9, 99, spe)).isCloseTo(0.4 / (25 * 1e4), within(EPS));
        // the middle of the first phase: pct = 150/299, cosine annealing from max/25 to max
        double pct = 150.0 / 299;
        double expected = 0.4 + (0.4 / 25 - 0.4) / 2 * (Math.cos(Math.PI * pct) + 1);
        assertThat(s.lr(1, 50, spe)).isCloseTo(expected, within(EPS));
        // momentum runs the other way: 0.95 → 0.85 at the peak → 0.95 at the end
        assertThat(s.momentum(0, 0, spe).getAsDouble()).isCloseTo(0.95, within(EPS));
        assertThat(s.momentum(2, 99, spe).getAsDouble()).isCloseTo(0.85, within(EPS));
        assertThat(s.momentum(9, 99, spe).getAsDouble()).isCloseTo(0.95, within(EPS));
        assertThatThrownBy(() -> s.lr(10, 0, spe)).hasMessageContaining("beyond the one-cycle schedule's 1000 steps");
    }

    @Test
    void warmupRampsLinearlyFromTheStartFactorThenLeavesTheScheduleAlone() {
        LearningRateSchedule inner = new Cosine(0.1, 0, 10);
        LearningRateSchedule w = Warmup.ofEpochs(inner, 2, 0.1);
        int spe = 50;
        assertThat(w.lr(0, 0, spe)).isCloseTo(0.1 * inner.lr(0, 0, spe), within(EPS));
        double factor = 0.1 + 0.9 * 75 / 100.0; // step 75 of 100 warm-up steps
        assertThat(w.lr(1, 25, spe)).isCloseTo(factor * inner.lr(1, 25, spe), within(EPS));
        assertThat(w.lr(2, 0, spe)).isCloseTo(inner.lr(2, 0, spe), within(EPS));
        LearningRateSchedule ws = Warmup.ofSteps(new Constant(0.2), 10, Warmup.DEFAULT_START_FACTOR);
        assertThat(ws.lr(0, 5, spe)).isCloseTo(0.2 * (1.0 / 3 + (2.0 / 3) * 5 / 10), within(EPS));
        assertThat(ws.lr(0, 10, spe)).isCloseTo(0.2, within(EPS));
    }

    @Test
    void parsedSpecsEqualTheDirectlyBuiltSchedules() {
        int spe = 7;
        assertThat(Schedules.parse("constant", 0.1, 5, spe)).isEqualTo(new Constant(0.1));
        assertThat(Schedules.parse("step:30:0.5", 0.1, 90, spe)).isEqualTo(new StepDecay(0.1, 30, 0.5));
        assertThat(Schedules.parse("step:30", 0.1, 90, spe)).isEqualTo(new StepDecay(0.1, 30, 0.1));
        assertThat(Schedules.parse(" MultiStep:100,150:0.1 ", 0.1, 200, spe))
                .isEqualTo(new MultiStep(0.1, List.of(100, 150), 0.1));
        assertThat(Schedules.parse("cosine", 0.01, 20, spe)).isEqualTo(new Cosine(0.01, 0, 20));
        assertThat(Schedules.parse("cosine:1e-5", 0.01, 20, spe)).isEqualTo(new Cosine(0.01, 1e-5, 20));
        assertThat(Schedules.parse("onecycle", 0.4, 20, spe)).isEqualTo(new OneCycle(0.4, 20));
        assertThat(Schedules.parse("onecycle:0.25", 0.4, 20, spe)).isEqualTo(new OneCycle(0.4, 20, 0.25));
        assertThat(Schedules.parse("cosine+warmup:5", 0.01, 20, spe))
                .isEqualTo(new Warmup(new Cosine(0.01, 0, 20), 5, true, Warmup.DEFAULT_START_FACTOR));
        assertThat(Schedules.parse("step:30:0.1+warmup:500steps:0.01", 0.1, 90, spe))
                .isEqualTo(new Warmup(new StepDecay(0.1, 30, 0.1), 500, false, 0.01));
    }

    @Test
    void malformedSpecsGetOneLineNamingTheSpec() {
        assertError("", "empty");
        assertError("linear", "unknown schedule 'linear'");
        assertError("step", "expected step:EPOCHS[:GAMMA]");
        assertError("step:x:0.1", "step size 'x' is not a whole number");
        assertError("step:30:abc", "gamma 'abc' is not a finite number");
        assertError("step:30:-1", "gamma must be");
        assertError("multistep:150,100", "milestones must be increasing");
        assertError("multistep:100,,150", "milestone '' is not a whole number");
        assertError("cosine:1:2", "expected cosine[:ETA_MIN]");
        assertError("onecycle:1.5", "pct_start must be in (0, 1)");
        assertError("cosine+cooldown:3", "unknown suffix '+cooldown:3'");
        assertError("cosine+warmup:0", "warm-up length '0'");
        assertError("cosine+warmup:5+warmup:2", "at most one");
        assertError("cosine+warmup:5:2", "start factor must be in (0, 1]");
        assertThatThrownBy(() -> Schedules.parse("onecycle", 0.1, 1, 2))
                .hasMessageStartingWith("learning-rate schedule 'onecycle': ").hasMessageContaining("needs more than 2 steps");
    }

    private static void assertError(String spec, String fragment) {
        assertThatThrownBy(() -> Schedules.parse(spec, 0.1, 20, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(fragment)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
