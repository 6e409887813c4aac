package dev.reliant.fault;

import dev.reliant.graph.Graph;
import dev.reliant.io.AtomicText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;

/**
 * Fault lists as CSV in the layouts of the dnn-benchmarks model set (specs/fault-injection.md §4),
 * so that published lists run unchanged and reliant's lists run in the other tools.
 *
 * <p><b>PyTorch variant</b> (§4.1): {@code Injection,Layer,TensorIndex,Bit}, optionally followed
 * by the result columns {@code n_injections,masked,non_critical,critical} and further columns.
 * Readers locate columns by header name, so the older revision with {@code top_1_correct} etc.
 * between {@code n_injections} and {@code masked} reads too. Indices are PyTorch layout, written
 * {@code "(3, 0, 2, 1)"}.
 *
 * <p><b>TensorFlow/Keras variant</b> (§4.2): the same four columns, layers named by Keras's
 * automatic names in PyTorch parameter order ({@code conv2d}, {@code conv2d_1}, …, {@code
 * dense}, {@code dense_1}, …; every rank-4 kernel counts as a {@code conv2d}, depthwise ones
 * included) and indices permuted to Keras kernel layout: conv (out, in, kh, kw) → (kh, kw, in,
 * out), dense (out, in) → (in, out). Reading maps back to PyTorch names and indices, given the
 * model.
 *
 * <p><b>Activation lists</b>: the PyTorch columns plus {@code Target} with the value {@code
 * activation} on every row; Layer is a graph node name ({@code layer1.0.relu_1}) and TensorIndex
 * an index into the node's per-image output ({@code (c, y, x)} or {@code (f,)}). Weight lists
 * have no {@code Target} column or the value {@code weight}. The column is located by name, as
 * every other.
 *
 * <p>Files are written with LF line endings, the last row ending in one LF (no blank line), by
 * writing a temporary file in the same directory and renaming it, so a reader never sees half a
 * list. Errors are {@link FaultListException}s of one line: {@code file F: line 7, field 'Bit':
 * 'x' is not an integer}.
 */
public final class FaultListCsv {
    public static final String INJECTION = "Injection";
    public static final String LAYER = "Layer";
    public static final String TENSOR_INDEX = "TensorIndex";
    public static final String BIT = "Bit";
    public static final String N_INJECTIONS = "n_injections";
    public static final String MASKED = "masked";
    public static final String NON_CRITICAL = "non_critical";
    public static final String CRITICAL = "critical";
    /** The column that tells an activation list from a weight list. */
    public static final String TARGET = "Target";
    /** {@link #TARGET} of a weight fault (also what a list without the column holds). */
    public static final String WEIGHT_TARGET = "weight";
    /** {@link #TARGET} of an activation fault. */
    public static final String ACTIVATION_TARGET = "activation";

    /** The columns of a fault list. */
    public static final List<String> LIST_COLUMNS = List.of(INJECTION, LAYER, TENSOR_INDEX, BIT);
    /** The columns of an activation list. */
    public static final List<String> ACTIVATION_LIST_COLUMNS = List.of(INJECTION, LAYER, TENSOR_INDEX, BIT, TARGET);
    /** The columns of a list with results, in the current revision's order. */
    public static final List<String> RESULT_COLUMNS = List.of(INJECTION, LAYER, TENSOR_INDEX, BIT, N_INJECTIONS,
            MASKED, NON_CRITICAL, CRITICAL);

    private static final CSVFormat READ_FORMAT = CSVFormat.DEFAULT.builder()
            .setIgnoreEmptyLines(true)
            .setTrim(true)
            .build();
    private static final CSVFormat WRITE_FORMAT = CSVFormat.DEFAULT.builder()
            .setRecordSeparator("\n")
            .setQuoteMode(QuoteMode.MINIMAL)
            .build();

    /**
     * One row of a list with results: the fault, the number of test images the summariser
     * assumed, the image counts per outcome class, and any further columns by header name (e.g.
     * {@code top_1_correct}), in file order. The denominator of a row is
     * {@link #images()} = masked + non_critical + critical, never {@code n_injections}.
     */
    public record ResultRow(Fault fault, long nInjections, long masked, long nonCritical, long critical,
                            Map<String, String> extra) {
        public ResultRow {
            extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        }

        /** masked + non_critical + critical: the images the row's counts cover. */
        public long images() {
            return masked + nonCritical + critical;
        }
    }

    private FaultListCsv() {}

    // ------------------------------------------------------------------ reading

