package dev.reliant.cli;

import dev.reliant.cim.MonteCarloEvaluator;
import dev.reliant.cim.WriteVerifyMask;
import dev.reliant.io.AtomicText;
import dev.reliant.report.LinePlot;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVRecord;

/**
 * The rows of {@code reliant swim}: one per scenario, method and mask_p, with the settings that
 * made them, rewritten atomically after every row so that a killed run keeps what finished and
 * {@code --resume} can skip it. Also the printed table and the sweep plot.
 */
final class SwimResults {
    static final List<String> RESULT_COLUMNS = List.of("scenario", "method", "mask_p", "verified_weights", "weights",
            "protected_fraction", "accuracy_mean", "accuracy_std", "accuracy_se", "accuracy_min", "accuracy_max",
            "clean_accuracy", "seconds");

    private final Path file;
    private final Map<String, String> settings;
    private final List<String> header;
    private final List<Map<String, String>> rows = new ArrayList<>();

    private SwimResults(Path file, Map<String, String> settings) {
        this.file = file;
        this.settings = settings;
        this.header = new ArrayList<>(RESULT_COLUMNS);
        header.addAll(settings.keySet());
    }

    /**
     * Starts a result file. An existing file is refused unless {@code force} (start again) or
     * {@code resume} (keep its rows, which must carry the same settings).
     */
    static SwimResults open(Path file, Map<String, String> settings, boolean resume, boolean force) {
        SwimResults r = new SwimResults(file, settings);
        if (Files.isDirectory(file)) {
            throw new UserException("--out: " + file + " is a directory");
        }
        if (!Files.exists(file)) {
            return r;
        }
        if (!resume && !force) {
            throw new UserException("--out: " + file + " exists (use --resume to continue it or --force to replace it)");
        }
        if (resume) {
            r.readExisting();
        }
        return r;
    }

    private void readExisting() {
        for (CSVRecord rec : ResumedCsv.completeRows(file, header)) {
            Map<String, String> row = new LinkedHashMap<>(rec.toMap());
            for (Map.Entry<String, String> s : settings.entrySet()) {
                if (!s.getValue().equals(row.get(s.getKey()))) {
                    throw new UserException("--resume: " + file + " row " + (rec.getRecordNumber() + 1) + " field "
                            + s.getKey() + " is '" + row.get(s.getKey()) + "', this run has '" + s.getValue() + "'");
                }
            }
            rows.add(row);
        }
    }

    boolean done(String scenario, String method, double maskP) {
        for (Map<String, String> r : rows) {
            if (r.get("scenario").equals(scenario) && r.get("method").equals(method)
                    && Double.parseDouble(r.get("mask_p")) == maskP) {
                return true;
            }
        }
        return false;
    }

    boolean allDone(List<dev.reliant.cim.WriteVerifySelection.Method> methods, List<Double> maskPs) {
        for (var m : methods) {
            for (double p : maskPs) {
                if (!done("selective", m.label(), p)) {
                    return false;
                }
            }
        }
        return true;
    }

    int size() {
        return rows.size();
    }

