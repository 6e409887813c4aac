package dev.reliant.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The range and tick marks of one plot axis: nice 1-2-5 steps on a linear axis, whole decades
 * on a log axis. A separate class so tick choice can be tested on hand-worked ranges without
 * drawing anything.
 *
 * <p>The axis range is widened outward to whole ticks so that every data value lies inside it
 * and the first and last ticks sit on the ends of the axis.
 *
 * @param lo the lower end of the axis (a tick)
 * @param hi the upper end of the axis (a tick), {@code hi > lo}
 * @param ticks the labelled ticks, ascending, from {@code lo} to {@code hi}
 * @param minorTicks unlabelled grid positions between ticks (2..9 per decade on a log axis with
 *     one decade per tick; empty otherwise)
 * @param log whether the axis is logarithmic
 */
public record AxisTicks(double lo, double hi, double[] ticks, double[] minorTicks, boolean log) {

    private static final int[] MANTISSAS = {1, 2, 5};

    /**
     * Linear ticks covering {@code [min, max]} with the smallest 1-2-5 step that needs at most
     * {@code maxTicks} ticks. A single value ({@code min == max}) gets a range around it.
     */
    public static AxisTicks linear(double min, double max, int maxTicks) {
        checkRange(min, max, maxTicks);
        if (min == max) {
            double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
            min -= pad;
            max += pad;
        }
        double raw = (max - min) / (maxTicks - 1);
        int exponent = (int) Math.floor(Math.log10(raw));
        for (int e = exponent; ; e++) {
            for (int m : MANTISSAS) {
                double step = scaled(m, e);
                long first = (long) Math.floor(min / step);
                long last = (long) Math.ceil(max / step);
                if (last - first + 1 <= maxTicks) {
                    double[] ticks = new double[(int) (last - first + 1)];
                    for (int i = 0; i < ticks.length; i++) {
                        ticks[i] = scaled((first + i) * m, e);
                    }
                    return new AxisTicks(ticks[0], ticks[ticks.length - 1], ticks, new double[0], false);
                }
            }
        }
    }

    /**
     * Decade ticks covering {@code [min, max]}, both positive: the axis runs from the decade at
     * or below {@code min} to the decade at or above {@code max}, labelled every 1, 2, 5, ...
     * decades so that at most {@code maxTicks} ticks are needed.
     */
    public static AxisTicks log10(double min, double max, int maxTicks) {
        checkRange(min, max, maxTicks);
        if (!(min > 0)) {
            throw new IllegalArgumentException("log axis needs positive values, got minimum " + min);
        }
        int first = (int) Math.floor(Math.log10(min) + 1e-9);
        int last = (int) Math.ceil(Math.log10(max) - 1e-9);
        if (last == first) {
            last++;
        }
        int every = 1;
        for (int i = 0; (last - first) / every + 1 > maxTicks; i++) {
            every = (int) scaled(MANTISSAS[i % 3], i / 3);
        }
        first = Math.floorDiv(first, every) * every;
        last = -Math.floorDiv(-last, every) * every;
        double[] ticks = new double[(last - first) / every + 1];
        for (int i = 0; i < ticks.length; i++) {
            ticks[i] = scaled(1, first + i * every);
        }
        List<Double> minor = new ArrayList<>();
        for (int d = first; every == 1 && d < last; d++) {
            for (int m = 2; m <= 9; m++) {
                minor.add(scaled(m, d));
            }
        }
        double[] minorTicks = minor.stream().mapToDouble(Double::doubleValue).toArray();
        return new AxisTicks(ticks[0], ticks[ticks.length - 1], ticks, minorTicks, true);
    }

    /** Where {@code v} falls on the axis: 0 at {@code lo}, 1 at {@code hi}. */
    public double fraction(double v) {
        return log ? Math.log10(v / lo) / Math.log10(hi / lo) : (v - lo) / (hi - lo);
    }

    /** The label of tick {@code i}: as few decimals as the step needs; powers of ten as 1e-5 far from 1. */
    public String label(int i) {
        double v = ticks[i];
        if (log) {
            int e = (int) Math.round(Math.log10(v));
            return e < -4 || e > 5 ? "1e" + e : plain(v, Math.max(0, -e));
        }
        double step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
        double magnitude = Math.max(Math.abs(lo), Math.abs(hi));
        if (magnitude >= 1e6 || magnitude < 1e-4) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        return plain(v, decimals);
    }

    private static String plain(double v, int decimals) {
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
    }

    /** m·10^e as the double nearest the decimal value (division keeps 0.1-steps exact). */
    private static double scaled(double m, int e) {
        return e >= 0 ? m * Math.pow(10, e) : m / Math.pow(10, -e);
    }

    private static void checkRange(double min, double max, int maxTicks) {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new IllegalArgumentException("axis range must be finite with min <= max, got [" + min + ", " + max + "]");
        }
        if (maxTicks < 2) {
            throw new IllegalArgumentException("maxTicks must be at least 2, got " + maxTicks);
        }
    }
}