    /** Reads a PyTorch-variant list (result columns and any others are ignored); layers and indices are not checked. */
    public static List<Fault> read(Path file) {
        return read(file, null);
    }

    /**
     * Reads a PyTorch-variant list and checks every row with {@code validator} (unknown layer,
     * index out of range, bit beyond the format), reporting the row's line. A row whose
     * {@code Target} is not {@code weight} is an error.
     */
    public static List<Fault> read(Path file, FaultListValidator validator) {
        Table t = Table.parse(file, LIST_COLUMNS);
        List<Fault> faults = new ArrayList<>(t.rows.size());
        for (CSVRecord r : t.rows) {
            t.requireTarget(r, WEIGHT_TARGET);
            Fault f = t.fault(r);
            if (validator != null) {
                validator.problem(f).ifPresent(p -> {
                    throw FaultListException.at(t.source, t.line(r), p.field(), p.message());
                });
            }
            faults.add(f);
        }
        return faults;
    }

    /**
     * Whether a list holds activation faults: its {@code Target} column says {@code activation}
     * on every row. A list without the column, or with {@code weight} on every row, is a weight
     * list.
     *
     * @throws FaultListException for a malformed file, an unknown target or a list that mixes
     *     both (naming the first row that differs from the first)
     */
    public static boolean isActivationList(Path file) {
        Table t = Table.parse(file, LIST_COLUMNS);
        if (!t.columns.containsKey(TARGET) || t.rows.isEmpty()) {
            return false;
        }
        String first = t.target(t.rows.get(0));
        for (CSVRecord r : t.rows) {
            t.requireTarget(r, first);
        }
        return first.equals(ACTIVATION_TARGET);
    }

    /**
     * Reads an activation list ({@code Target} = {@code activation} on every row) and checks every
     * row with {@code validator} (unknown node, index out of the node's output, bit beyond 31),
     * reporting the row's line.
     */
    public static List<Fault> readActivations(Path file, ActivationListValidator validator) {
        Table t = Table.parse(file, ACTIVATION_LIST_COLUMNS);
        List<Fault> faults = new ArrayList<>(t.rows.size());
        for (CSVRecord r : t.rows) {
            t.requireTarget(r, ACTIVATION_TARGET);
            Fault f = t.fault(r);
            validator.problem(f).ifPresent(p -> {
                throw FaultListException.at(t.source, t.line(r), p.field(), p.message());
            });
            faults.add(f);
        }
        return faults;
    }

    /**
     * Reads a PyTorch-variant list with results: the four fault columns and {@code n_injections},
     * {@code masked}, {@code non_critical}, {@code critical}, located by name; other columns go to
     * {@link ResultRow#extra()}.
     */
    public static List<ResultRow> readResults(Path file) {
        Table t = Table.parse(file, RESULT_COLUMNS);
        List<String> extraColumns = new ArrayList<>();
        for (String h : t.header) {
            if (!RESULT_COLUMNS.contains(h)) {
                extraColumns.add(h);
            }
        }
        List<ResultRow> rows = new ArrayList<>(t.rows.size());
        for (CSVRecord r : t.rows) {
            Map<String, String> extra = new LinkedHashMap<>();
            for (String c : extraColumns) {
                int i = t.columns.get(c);
                extra.put(c, i < r.size() ? r.get(i) : "");
            }
            rows.add(new ResultRow(t.fault(r), t.count(r, N_INJECTIONS), t.count(r, MASKED),
                    t.count(r, NON_CRITICAL), t.count(r, CRITICAL), extra));
        }
        return rows;
    }

    /**
     * Reads a TensorFlow/Keras-variant list and maps it to PyTorch layer names and indices of
     * {@code graph}. Layer names and index ranges are checked (the mapping needs them); check
     * the bits with {@link FaultListValidator#validate}.
     */
    public static List<Fault> readKeras(Path file, Graph graph) {
        Map<String, FaultTargets.Layer> byKeras = new HashMap<>();
        kerasNames(graph).forEach((layer, keras) -> byKeras.put(keras, layer));
        Table t = Table.parse(file, LIST_COLUMNS);
        List<Fault> faults = new ArrayList<>(t.rows.size());
        for (CSVRecord r : t.rows) {
            Fault k = t.fault(r);
            FaultTargets.Layer layer = byKeras.get(k.layer());
            if (layer == null) {
                throw FaultListException.at(t.source, t.line(r), LAYER, "unknown Keras layer '" + k.layer()
                        + "' (model " + graph.name() + " has " + kerasSummary(graph) + ")");
            }
            int[] keras = k.index();
            int rank = layer.rank();
            if (keras.length != rank) {
                throw FaultListException.at(t.source, t.line(r), TENSOR_INDEX, "index " + k.indexString() + " has "
                        + keras.length + " coordinates but Keras layer " + k.layer() + " (" + layer.name()
                        + ") has rank " + rank);
            }
            Fault f = new Fault(k.injection(), layer.name(), fromKeras(keras), k.bit());
            FaultListValidator.indexProblem(layer, f).ifPresent(p -> {
                throw FaultListException.at(t.source, t.line(r), TENSOR_INDEX, "Keras index " + k.indexString()
                        + " of " + k.layer() + " is PyTorch index " + f.indexString() + ": " + p.message());
            });
            faults.add(f);
        }
        return faults;
    }

