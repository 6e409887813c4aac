package dev.reliant.cli;

import dev.reliant.fault.BerRepeat;
import dev.reliant.fault.OutcomeCounts;
import dev.reliant.io.AtomicText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVRecord;

/**
 * The per-repeat rows of {@code reliant ber}, rewritten atomically after every block of repeats
 * so that a killed run keeps what finished. Each row carries the run's settings (bit error rate,
 * seed and the model/weights/images fingerprint), so {@code --resume} continues only the run that
 * wrote the file.
 */
final class BerResults {
    static final String HEADER = "repeat,faults,images,top1_correct,accuracy,critical,critical_rate,due,due_rate,"
            + "masked,non_critical,ber,seed,setup";

    private final Path file;
    private final String ber;
    private final String seed;
    private final String setup;
    private final List<BerRepeat> rows = new ArrayList<>();

    BerResults(Path file, double ber, long seed, String setup) {
        this.file = file;
        this.ber = Double.toString(ber);
        this.seed = Long.toString(seed);
        this.setup = setup;
    }

    /** The repeats done so far, in order. */
    List<BerRepeat> rows() {
        return rows;
    }

    /**
     * Reads the rows of an interrupted run: they must be repeats 0, 1, 2, … of the same settings.
     * A row cut short by a kill is dropped (its repeat runs again).
     */
    void readExisting() {
        for (CSVRecord rec : ResumedCsv.completeRows(file, List.of(HEADER.split(",")))) {
            long row = rec.getRecordNumber() + 1;
            check(row, "ber", rec.get("ber"), ber);
            check(row, "seed", rec.get("seed"), seed);
            check(row, "setup", rec.get("setup"), setup);
            int repeat = integer(row, rec, "repeat");
            if (repeat != rows.size()) {
                throw new UserException("--resume: " + file + " row " + row + " field repeat is " + repeat
                        + ", expected " + rows.size());
            }
            OutcomeCounts c = new OutcomeCounts(integer(row, rec, "masked"), integer(row, rec, "non_critical"),
                    integer(row, rec, "critical"), integer(row, rec, "top1_correct"), integer(row, rec, "due"));
            if (c.images() != integer(row, rec, "images")) {
                throw new UserException("--resume: " + file + " row " + row + " field images is "
                        + rec.get("images") + " but masked + non_critical + critical is " + c.images());
            }
            rows.add(new BerRepeat(repeat, integer(row, rec, "faults"), c));
        }
    }

    private void check(long row, String field, String found, String expected) {
        if (!expected.equals(found)) {
            throw new UserException("--resume: " + file + " row " + row + " field " + field + " is '" + found
                    + "', this run has '" + expected + "'");
        }
    }

    private int integer(long row, CSVRecord rec, String field) {
        try {
            return Integer.parseInt(rec.get(field));
        } catch (NumberFormatException e) {
            throw new UserException("--resume: " + file + " row " + row + " field " + field + ": not an integer: '"
                    + rec.get(field) + "'");
        }
    }

    /** Adds finished repeats and rewrites the file. */
    void add(List<BerRepeat> done) {
        rows.addAll(done);
        List<String> lines = new ArrayList<>(rows.size() + 1);
        lines.add(HEADER);
        for (BerRepeat r : rows) {
            OutcomeCounts c = r.counts();
            lines.add(String.format(Locale.ROOT, "%d,%d,%d,%d,%.6f,%d,%.6f,%d,%.6f,%d,%d,", r.repeat(), r.faults(),
                    c.images(), c.top1Correct(), r.accuracy(), c.critical(), r.criticalRate(), c.due(), r.dueRate(),
                    c.masked(), c.nonCritical()) + SwimResults.csvLine(List.of(ber, seed, setup)));
        }
        AtomicText.writeLines(file, lines, "repeats");
    }

}
