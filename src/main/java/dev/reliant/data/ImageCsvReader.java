package dev.reliant.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a folder of images listed in a CSV file with a header row, GTSRB-style: one column holds
 * the image path (relative to the image root, by default the CSV's folder), one the class id;
 * other columns (GTSRB's {@code Width}, {@code Height}, {@code Roi.X1} …) are ignored.
 *
 * <p>Columns, unless named explicitly: the path is {@code Path} (GTSRB's {@code Test.csv}),
 * else {@code Filename} (GTSRB's official {@code GT-final_test.csv}), else {@code filename};
 * the class is {@code ClassId}, else {@code label}; matched ignoring case. The delimiter is
 * detected from the header line ({@code ,} {@code ;} or tab). Images are PNG, PPM/PGM or anything
 * {@code javax.imageio} reads, see {@link ImageFiles}, and are converted and resized per
 * {@link ImageOptions}. Images keep the CSV's row order.
 *
 * <p>Errors are one line naming the CSV, the row (1 = the first row after the header) and the
 * field: {@code file Test.csv: row 7, field 'ClassId': class 43 out of range 0-42}.
 */
public final class ImageCsvReader {
    private static final List<String> PATH_COLUMNS = List.of("Path", "Filename");
    private static final List<String> LABEL_COLUMNS = List.of("ClassId", "label");

    private final Path csv;
    private Path imageRoot;
    private String pathColumn;
    private String labelColumn;
    private ImageOptions options = ImageOptions.rgb();
    private int numClasses = -1;
    private List<String> classNames = List.of();
    private int limit = Integer.MAX_VALUE;
    private String name;

    private ImageCsvReader(Path csv) {
        this.csv = csv;
    }

    /** A reader of the given CSV file; configure it, then {@link #read()}. */
    public static ImageCsvReader of(Path csv) {
        return new ImageCsvReader(csv);
    }

    /** The folder the image paths are relative to (default: the CSV's folder). */
    public ImageCsvReader imageRoot(Path root) {
        this.imageRoot = root;
        return this;
    }

    /** The name of the image-path column (default: Path, else Filename). */
    public ImageCsvReader pathColumn(String column) {
        this.pathColumn = column;
        return this;
    }

    /** The name of the class-id column (default: ClassId, else label). */
    public ImageCsvReader labelColumn(String column) {
        this.labelColumn = column;
        return this;
    }

    /** Channels and resizing (default: RGB, no resize). */
    public ImageCsvReader options(ImageOptions options) {
        this.options = options;
        return this;
    }

    /** Class ids must be below this (default: any id ≥ 0, or below the number of class names). */
    public ImageCsvReader numClasses(int n) {
        this.numClasses = n;
        return this;
    }

    /** The class names in id order; also bounds the class ids. */
    public ImageCsvReader classNames(List<String> names) {
        this.classNames = List.copyOf(names);
        return this;
    }

    /** Reads only the first {@code n} rows. */
    public ImageCsvReader limit(int n) {
        if (n < 1) {
            throw new DatasetException("limit must be ≥ 1, got " + n);
        }
        this.limit = n;
        return this;
    }

    /** The data set's name (default: the CSV's file name). */
    public ImageCsvReader name(String name) {
        this.name = name;
        return this;
    }

    /** Reads the CSV and all its images. */
    public Dataset read() {
        Path root = imageRoot != null ? imageRoot : parentOf(csv);
        int bound = !classNames.isEmpty() ? classNames.size() : numClasses;
        if (!classNames.isEmpty() && numClasses >= 0 && numClasses != classNames.size()) {
            throw new DatasetException(csv, numClasses + " classes but " + classNames.size() + " class names");
        }
        List<ImageOptions.Entry> entries = new ArrayList<>();
        char delimiter = detectDelimiter();
        CSVFormat format = CSVFormat.DEFAULT.builder()
                .setDelimiter(delimiter)
                .setHeader()
                .setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(true)
                .setTrim(true)
                .setIgnoreEmptyLines(true)
                .build();
        try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
                CSVParser parser = format.parse(r)) {
            Map<String, Integer> header = parser.getHeaderMap();
            String pathCol = column(header, pathColumn, PATH_COLUMNS, "image-path");
            String labelCol = column(header, labelColumn, LABEL_COLUMNS, "class-id");
            int pathIdx = header.get(pathCol);
            int labelIdx = header.get(labelCol);
            int row = 0;
            for (CSVRecord rec : parser) {
                row++;
                if (row > limit) {
                    break;
                }
                String rel = field(rec, pathIdx, row, pathCol);
                String lab = field(rec, labelIdx, row, labelCol);
                String whereLabel = "file " + csv + ": row " + row + ", field '" + labelCol + "'";
                int label;
                try {
                    label = Integer.parseInt(lab);
                } catch (NumberFormatException e) {
                    throw new DatasetException(whereLabel + ": '" + lab + "' is not a class number");
                }
                if (label < 0 || (bound >= 0 && label >= bound)) {
                    throw new DatasetException(whereLabel + ": class " + label + " out of range"
                            + (bound >= 0 ? " 0-" + (bound - 1) : " (must be ≥ 0)"));
                }
                Path file;
                try {
                    file = root.resolve(rel.replace('\\', '/'));
                } catch (RuntimeException e) {
                    throw new DatasetException("file " + csv + ": row " + row + ", field '" + pathCol
                            + "': bad path '" + rel + "'");
                }
                entries.add(new ImageOptions.Entry(file, label,
                        "file " + csv + ": row " + row + ", field '" + pathCol + "'"));
            }
        } catch (IOException e) {
            throw DatasetException.io(csv, e);
        } catch (UncheckedIOException e) {
            throw new DatasetException(csv, "malformed CSV: " + e.getCause().getMessage(), e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (e instanceof DatasetException) {
                throw e;
            }
            throw new DatasetException(csv, "malformed CSV: " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new DatasetException(csv, "lists no images");
        }
        String n = name != null ? name : String.valueOf(csv.getFileName());
        return options.load(n, entries, classNames);
    }

    private static Path parentOf(Path p) {
        Path parent = p.toAbsolutePath().getParent();
        return parent != null ? parent : Path.of(".");
    }

    private char detectDelimiter() {
        String first;
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            first = r.readLine();
        } catch (IOException e) {
            throw DatasetException.io(csv, e);
        }
        if (first == null || first.isBlank()) {
            throw new DatasetException(csv, "empty CSV (expected a header row)");
        }
        char best = ',';
        long bestCount = first.chars().filter(ch -> ch == ',').count();
        for (char d : new char[] {';', '\t'}) {
            long c = first.chars().filter(ch -> ch == d).count();
            if (c > bestCount) {
                best = d;
                bestCount = c;
            }
        }
        return best;
    }

    private String column(Map<String, Integer> header, String explicit, List<String> defaults, String what) {
        List<String> wanted = explicit != null ? List.of(explicit) : defaults;
        for (String w : wanted) {
            for (String h : header.keySet()) {
                if (h.equalsIgnoreCase(w)) {
                    return h;
                }
            }
        }
        throw new DatasetException(csv, "no " + what + " column " + (explicit != null ? "'" + explicit + "'"
                : "(looked for " + String.join(", ", defaults) + ", ignoring case)")
                + "; the columns are " + String.join(", ", header.keySet()));
    }

    private String field(CSVRecord rec, int idx, int row, String col) {
        if (idx >= rec.size()) {
            throw new DatasetException("file " + csv + ": row " + row + ", field '" + col + "': missing (the row has "
                    + rec.size() + " fields)");
        }
        String v = rec.get(idx);
        if (v.isEmpty()) {
            throw new DatasetException("file " + csv + ": row " + row + ", field '" + col + "': empty");
        }
        return v;
    }
}
