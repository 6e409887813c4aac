package dev.reliant.fault;

import dev.reliant.io.AtomicText;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The summaries of a finished campaign (specs/fault-injection.md §7): inference-level shares of
 * each class overall, per bit, per bit group (fp32: 0–11, 12, 13–22, 23–29, 30, 31) and per layer;
 * fault-level counts (all-masked, any-critical, non-critical-only, the distribution of critical
 * images per fault, stuck-at no-ops); faulty top-1 accuracy against labels (mean over faults and
 * faults below 50 % and below chance); and the golden accuracy.
 */
public final class CampaignSummary {
    private static final String CSV_HEADER = "faults,noop,images,masked,non_critical,critical,due,top1_correct,"
            + "masked_pct,non_critical_pct,critical_pct,accuracy_pct";
    private static final int[][] FP32_GROUPS = {{0, 11}, {12, 12}, {13, 22}, {23, 29}, {30, 30}, {31, 31}};
    private static final long[] CRITICAL_LEVELS = {1, 10, 100, 1000};

    /** Counts of a set of faults: how many, how many no-ops, and their summed image counts. */
    public static final class Tally {
        private int faults;
        private int noop;
        private final OutcomeCounts counts = new OutcomeCounts();

        void add(CampaignRow r) {
            faults++;
            noop += r.fault().noop() ? 1 : 0;
            counts.add(r.counts());
        }

        public int faults() {
            return faults;
        }

        public int noop() {
            return noop;
        }

        public OutcomeCounts counts() {
            return counts;
        }

