package dev.reliant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static final long SECOND = 1_000_000_000L;

    /** A clock the test moves by hand. */
    private static final class FakeClock {
        long now = 5 * SECOND;

        long get() {
            return now;
        }
    }

    @Test
    void durationsReadAsMinutesThenHours() {
        assertThat(ProgressBar.formatDuration(0)).isEqualTo("0:00");
        assertThat(ProgressBar.formatDuration(5.4)).isEqualTo("0:05");
        assertThat(ProgressBar.formatDuration(65)).isEqualTo("1:05");
        assertThat(ProgressBar.formatDuration(3599.6)).isEqualTo("1:00:00");
        assertThat(ProgressBar.formatDuration(3600 * 27 + 62)).isEqualTo("27:01:02");
        assertThat(ProgressBar.formatRate(2345.4)).isEqualTo("2345");
        assertThat(ProgressBar.formatRate(45.66)).isEqualTo("45.7");
        assertThat(ProgressBar.formatRate(0.123)).isEqualTo("0.12");
    }

    @Test
    void timeLeftIsTheElapsedTimeScaledByTheAverageRate() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeClock clock = new FakeClock();
        ProgressBar bar = new ProgressBar("train 3/20", 1000, "img", new PrintStream(bytes, true), true, clock::get);
        clock.now += 40 * SECOND;
        bar.update(250, "loss 0.412 acc 87.3%"); // 250 in 40 s: 6.25/s, 750 left → 120 s
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).startsWith("\rtrain 3/20 [#####---------------]  250/1000 img")
                .contains("6.25 img/s").contains("0:40 elapsed").contains("2:00 left")
                .endsWith("loss 0.412 acc 87.3%");
    }

    @Test
    void aTerminalIsRedrawnInPlaceAtMostFourTimesASecond() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeClock clock = new FakeClock();
        ProgressBar bar = new ProgressBar("faults", 100, "faults", new PrintStream(bytes, true), true, clock::get);
        for (int i = 1; i <= 10; i++) {
            clock.now += SECOND / 10; // 10 updates in one second
            bar.update(i);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        long redraws = out.chars().filter(c -> c == '\r').count();
        assertThat(redraws).isBetween(3L, 4L);
        assertThat(out).doesNotContain("\n");
        bar.finish();
        out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).endsWith(System.lineSeparator()).contains("10/100 faults").contains("0:01 total")
                .doesNotContain("left" + System.lineSeparator());
    }

    @Test
    void withoutATerminalALineIsPrintedEveryTenPercent() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FakeClock clock = new FakeClock();
        ProgressBar bar = new ProgressBar("eval", 200, "img", new PrintStream(bytes, true), false, clock::get);
        for (int i = 1; i <= 200; i++) {
            clock.now += SECOND / 100;
            bar.advance(1, "acc " + i);
        }
        bar.finish();
        bar.finish(); // idempotent
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("\r").doesNotContain("[");
        String[] lines = out.split(System.lineSeparator());
        assertThat(lines).hasSize(10); // 10 %, 20 %, ... 90 %, then the final line
        assertThat(lines[0]).startsWith("eval  20/200 img (10%)").contains("0:00 elapsed").contains("0:02 left")
                .endsWith("acc 20");
        assertThat(lines[8]).contains("(90%)");
        assertThat(lines[9]).startsWith("eval  200/200 img (100%)").contains("100 img/s").contains("0:02 total");
    }
}