    // ------------------------------------------------------------------ writing

    /** Writes a PyTorch-variant list: {@code Injection,Layer,TensorIndex,Bit}. */
    public static void write(Path file, List<Fault> faults) {
        writeAtomically(file, LIST_COLUMNS, p -> {
            for (Fault f : faults) {
                p.printRecord(f.injection(), f.layer(), f.indexString(), f.bit());
            }
        });
    }

    /**
     * Writes an activation list: {@code Injection,Layer,TensorIndex,Bit,Target} with Layer a node
     * name, TensorIndex an index into its per-image output and Target {@code activation}.
     */
    public static void writeActivations(Path file, List<Fault> faults) {
        writeAtomically(file, ACTIVATION_LIST_COLUMNS, p -> {
            for (Fault f : faults) {
                p.printRecord(f.injection(), f.layer(), f.indexString(), f.bit(), ACTIVATION_TARGET);
            }
        });
    }

    /**
     * Writes a PyTorch-variant list with results; the columns after {@code critical} are the
     * {@link ResultRow#extra()} keys of the first row, which every row must have.
     */
    public static void writeResults(Path file, List<ResultRow> rows) {
        List<String> extra = rows.isEmpty() ? List.of() : List.copyOf(rows.get(0).extra().keySet());
        for (ResultRow r : rows) {
            if (!List.copyOf(r.extra().keySet()).equals(extra)) {
                throw new IllegalArgumentException("result row of fault " + r.fault().injection() + " has extra columns "
                        + r.extra().keySet() + ", the first row " + extra);
            }
        }
        List<String> header = new ArrayList<>(RESULT_COLUMNS);
        header.addAll(extra);
        writeAtomically(file, header, p -> {
            for (ResultRow r : rows) {
                Fault f = r.fault();
                List<Object> values = new ArrayList<>(List.of(f.injection(), f.layer(), f.indexString(), f.bit(),
                        r.nInjections(), r.masked(), r.nonCritical(), r.critical()));
                values.addAll(r.extra().values());
                p.printRecord(values);
            }
        });
    }

    /**
     * Writes the TensorFlow/Keras variant of a list on {@code graph}'s weights: same faults, order
     * and bits, Keras layer names and kernel-layout indices.
     *
     * @throws IllegalArgumentException for a fault whose layer is not a weight of rank 2 or 4 of the model
     */
    public static void writeKeras(Path file, List<Fault> faults, Graph graph) {
        Map<FaultTargets.Layer, String> names = kerasNames(graph);
        FaultTargets targets = FaultTargets.weights(graph);
        List<Fault> keras = new ArrayList<>(faults.size());
        for (Fault f : faults) {
            FaultTargets.Layer layer = targets.layer(f.layer());
            if (f.index().length != layer.rank()) {
                throw new IllegalArgumentException("fault " + f + ": index rank " + f.index().length + ", layer "
                        + layer.name() + " has rank " + layer.rank());
            }
            keras.add(new Fault(f.injection(), names.get(layer), toKeras(f.index()), f.bit()));
        }
        write(file, keras);
    }

    // ------------------------------------------------------------------ Keras mapping

