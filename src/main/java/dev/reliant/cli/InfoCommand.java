package dev.reliant.cli;

import dev.reliant.io.PyTorchCheckpoint;
import dev.reliant.io.SafeTensorsFile;
import dev.reliant.io.StoredTensor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code reliant info FILE}: the tensors, totals and metadata of a weight file. */
@Command(
        name = "info",
        usageHelpAutoWidth = true,
        description = {
            "Lists the tensors of a weight file: name, dtype, shape and element count, then",
            "the totals (tensors, values, bytes) and the metadata.",
            "",
            "FILE is a .safetensors file (only its header is read) or a PyTorch checkpoint",
            "written by torch.save (.pth, .pt, .th; zip or legacy format). For a checkpoint",
            "the format, where the state_dict was found, a stripped 'module.' prefix and",
            "the entries that were not imported (e.g. an optimizer state) are shown too.",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the file is missing or not a valid weight file", "2:invalid command line"})
public final class InfoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Parameters(paramLabel = "FILE", description = "A .safetensors file or a PyTorch checkpoint (.pth, .pt, .th).")
    private Path file;

    private record Row(String name, String dtype, int[] shape, long values, long bytes) {}

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        WeightFiles.requireFile(file, "weight file");
        List<Row> rows = new ArrayList<>();
        Map<String, String> metadata;
        List<String> header = new ArrayList<>();
        PyTorchCheckpoint cp = null;
        if (WeightFiles.isSafetensors(file)) {
            try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
                for (SafeTensorsFile.Info i : f.infos()) {
                    rows.add(new Row(i.name(), i.dtype().name(), i.shape(), numel(i.shape()), i.byteSize()));
                }
                metadata = f.metadata();
            }
            header.add("format    safetensors");
        } else {
            cp = PyTorchCheckpoint.read(file);
            for (Map.Entry<String, StoredTensor> e : cp.tensors().entrySet()) {
                StoredTensor t = e.getValue();
                rows.add(new Row(e.getKey(), t.dtype().name(), t.shape(), t.numel(), t.byteSize()));
            }
            metadata = cp.metadata();
            header.add("format    PyTorch checkpoint, " + (cp.format() == PyTorchCheckpoint.Format.ZIP
                    ? "zip archive (torch.save since 1.6)" : "legacy format (torch.save before 1.6)"));
            header.add("state     " + (cp.stateDictKey().isEmpty() ? "the file is the state_dict"
                    : "state_dict under '" + cp.stateDictKey() + "'"));
            header.add("prefix    " + (cp.strippedModulePrefix() ? "'module.' stripped from every name" : "none stripped"));
        }

        out.println("file      " + file);
        header.forEach(out::println);
        out.println();

        String[] shapes = rows.stream().map(r -> shapeString(r.shape())).toArray(String[]::new);
        int nw = "name".length();
        int dw = "dtype".length();
        int sw = "shape".length();
        int vw = "values".length();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            nw = Math.max(nw, r.name().length());
            dw = Math.max(dw, r.dtype().length());
            sw = Math.max(sw, shapes[i].length());
            vw = Math.max(vw, group(r.values()).length());
        }
        String fmt = "%-" + nw + "s  %-" + dw + "s  %-" + sw + "s  %" + vw + "s%n";
        out.printf(fmt, "name", "dtype", "shape", "values");
        long values = 0;
        long bytes = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            out.printf(fmt, r.name(), r.dtype(), shapes[i], group(r.values()));
            values += r.values();
            bytes += r.bytes();
        }
        out.println();
        out.printf("total     %d tensor%s, %s values, %s bytes%n", rows.size(), rows.size() == 1 ? "" : "s",
                group(values), group(bytes));
        if (metadata.isEmpty()) {
            out.println("metadata  none");
        } else {
            out.println("metadata");
            int kw = metadata.keySet().stream().mapToInt(String::length).max().orElse(0);
            metadata.forEach((k, v) -> out.printf("  %-" + kw + "s  %s%n", k, oneLine(v)));
        }
        if (cp != null) {
            List<String> skipped = cp.skippedEntries();
            out.println("skipped   " + (skipped.isEmpty() ? "none" : String.join(", ", skipped)));
        }
        return 0;
    }

    static String shapeString(int[] shape) {
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    private static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static String group(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
