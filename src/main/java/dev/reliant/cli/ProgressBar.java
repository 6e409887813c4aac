package dev.reliant.cli;

import java.io.Console;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A one-line progress display for long loops over items — images of a training epoch, steps,
 * faults of a campaign (DESIGN invariant 5: progress with an estimate of the time left):
 * <pre>
 *   train 3/20 [######--------------]  12800/50000 img  2345 img/s  0:05 elapsed  0:16 left  loss 0.412 acc 87.3%
 * </pre>
 * On a terminal the line is redrawn in place with {@code \r}, at most every
 * {@value #REDRAW_MILLIS} ms. When the stream is not a terminal (output redirected to a log) a
 * separate line, without the bar, is printed each time another {@value #LOG_PERCENT_STEP}% of the
 * items is done, so logs stay readable. {@link #finish} prints the final line and a newline.
 *
 * <p>The time left is the elapsed time scaled by the items left over the items done (the average
 * rate since the start). Methods are synchronized: worker threads may report progress.
 */
public final class ProgressBar {
    static final long REDRAW_MILLIS = 250;
    static final int LOG_PERCENT_STEP = 10;
    private static final int BAR_WIDTH = 20;

    private final String label;
    private final long total;
    private final String unit;
    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private final long start;
    private long done;
    private String fields = "";
    private long lastDraw = Long.MIN_VALUE;
    private int lastLength;
    private long loggedPercent;
    private boolean finished;

    /**
     * A progress display.
     *
     * @param label what is progressing, e.g. {@code train 3/20}
     * @param total the number of items (≥ 0)
     * @param unit the items' unit for counts and rates, e.g. {@code img}
     * @param out where to draw
     * @param terminal whether {@code out} is a terminal (redraw in place) or a log (lines)
     * @param nanoClock the time in nanoseconds, {@code System::nanoTime} outside tests
     */
    public ProgressBar(String label, long total, String unit, PrintWriter out, boolean terminal, LongSupplier nanoClock) {
        if (total < 0) {
            throw new IllegalArgumentException("progress total must be ≥ 0, got " + total);
        }
        this.label = Objects.requireNonNull(label, "label");
        this.total = total;
        this.unit = Objects.requireNonNull(unit, "unit");
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.start = nanoClock.getAsLong();
    }

    /** As the main constructor, drawing on a print stream. */
    public ProgressBar(String label, long total, String unit, PrintStream out, boolean terminal, LongSupplier nanoClock) {
        this(label, total, unit, new PrintWriter(out, true), terminal, nanoClock);
    }

    /** A display on {@code err}, redrawn in place when the JVM runs in a terminal ({@link #inTerminal()}). */
    public static ProgressBar onStderr(String label, long total, String unit, PrintWriter err) {
        return new ProgressBar(label, total, unit, err, inTerminal(), System::nanoTime);
    }

    /**
     * Whether the JVM runs in an interactive terminal: {@code System.console() != null}, and on
     * JDK 22 and later, where a console also exists when the streams are redirected, its
     * {@code isTerminal()} (called reflectively: the code is compiled for Java 17).
     */
    public static boolean inTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // before JDK 22 a console exists only for a terminal
        }
    }

    /** Reports {@code done} items finished so far. */
    public synchronized void update(long done) {
        update(done, fields);
    }

    /** Reports {@code done} items finished so far and the free-form fields to show (e.g. {@code loss 0.412}). */
    public synchronized void update(long done, String fields) {
        if (finished) {
            return;
        }
        this.done = Math.max(0, Math.min(done, total));
        this.fields = Objects.requireNonNull(fields, "fields");
        long now = nanoClock.getAsLong();
        if (terminal) {
            if (lastDraw == Long.MIN_VALUE || now - lastDraw >= REDRAW_MILLIS * 1_000_000L) {
                draw(line(now, true, false));
                lastDraw = now;
            }
        } else if (this.done < total) {
            long percent = this.done * 100 / total / LOG_PERCENT_STEP * LOG_PERCENT_STEP;
            if (percent > loggedPercent) {
                loggedPercent = percent;
                out.println(line(now, false, false));
                out.flush();
            }
        }
    }

    /** Adds {@code n} finished items. */
    public synchronized void advance(long n) {
        update(done + n, fields);
    }

    /** Adds {@code n} finished items and sets the fields. */
    public synchronized void advance(long n, String fields) {
        update(done + n, fields);
    }

    /** Prints the final line (with the total time and the average rate) and a newline; later calls do nothing. */
    public synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        String line = line(nanoClock.getAsLong(), terminal, true);
        if (terminal) {
            draw(line);
            out.println();
        } else {
            out.println(line);
        }
        out.flush();
    }

    private void draw(String line) {
        int pad = Math.max(0, lastLength - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        lastLength = line.length();
    }

    private String line(long now, boolean bar, boolean last) {
        double elapsed = Math.max(0, now - start) / 1e9;
        StringBuilder sb = new StringBuilder(label);
        if (bar) {
            int filled = total == 0 ? BAR_WIDTH : (int) (done * BAR_WIDTH / total);
            sb.append(" [").append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append(']');
        }
        sb.append("  ").append(done).append('/').append(total).append(' ').append(unit);
        if (!bar) {
            sb.append(" (").append(total == 0 ? 100 : done * 100 / total).append("%)");
        }
        sb.append("  ").append(elapsed > 0 && done > 0 ? formatRate(done / elapsed) : "?").append(' ')
                .append(unit).append("/s");
        sb.append("  ").append(formatDuration(elapsed)).append(last ? " total" : " elapsed");
        if (!last) {
            sb.append("  ").append(done > 0 ? formatDuration(elapsed * (total - done) / done) : "?").append(" left");
        }
        if (!fields.isEmpty()) {
            sb.append("  ").append(fields);
        }
        return sb.toString();
    }

    /** {@code m:ss} under an hour, {@code h:mm:ss} from an hour on (to the nearest second). */
    static String formatDuration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        long h = s / 3600;
        long m = s / 60 % 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }

    /** Three significant figures or more: 2345, 123, 45.6, 0.12. */
    static String formatRate(double perSecond) {
        if (perSecond >= 100) {
            return String.format(Locale.ROOT, "%.0f", perSecond);
        }
        return String.format(Locale.ROOT, perSecond >= 10 ? "%.1f" : "%.2f", perSecond);
    }
}