    /**
     * The Keras automatic name of each weight layer of a model, in PyTorch parameter order:
     * rank-4 kernels {@code conv2d}, {@code conv2d_1}, …; rank-2 matrices {@code dense}, {@code dense_1}, ….
     *
     * @throws IllegalArgumentException for a weight of another rank (no Keras counterpart here)
     */
    public static Map<FaultTargets.Layer, String> kerasNames(Graph graph) {
        Map<FaultTargets.Layer, String> names = new LinkedHashMap<>();
        int convs = 0;
        int dense = 0;
        for (FaultTargets.Layer l : FaultTargets.weights(graph).layers()) {
            switch (l.rank()) {
                case 4 -> names.put(l, convs++ == 0 ? "conv2d" : "conv2d_" + (convs - 1));
                case 2 -> names.put(l, dense++ == 0 ? "dense" : "dense_" + (dense - 1));
                default -> throw new IllegalArgumentException("layer " + l.name() + " of model " + graph.name()
                        + " has rank " + l.rank() + "; the Keras variant covers conv2d (rank 4) and dense (rank 2)");
            }
        }
        return names;
    }

    /** PyTorch (out, in, kh, kw) → Keras (kh, kw, in, out); (out, in) → (in, out). */
    public static int[] toKeras(int[] index) {
        return switch (index.length) {
            case 4 -> new int[] {index[2], index[3], index[1], index[0]};
            case 2 -> new int[] {index[1], index[0]};
            default -> throw new IllegalArgumentException("no Keras layout for an index of rank " + index.length);
        };
    }

    /** Keras (kh, kw, in, out) → PyTorch (out, in, kh, kw); (in, out) → (out, in). */
    public static int[] fromKeras(int[] index) {
        return switch (index.length) {
            case 4 -> new int[] {index[3], index[2], index[0], index[1]};
            case 2 -> new int[] {index[1], index[0]};
            default -> throw new IllegalArgumentException("no Keras layout for an index of rank " + index.length);
        };
    }

    private static String kerasSummary(Graph graph) {
        List<String> names = List.copyOf(kerasNames(graph).values());
        return names.isEmpty() ? "no weight layers"
                : names.size() + " weight layers: " + names.get(0) + " … " + names.get(names.size() - 1);
    }

    // ------------------------------------------------------------------ index tuples

