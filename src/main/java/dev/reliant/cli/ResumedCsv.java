package dev.reliant.cli;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** Reads the results file of an interrupted run that {@code --resume} continues. */
final class ResumedCsv {
    private ResumedCsv() {}

    /**
     * The complete rows of {@code file}, whose columns must be exactly {@code header}; a row cut
     * short by a kill is left out (its work runs again). Errors name the file.
     */
    static List<CSVRecord> completeRows(Path file, List<String> header) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserException("--resume: cannot read " + file + ": " + e.getMessage());
        }
        try (CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(text))) {
            if (!p.getHeaderNames().equals(header)) {
                throw new UserException("--resume: " + file + " has columns " + p.getHeaderNames() + ", expected "
                        + header);
            }
            List<CSVRecord> rows = new ArrayList<>();
            for (CSVRecord rec : p) {
                if (rec.isConsistent()) {
                    rows.add(rec);
                }
            }
            return rows;
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new UserException("--resume: " + file + ": " + e.getMessage());
        }
    }
}
