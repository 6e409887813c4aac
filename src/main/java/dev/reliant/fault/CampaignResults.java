package dev.reliant.fault;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result files of a campaign and the resumable run that produces them.
 *
 * <p>{@code RESULTS.csv}: the PyTorch layout of specs/fault-injection.md §4.1,
 * {@code Injection,Layer,TensorIndex,Bit,n_injections,masked,non_critical,critical}, followed by
 * {@value #EXTRA_HEADER}: images whose faulty top-1 is the label, images with NaN or infinite
 * logits, 1 for a stuck-at fault that left the stored code unchanged, the fault model (with
 * {@code *k} for k-bit faults) and the tensor's stored format (with its scale for int formats).
 * One row per fault in list order; nothing depends on timing or threads, so the same campaign
 * gives the same file byte for byte.
 *
 * <p>While running, finished blocks go to the {@link CampaignJournal}; at the end the summaries
 * ({@link CampaignSummary}) and the results are each written to a temporary file and renamed, and
 * the journal is removed. A file named like the results therefore only ever holds a finished
 * campaign.
 */
public final class CampaignResults {
    /** The columns after the PyTorch result columns. */
    public static final String EXTRA_HEADER = "top1_correct,due,noop,fault_model,format";

    private CampaignResults() {}

    /**
     * Runs the faults not yet in the journal (all of them unless {@code resume}), journaling each
     * finished block, and returns every fault's row in list order.
     *
     * @param results the final results file; its journal is {@link CampaignJournal#pathFor}
     * @param fingerprint what identifies the campaign (model, weights, list, images, settings)
     */
    public static List<CampaignRow> run(CampaignEngine engine, List<Fault> faults, Path results, String fingerprint,
                                        boolean resume, CampaignProgress progress) {
        List<CampaignFault> resolved = engine.resolve(faults);
        Path journalPath = CampaignJournal.pathFor(results);
        CampaignJournal journal = resume ? CampaignJournal.resume(journalPath, fingerprint, faults)
                : CampaignJournal.create(journalPath, fingerprint);
        try {
            Map<Integer, OutcomeCounts> done = journal.finished();
            List<CampaignFault> pending = new ArrayList<>();
            for (CampaignFault f : resolved) {
                if (!done.containsKey(f.position())) {
                    pending.add(f);
                }
            }
            CampaignRow[] rows = new CampaignRow[resolved.size()];
            for (Map.Entry<Integer, OutcomeCounts> e : done.entrySet()) {
                rows[e.getKey()] = new CampaignRow(resolved.get(e.getKey()), e.getValue());
            }
            engine.run(pending, block -> {
                journal.append(block);
                for (CampaignRow r : block) {
                    rows[r.position()] = r;
                }
            }, progress);
            return List.of(rows);
        } finally {
            journal.close();
        }
    }

    /**
     * Writes the results, the per-bit and the per-layer summary (each atomically), then removes
     * the journal if there is one.
     */
    public static void finish(Path results, List<CampaignRow> rows, CampaignSummary summary, CampaignSettings settings,
                              int images) {
        summary.writePerBit(perBitPath(results));
        summary.writePerLayer(perLayerPath(results));
        write(results, rows, settings, images);
        try {
            Files.deleteIfExists(CampaignJournal.pathFor(results));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot remove journal of " + results + ": " + e.getMessage(), e);
        }
    }

    /** Writes the results file (temporary file + rename). */
    public static void write(Path results, List<CampaignRow> rows, CampaignSettings settings, int images) {
        List<FaultListCsv.ResultRow> out = new ArrayList<>(rows.size());
        for (CampaignRow r : rows) {
            OutcomeCounts c = r.counts();
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("top1_correct", Long.toString(c.top1Correct()));
            extra.put("due", Long.toString(c.due()));
            extra.put("noop", r.fault().noop() ? "1" : "0");
            extra.put("fault_model", settings.faultModelLabel());
            extra.put("format", r.fault().format().toString());
            out.add(new FaultListCsv.ResultRow(r.fault().fault(), images, c.masked(), c.nonCritical(), c.critical(),
                    extra));
        }
        FaultListCsv.writeResults(results, out);
    }

    /** {@code RESULTS-per-bit.csv} beside {@code RESULTS.csv}. */
    public static Path perBitPath(Path results) {
        return sibling(results, "-per-bit");
    }

    /** {@code RESULTS-per-layer.csv} beside {@code RESULTS.csv}. */
    public static Path perLayerPath(Path results) {
        return sibling(results, "-per-layer");
    }

    private static Path sibling(Path results, String suffix) {
        String name = results.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : ".csv";
        return results.resolveSibling(base + suffix + ext);
    }
}