    /** Adds a finished row and rewrites the file. */
    void add(String scenario, String method, double maskP, WriteVerifyMask mask, MonteCarloEvaluator.Result r,
             double clean) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("scenario", scenario);
        row.put("method", method);
        row.put("mask_p", Double.toString(maskP));
        row.put("verified_weights", Long.toString(mask.verifiedCount()));
        row.put("weights", Long.toString(mask.size()));
        row.put("protected_fraction", fmt(mask.verifiedFraction()));
        row.put("accuracy_mean", fmt(r.mean()));
        row.put("accuracy_std", fmt(r.std()));
        row.put("accuracy_se", fmt(r.standardError()));
        row.put("accuracy_min", fmt(r.min()));
        row.put("accuracy_max", fmt(r.max()));
        row.put("clean_accuracy", fmt(clean));
        row.put("seconds", String.format(Locale.ROOT, "%.2f", r.seconds()));
        row.putAll(settings);
        rows.add(row);
        write();
    }

    private void write() {
        List<String> lines = new ArrayList<>();
        lines.add(csvLine(header));
        for (Map<String, String> r : rows) {
            List<String> v = new ArrayList<>();
            for (String h : header) {
                v.add(r.get(h));
            }
            lines.add(csvLine(v));
        }
        AtomicText.writeLines(file, lines, "results");
    }

    /** The table: one line per row. */
    void print(PrintWriter out) {
        out.printf("%-12s %-10s %8s %10s %10s %9s %9s%n", "scenario", "method", "mask_p", "protected", "mean %",
                "std %", "se %");
        for (Map<String, String> r : rows) {
            out.printf(Locale.ROOT, "%-12s %-10s %8s %9.4f%% %10.2f %9.2f %9.2f%n", r.get("scenario"), r.get("method"),
                    r.get("mask_p"), 100 * Double.parseDouble(r.get("protected_fraction")),
                    100 * Double.parseDouble(r.get("accuracy_mean")), 100 * Double.parseDouble(r.get("accuracy_std")),
                    100 * parseOrNaN(r.get("accuracy_se")));
        }
    }

    /**
     * Accuracy (mean ± std, %) versus mask_p, one line per method; the no-verify and
     * full-verify accuracies as flat reference lines. A log mask_p axis when the values span
     * more than a decade (mask_p = 0 is then left out).
     */
    void plot(Path png, double devVar, double writeVar, String model) {
        Map<String, List<double[]>> byMethod = new LinkedHashMap<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Map<String, String> r : rows) {
            if (r.get("scenario").equals("selective")) {
                double p = Double.parseDouble(r.get("mask_p"));
                byMethod.computeIfAbsent(r.get("method"), k -> new ArrayList<>()).add(new double[] {p,
                        100 * Double.parseDouble(r.get("accuracy_mean")), 100 * Double.parseDouble(r.get("accuracy_std"))});
                if (p > 0) {
                    lo = Math.min(lo, p);
                    hi = Math.max(hi, p);
                }
            }
        }
        if (byMethod.isEmpty() || !(hi >= lo)) {
            return;
        }
        boolean log = hi / lo > 10;
        LinePlot plot = new LinePlot().title(String.format(Locale.ROOT, "%s: accuracy under variation (dev_var %s, "
                        + "write_var %s)", model, trim(devVar), trim(writeVar)))
                .xLabel("mask_p (share of weights write-verified)").yLabel("top-1 accuracy (%), mean ± std")
                .logX(log);
        for (Map.Entry<String, List<double[]>> e : byMethod.entrySet()) {
            List<double[]> pts = e.getValue().stream().filter(v -> !log || v[0] > 0)
                    .sorted((a, b) -> Double.compare(a[0], b[0])).toList();
            if (pts.isEmpty()) {
                continue;
            }
            plot.series(e.getKey(), column(pts, 0), column(pts, 1), column(pts, 2));
        }
        double xLo = log ? lo : 0;
        for (Map<String, String> r : rows) {
            String s = r.get("scenario");
            if (s.equals("no_verify") || s.equals("full_verify")) {
                double acc = 100 * Double.parseDouble(r.get("accuracy_mean"));
                plot.series(s.replace('_', ' '), new double[] {xLo, hi}, new double[] {acc, acc});
            }
        }
        plot.writePng(png);
    }

    private static double[] column(List<double[]> pts, int c) {
        double[] v = new double[pts.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = pts.get(i)[c];
        }
        return v;
    }

    private static String trim(double v) {
        return Double.toString(v).replaceAll("\\.0$", "");
    }

    private static double parseOrNaN(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    static String csvLine(List<String> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String v = values.get(i);
            if (v.contains(",") || v.contains("\"") || v.contains("\n")) {
                sb.append('"').append(v.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(v);
            }
        }
        return sb.toString();
    }
}