        String csv() {
            long n = counts.images();
            return String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%d,%d,%d,%s,%s,%s,%s", faults, noop, n, counts.masked(),
                    counts.nonCritical(), counts.critical(), counts.due(), counts.top1Correct(),
                    pct(counts.masked(), n), pct(counts.nonCritical(), n), pct(counts.critical(), n),
                    pct(counts.top1Correct(), n));
        }
    }

    private final int images;
    private final int goldenCorrect;
    private final int classes;
    private final int bits;
    private final Tally total = new Tally();
    private final Tally[] perBit;
    private final Map<String, Tally> perLayer = new LinkedHashMap<>();
    private final long[] criticalAtLeast = new long[CRITICAL_LEVELS.length];
    private int allMasked;
    private int anyCritical;
    private double accuracySum;
    private int belowHalf;
    private int belowChance;

    /**
     * @param rows every fault's row
     * @param images images per fault
     * @param golden the fault-free pass (accuracy, classes)
     * @param bits the width of the stored format
     */
    public CampaignSummary(List<CampaignRow> rows, int images, GoldenRun golden, int bits) {
        this.images = images;
        this.goldenCorrect = golden.top1Correct();
        this.classes = golden.classes();
        this.bits = bits;
        this.perBit = new Tally[bits];
        for (int b = 0; b < bits; b++) {
            perBit[b] = new Tally();
        }
        double chance = 1.0 / classes;
        for (CampaignRow r : rows) {
            OutcomeCounts c = r.counts();
            total.add(r);
            perBit[r.fault().fault().bit()].add(r);
            perLayer.computeIfAbsent(r.fault().fault().layer(), k -> new Tally()).add(r);
            if (c.masked() == c.images()) {
                allMasked++;
            }
            if (c.critical() > 0) {
                anyCritical++;
            }
            for (int l = 0; l < CRITICAL_LEVELS.length; l++) {
                if (c.critical() >= CRITICAL_LEVELS[l]) {
                    criticalAtLeast[l]++;
                }
            }
            double accuracy = c.images() == 0 ? 0 : (double) c.top1Correct() / c.images();
            accuracySum += accuracy;
            belowHalf += accuracy < 0.5 ? 1 : 0;
            belowChance += accuracy < chance ? 1 : 0;
        }
    }

    public Tally total() {
        return total;
    }

    /** The tally of faults on bit b. */
    public Tally bit(int b) {
        return perBit[b];
    }

    /** The tallies per layer, in order of first appearance in the list. */
    public Map<String, Tally> layers() {
        return java.util.Collections.unmodifiableMap(perLayer);
    }

    /** Faults masked on every image. */
    public int allMaskedFaults() {
        return allMasked;
    }

    /** Faults with at least one critical image. */
    public int anyCriticalFaults() {
        return anyCritical;
    }

    /** Faults with a non-critical image and no critical one. */
    public int nonCriticalOnlyFaults() {
        return total.faults - allMasked - anyCritical;
    }

    /** Mean over faults of the faulty top-1 accuracy, in [0, 1]. */
    public double meanFaultyAccuracy() {
        return total.faults == 0 ? 0 : accuracySum / total.faults;
    }

    /** Golden top-1 accuracy in [0, 1]. */
    public double goldenAccuracy() {
        return images == 0 ? 0 : (double) goldenCorrect / images;
    }

    /** Writes {@code bit,faults,...} with one row per bit of the format. */
    public void writePerBit(Path file) {
        List<String> lines = new ArrayList<>();
        lines.add("bit," + CSV_HEADER);
        for (int b = 0; b < bits; b++) {
            lines.add(b + "," + perBit[b].csv());
        }
        writeAtomically(file, lines);
    }

    /** Writes {@code layer,faults,...} with one row per layer. */
    public void writePerLayer(Path file) {
        List<String> lines = new ArrayList<>();
        lines.add("layer," + CSV_HEADER);
        perLayer.forEach((layer, t) -> lines.add(layer + "," + t.csv()));
        writeAtomically(file, lines);
    }

    /** The plain-text report: totals, fault-level counts, accuracy, per bit (group) and per layer. */
    public void print(PrintWriter out) {
        OutcomeCounts c = total.counts;
        long n = c.images();
        out.printf(Locale.ROOT, "faults    %d on %d images: %d evaluations%n", total.faults, images, n);
        out.printf(Locale.ROOT, "masked        %12d  %8s %%%n", c.masked(), pct(c.masked(), n));
        out.printf(Locale.ROOT, "non-critical  %12d  %8s %%%n", c.nonCritical(), pct(c.nonCritical(), n));
        out.printf(Locale.ROOT, "critical      %12d  %8s %%  (SDC-1)%n", c.critical(), pct(c.critical(), n));
        out.printf(Locale.ROOT, "DUE           %12d  %8s %%  (NaN or infinite logits)%n", c.due(), pct(c.due(), n));
        out.printf(Locale.ROOT, "fault level   all-masked %d, any-critical %d, non-critical only %d, stuck-at no-ops %d%n",
                allMasked, anyCritical, nonCriticalOnlyFaults(), total.noop);
        StringBuilder levels = new StringBuilder();
        for (int l = 0; l < CRITICAL_LEVELS.length; l++) {
            levels.append(l == 0 ? "" : ", ").append(">= ").append(CRITICAL_LEVELS[l]).append(": ")
                    .append(criticalAtLeast[l]);
        }
        out.printf(Locale.ROOT, "critical images per fault   %s%n", levels);
        out.printf(Locale.ROOT, "accuracy      golden %s %% (%d/%d), faulty mean %s %%; faults below 50 %%: %d, "
                        + "below chance (%s %%): %d%n", pct(goldenCorrect, images), goldenCorrect, images,
                pct(meanFaultyAccuracy()), belowHalf, pct(1.0 / classes), belowChance);
        if (bits == 32) {
            out.println();
            table(out, "bits", groups());
        }
        Map<String, Tally> byBit = new LinkedHashMap<>();
        for (int b = bits - 1; b >= 0; b--) {
            byBit.put(Integer.toString(b), perBit[b]);
        }
        out.println();
        table(out, "bit", byBit);
        out.println();
        table(out, "layer", perLayer);
        out.flush();
    }

    private Map<String, Tally> groups() {
        Map<String, Tally> g = new LinkedHashMap<>();
        for (int k = FP32_GROUPS.length - 1; k >= 0; k--) {
            int[] range = FP32_GROUPS[k];
            Tally t = new Tally();
            for (int b = range[0]; b <= range[1]; b++) {
                t.faults += perBit[b].faults;
                t.noop += perBit[b].noop;
                t.counts.add(perBit[b].counts);
            }
            g.put(range[0] == range[1] ? Integer.toString(range[0]) : range[0] + "-" + range[1], t);
        }
        return g;
    }

    private static void table(PrintWriter out, String key, Map<String, Tally> rows) {
        int w = Math.max(key.length(), rows.keySet().stream().mapToInt(String::length).max().orElse(0));
        out.printf(Locale.ROOT, "%-" + w + "s  %7s  %9s  %9s  %9s  %9s%n", key, "faults", "masked %", "non-crit %",
                "critical %", "accuracy %");
        rows.forEach((k, t) -> {
            long n = t.counts.images();
            out.printf(Locale.ROOT, "%-" + w + "s  %7d  %9s  %9s  %9s  %9s%n", k, t.faults, pct(t.counts.masked(), n),
                    pct(t.counts.nonCritical(), n), pct(t.counts.critical(), n), pct(t.counts.top1Correct(), n));
        });
    }

    private static String pct(long part, long whole) {
        return whole == 0 ? "0.0000" : pct((double) part / whole);
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.4f", 100.0 * share);
    }

    static void writeAtomically(Path file, List<String> lines) {
        AtomicText.writeLines(file, lines, "summary");
    }
}
