package dev.reliant.train;

import dev.reliant.io.AtomicText;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The per-epoch CSV of a training run, one row per finished epoch, flushed as soon as it is
 * written so that an interrupted run keeps every finished epoch (DESIGN invariant 5):
 * <pre>
 *   epoch,lr,train_loss,train_acc,test_loss,test_acc,images_per_s,seconds[,extra columns]
 * </pre>
 * {@code epoch} counts from 1 (the row of epoch 3 is written when three epochs are done, the
 * same count a checkpoint stores); accuracies are in percent; {@code lr} is the rate of the
 * epoch's first step; a NaN value is written as an empty field (for instance a test accuracy not
 * measured that epoch).
 *
 * <p>{@link #resume} reopens the log of a run resumed from a checkpoint after epoch k: rows of
 * epochs ≤ k stay, rows of later epochs (written after that checkpoint by the interrupted run,
 * and about to be recomputed) are removed, so that the final file has each epoch exactly once.
 */
public final class TrainingLog implements Closeable {
    /** The columns every log has, in order. */
    public static final List<String> STANDARD_COLUMNS = List.of(
            "epoch", "lr", "train_loss", "train_acc", "test_loss", "test_acc", "images_per_s", "seconds");

    /** The values of one epoch's row (accuracies in percent). */
    public record Row(int epoch, double lr, double trainLoss, double trainAcc, double testLoss, double testAcc,
            double imagesPerSecond, double seconds) {
    }

    private final Path file;
    private final List<String> extraColumns;
    private final BufferedWriter out;

    private TrainingLog(Path file, List<String> extraColumns, BufferedWriter out) {
        this.file = file;
        this.extraColumns = extraColumns;
        this.out = out;
    }

    /**
     * Starts a new log with its header, replacing any file of that name.
     *
     * @param extraColumns names of columns after the standard ones (letters, digits, '_', '.', '-')
     */
    public static TrainingLog create(Path file, List<String> extraColumns) {
        List<String> extras = checkColumns(extraColumns);
        replace(file, List.of(header(extras)));
        return openAppend(file, extras);
    }

    /**
     * Reopens the log of a resumed run whose checkpoint holds {@code epochsCompleted} epochs:
     * keeps the header and the rows of epochs ≤ epochsCompleted, removes the later ones, and
     * appends from there. A missing file is started anew. An unfinished last line (the run was
     * killed while writing it) is dropped.
     *
     * @throws IllegalArgumentException if the header differs from this run's columns or a row's
     *     epoch is not a number, naming the file and the line
     */
    public static TrainingLog resume(Path file, List<String> extraColumns, int epochsCompleted) {
        List<String> extras = checkColumns(extraColumns);
        if (!Files.exists(file)) {
            return create(file, extras);
        }
        String header = header(extras);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read training log " + file + ": " + e.getMessage(), e);
        }
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        lines.remove(lines.size() - 1); // text after the last newline: empty, or an unfinished row
        if (lines.isEmpty() || !lines.get(0).equals(header)) {
            throw new IllegalArgumentException("training log " + file + ": line 1 is '"
                    + (lines.isEmpty() ? "" : lines.get(0)) + "', expected the header '" + header + "'");
        }
        List<String> kept = new ArrayList<>();
        kept.add(header);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            String first = line.substring(0, Math.max(0, line.indexOf(',')));
            int epoch;
            try {
                epoch = Integer.parseInt(first);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("training log " + file + ", line " + (i + 1) + ": epoch '" + first
                        + "' is not a whole number");
            }
            if (epoch <= epochsCompleted) {
                kept.add(line);
            }
        }
        replace(file, kept);
        return openAppend(file, extras);
    }

    /** The file written. */
    public Path file() {
        return file;
    }

    /**
     * Appends one epoch's row and flushes it.
     *
     * @param extra the values of the extra columns, in their order
     */
    public void append(Row row, double... extra) {
        Objects.requireNonNull(row, "row");
        if (extra.length != extraColumns.size()) {
            throw new IllegalArgumentException("training log " + file + " has " + extraColumns.size()
                    + " extra columns " + extraColumns + ", got " + extra.length + " values");
        }
        StringBuilder sb = new StringBuilder();
        sb.append(row.epoch())
                .append(',').append(compact(row.lr()))
                .append(',').append(fixed(row.trainLoss(), 6))
                .append(',').append(fixed(row.trainAcc(), 4))
                .append(',').append(fixed(row.testLoss(), 6))
                .append(',').append(fixed(row.testAcc(), 4))
                .append(',').append(fixed(row.imagesPerSecond(), 1))
                .append(',').append(fixed(row.seconds(), 2));
        for (double v : extra) {
            sb.append(',').append(compact(v));
        }
        try {
            out.write(sb.append('\n').toString());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write training log " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close training log " + file + ": " + e.getMessage(), e);
        }
    }

    private static String fixed(double v, int decimals) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** Six significant digits without trailing zeros: 0.1, 0.000125, 1.5e-07. */
    private static String compact(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        String s = String.format(Locale.ROOT, "%.6g", v);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        if (mantissa.indexOf('.') >= 0) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return e < 0 ? mantissa : mantissa + s.substring(e);
    }

    private static String header(List<String> extras) {
        List<String> all = new ArrayList<>(STANDARD_COLUMNS);
        all.addAll(extras);
        return String.join(",", all);
    }

    private static List<String> checkColumns(List<String> extraColumns) {
        List<String> extras = List.copyOf(Objects.requireNonNull(extraColumns, "extraColumns"));
        for (String c : extras) {
            if (!c.matches("[A-Za-z0-9_.\\-]+") || STANDARD_COLUMNS.contains(c)) {
                throw new IllegalArgumentException("invalid extra training-log column '" + c
                        + "' (letters, digits, '_', '.', '-'; not a standard column)");
            }
        }
        return extras;
    }

    /** Writes the lines to a temporary file next to {@code file} and renames it over the file. */
    private static void replace(Path file, List<String> lines) {
        AtomicText.writeLines(file, lines, "training log");
    }

    private static TrainingLog openAppend(Path file, List<String> extras) {
        try {
            BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            return new TrainingLog(file, extras, w);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open training log " + file + ": " + e.getMessage(), e);
        }
    }
}