    /**
     * Parses an index tuple as Python prints it: {@code (3, 0, 2, 1)}, {@code (7, 42)}, {@code
     * (5,)}; blanks are optional.
     *
     * @throws IllegalArgumentException naming the text when it is not such a tuple of integers ≥ 0
     */
    public static int[] parseIndex(String text) {
        String s = text.strip();
        if (s.length() < 2 || s.charAt(0) != '(' || s.charAt(s.length() - 1) != ')') {
            throw malformedIndex(text);
        }
        String inner = s.substring(1, s.length() - 1).strip();
        if (inner.endsWith(",")) {
            inner = inner.substring(0, inner.length() - 1);
        }
        if (inner.isBlank()) {
            throw malformedIndex(text);
        }
        String[] parts = inner.split(",", -1);
        int[] index = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.isEmpty() || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw malformedIndex(text);
            }
            try {
                index[i] = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw malformedIndex(text);
            }
        }
        return index;
    }

    private static IllegalArgumentException malformedIndex(String text) {
        return new IllegalArgumentException("malformed index '" + text + "'; expected a tuple of integers >= 0 such "
                + "as (3, 0, 2, 1)");
    }

    // ------------------------------------------------------------------ CSV plumbing

    /** A parsed file: its header, column positions and data records, with line numbers for messages. */
    private static final class Table {
        final String source;
        final String text;
        final List<String> header = new ArrayList<>();
        final Map<String, Integer> columns = new HashMap<>();
        final List<CSVRecord> rows = new ArrayList<>();
        private final Map<Integer, CSVRecord> injectionRecords = new HashMap<>();
        private List<Integer> lineEnds;

        private Table(String source, String text) {
            this.source = source;
            this.text = text;
        }

        static Table parse(Path file, List<String> required) {
            String source = file.toString();
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new FaultListException("file " + source + ": not found");
            } catch (IOException e) {
                throw new UncheckedIOException("file " + source + ": " + e.getMessage(), e);
            }
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            Table t = new Table(source, text);
            List<CSVRecord> records;
            try (CSVParser parser = CSVParser.parse(text, READ_FORMAT)) {
                records = parser.getRecords();
            } catch (IOException | UncheckedIOException | IllegalStateException e) {
                throw new FaultListException("file " + source + ": malformed CSV: " + e.getMessage());
            }
            if (records.isEmpty()) {
                throw FaultListException.at(source, 1, null, "empty file; expected the header "
                        + String.join(",", required));
            }
            CSVRecord head = records.get(0);
            for (int i = 0; i < head.size(); i++) {
                String name = head.get(i);
                if (t.columns.putIfAbsent(name, i) != null) {
                    throw FaultListException.at(source, t.line(head), name, "column appears twice in the header");
                }
                t.header.add(name);
            }
            for (String c : required) {
                if (!t.columns.containsKey(c)) {
                    throw FaultListException.at(source, t.line(head), c, "missing column (the header is '"
                            + String.join(",", t.header) + "', expected " + String.join(",", required) + ")");
                }
            }
            t.rows.addAll(records.subList(1, records.size()));
            return t;
        }

        /** The 1-based line where a record starts (blank lines skipped by the parser are passed over). */
        long line(CSVRecord r) {
            int pos = (int) r.getCharacterPosition();
            while (pos < text.length() && (text.charAt(pos) == '\n' || text.charAt(pos) == '\r')) {
                pos++;
            }
            if (lineEnds == null) {
                lineEnds = new ArrayList<>();
                for (int i = 0; i < text.length(); i++) {
                    if (text.charAt(i) == '\n') {
                        lineEnds.add(i);
                    }
                }
            }
            int found = Collections.binarySearch(lineEnds, pos);
            return 1 + (found >= 0 ? found : -found - 1); // newlines before pos
        }

        String field(CSVRecord r, String column) {
            int i = columns.get(column);
            if (i >= r.size()) {
                throw FaultListException.at(source, line(r), column, "missing value (the row has " + r.size()
                        + " fields, the header " + header.size() + ")");
            }
            return r.get(i);
        }

        int integer(CSVRecord r, String column) {
            String s = field(r, column);
            try {
                int v = Integer.parseInt(s);
                if (v < 0) {
                    throw FaultListException.at(source, line(r), column, "negative value " + v);
                }
                return v;
            } catch (NumberFormatException e) {
                throw FaultListException.at(source, line(r), column, "'" + s + "' is not an integer");
            }
        }

        long count(CSVRecord r, String column) {
            String s = field(r, column);
            try {
                long v = Long.parseLong(s);
                if (v < 0) {
                    throw FaultListException.at(source, line(r), column, "negative count " + v);
                }
                return v;
            } catch (NumberFormatException e) {
                throw FaultListException.at(source, line(r), column, "'" + s + "' is not an integer count");
            }
        }

        /** The Target of a record: {@code weight} without the column; an unknown value is an error. */
        String target(CSVRecord r) {
            if (!columns.containsKey(TARGET)) {
                return WEIGHT_TARGET;
            }
            String s = field(r, TARGET);
            if (!s.equals(WEIGHT_TARGET) && !s.equals(ACTIVATION_TARGET)) {
                throw FaultListException.at(source, line(r), TARGET, "unknown target '" + s + "' (expected "
                        + WEIGHT_TARGET + " or " + ACTIVATION_TARGET + ")");
            }
            return s;
        }

        /** Fails unless the record's Target is {@code expected}. */
        void requireTarget(CSVRecord r, String expected) {
            String s = target(r);
            if (!s.equals(expected)) {
                throw FaultListException.at(source, line(r), TARGET, "'" + s + "' in a list of " + expected
                        + " faults (a list holds one kind of fault)");
            }
        }

        /** The fault of a record; an {@code Injection} seen before is an error. */
        Fault fault(CSVRecord r) {
            int injection = integer(r, INJECTION);
            String layer = field(r, LAYER);
            if (layer.isEmpty()) {
                throw FaultListException.at(source, line(r), LAYER, "empty layer name");
            }
            String tuple = field(r, TENSOR_INDEX);
            int[] index;
            try {
                index = parseIndex(tuple);
            } catch (IllegalArgumentException e) {
                throw FaultListException.at(source, line(r), TENSOR_INDEX, e.getMessage());
            }
            int bit = integer(r, BIT);
            CSVRecord first = injectionRecords.putIfAbsent(injection, r);
            if (first != null) {
                throw FaultListException.at(source, line(r), INJECTION, "injection " + injection
                        + " appears twice (first on line " + line(first) + ")");
            }
            return new Fault(injection, layer, index, bit);
        }
    }

    /** Writes rows through a CSV printer. */
    @FunctionalInterface
    private interface RowWriter {
        void write(CSVPrinter printer) throws IOException;
    }

    /** Writes a temporary file beside {@code file} and renames it over {@code file}. */
    private static void writeAtomically(Path file, List<String> header, RowWriter rows) {
        AtomicText.write(file, "", tmp -> {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
                    CSVPrinter p = new CSVPrinter(w, WRITE_FORMAT)) {
                p.printRecord(header);
                rows.write(p);
            }
        });
    }
}
