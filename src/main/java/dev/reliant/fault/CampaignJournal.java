package dev.reliant.fault;

import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The journal of a running campaign ({@code RESULTS.csv.partial}): every finished block of
 * faults is appended, flushed and forced to disk, so that after a kill (even SIGKILL or a power
 * cut after the last force) {@code --resume} knows exactly which faults are done.
 *
 * <pre>
 * # reliant campaign journal v1: model=resnet20 … faults=sha256:… images=10000 …
 * row,Injection,Layer,Bit,masked,non_critical,critical,top1_correct,due
 * 0,0,conv1,30,9612,0,388,8870,388
 * </pre>
 *
 * <p>The first line is the campaign's fingerprint: a resume with other settings, another list or
 * another image set is refused. {@code row} is the fault's position in the list; Injection,
 * Layer and Bit are repeated as a check. A last line without its newline (the process died
 * while writing it) is cut off and its fault run again.
 */
public final class CampaignJournal implements Closeable {
    static final String MAGIC = "# reliant campaign journal v1: ";
    static final String HEADER = "row,Injection,Layer,Bit,masked,non_critical,critical,top1_correct,due";

    private final Path path;
    private final FileOutputStream out;
    private final Map<Integer, OutcomeCounts> finished;

    private CampaignJournal(Path path, FileOutputStream out, Map<Integer, OutcomeCounts> finished) {
        this.path = path;
        this.out = out;
        this.finished = finished;
    }

    /** {@code RESULTS.csv.partial} beside {@code RESULTS.csv}. */
    public static Path pathFor(Path results) {
        return results.resolveSibling(results.getFileName() + ".partial");
    }

    /**
     * The fingerprint of a fault list: a SHA-256 over every fault's Injection, Layer, TensorIndex
     * and Bit, in order.
     */
    public static String listDigest(List<Fault> faults) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Fault f : faults) {
                md.update((f.injection() + "," + f.layer() + "," + f.indexString() + "," + f.bit() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            return "sha256:" + HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts a new journal; refuses to overwrite one (an interrupted run waits for --resume). */
    public static CampaignJournal create(Path path, String fingerprint) {
        if (Files.exists(path)) {
            throw new IllegalArgumentException("journal " + path + " of an interrupted campaign exists: finish it with "
                    + "--resume, or delete it to start again");
        }
        try {
            FileOutputStream out = new FileOutputStream(path.toFile(), false);
            out.write((MAGIC + oneLine(fingerprint) + "\n" + HEADER + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            out.getChannel().force(false);
            return new CampaignJournal(path, out, new HashMap<>());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write journal " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the journal of an interrupted run of the same campaign: reads its finished faults
     * (checked against {@code faults}), cuts off a torn last line, and appends from there.
     *
     * @throws IllegalArgumentException when there is no journal, it belongs to another campaign
     *     or a line is malformed (naming the file and line)
     */
    public static CampaignJournal resume(Path path, String fingerprint, List<Fault> faults) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("nothing to resume: journal " + path + " not found");
        }
        try {
            byte[] bytes = Files.readAllBytes(path);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--;
            }
            String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
            String[] lines = text.split("\n", -1);
            String expected = MAGIC + oneLine(fingerprint);
            if (lines.length < 3 || !lines[0].equals(expected) || !lines[1].equals(HEADER)) {
                String found = lines.length > 0 && lines[0].startsWith(MAGIC) ? lines[0].substring(MAGIC.length())
                        : "not a campaign journal";
                throw new IllegalArgumentException("journal " + path + " belongs to another campaign (it has '" + found
                        + "', this run is '" + oneLine(fingerprint) + "'); delete it or run without --resume");
            }
            Map<Integer, OutcomeCounts> done = new HashMap<>();
            for (int l = 2; l < lines.length - 1; l++) {
                parse(path, l + 1, lines[l], faults, done);
            }
            FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE);
            ch.truncate(end);
            ch.close();
            FileOutputStream out = new FileOutputStream(path.toFile(), true);
            return new CampaignJournal(path, out, done);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read journal " + path + ": " + e.getMessage(), e);
        }
    }

    private static void parse(Path path, int line, String text, List<Fault> faults, Map<Integer, OutcomeCounts> done) {
        String[] v = text.split(",", -1);
        String where = "journal " + path + ": line " + line + ": ";
        if (v.length != 9) {
            throw new IllegalArgumentException(where + "expected 9 fields, found " + v.length);
        }
        long[] n = new long[9];
        for (int k = 0; k < 9; k++) {
            if (k == 2) {
                continue;
            }
            try {
                n[k] = Long.parseLong(v[k]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + "field " + (k + 1) + " '" + v[k] + "' is not an integer");
            }
        }
        int row = (int) n[0];
        if (row < 0 || row >= faults.size()) {
            throw new IllegalArgumentException(where + "row " + row + " outside the list of " + faults.size() + " faults");
        }
        Fault f = faults.get(row);
        if (f.injection() != n[1] || !f.layer().equals(v[2]) || f.bit() != n[3]) {
            throw new IllegalArgumentException(where + "row " + row + " is Injection " + v[1] + " " + v[2] + " bit "
                    + v[3] + " but the list has " + f.injection() + " " + f.layer() + " bit " + f.bit());
        }
        if (done.put(row, new OutcomeCounts(n[4], n[5], n[6], n[7], n[8])) != null) {
            throw new IllegalArgumentException(where + "row " + row + " appears twice");
        }
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    public Path path() {
        return path;
    }

    /** The faults finished before this run, by position (empty for a new journal). */
    public Map<Integer, OutcomeCounts> finished() {
        return Collections.unmodifiableMap(finished);
    }

    /** Appends finished faults and forces them to disk. */
    public void append(List<CampaignRow> rows) {
        StringBuilder b = new StringBuilder();
        for (CampaignRow r : rows) {
            Fault f = r.fault().fault();
            OutcomeCounts c = r.counts();
            b.append(r.position()).append(',').append(f.injection()).append(',').append(f.layer()).append(',')
                    .append(f.bit()).append(',').append(c.masked()).append(',').append(c.nonCritical()).append(',')
                    .append(c.critical()).append(',').append(c.top1Correct()).append(',').append(c.due()).append('\n');
        }
        try {
            out.getChannel().write(ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8)));
            out.getChannel().force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to journal " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close journal " + path + ": " + e.getMessage(), e);
        }
    }

    /** Closes and removes the journal (the final results are written). */
    public void delete() {
        close();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove journal " + path + ": " + e.getMessage(), e);
        }
    }
}
