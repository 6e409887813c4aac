package dev.reliant.cli;

import dev.reliant.io.PyTorchCheckpoint;
import dev.reliant.io.SafeTensors;
import dev.reliant.io.StoredTensor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code reliant convert IN OUT}: a PyTorch checkpoint to safetensors. */
@Command(
        name = "convert",
        usageHelpAutoWidth = true,
        description = {
            "Converts a PyTorch checkpoint (torch.save, zip or legacy format) to safetensors.",
            "",
            "Writes every tensor of the checkpoint's state_dict with its stored dtype and",
            "bits, in state_dict order, except the batch-norm counters num_batches_tracked;",
            "a 'module.' prefix (nn.DataParallel) is removed. The metadata are the",
            "checkpoint's scalar entries (e.g. best_prec1) plus 'source' (the input file",
            "name) and 'converted_by' (this reliant version). The output is written",
            "atomically: a temporary file, then a rename.",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the input is missing or invalid, or the output cannot be written",
            "2:invalid command line"})
public final class ConvertCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = {"-f", "--force"}, description = "Replace OUT if it exists.")
    private boolean force;

    @Parameters(index = "0", paramLabel = "IN", description = "The PyTorch checkpoint (.pth, .pt, .th).")
    private Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "The safetensors file to write.")
    private Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter pw = spec.commandLine().getOut();
        WeightFiles.requireFile(in, "input file");
        if (WeightFiles.isSafetensors(in)) {
            throw new UserException("input " + in + " is already a safetensors file");
        }
        if (Files.exists(out) && Files.isSameFile(in, out)) {
            throw new UserException("output " + out + " is the input file");
        }
        if (Files.isDirectory(out)) {
            throw new UserException("output " + out + " is a directory");
        }
        if (Files.exists(out) && !force) {
            throw new UserException("output " + out + " exists (use --force to replace it)");
        }
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new UserException("output directory not found: " + dir);
        }

        PyTorchCheckpoint cp = PyTorchCheckpoint.read(in);
        LinkedHashMap<String, StoredTensor> tensors = new LinkedHashMap<>();
        int dropped = 0;
        long values = 0;
        for (Map.Entry<String, StoredTensor> e : cp.tensors().entrySet()) {
            if (isCounter(e.getKey())) {
                dropped++;
            } else {
                tensors.put(e.getKey(), e.getValue());
                values += e.getValue().numel();
            }
        }
        if (tensors.isEmpty()) {
            throw new UserException(in + ": the state_dict holds no tensors to convert");
        }
        LinkedHashMap<String, String> metadata = new LinkedHashMap<>(cp.metadata());
        metadata.put("source", in.getFileName().toString());
        metadata.put("converted_by", "reliant " + Main.Version.release());
        SafeTensors.write(out, tensors, metadata);

        pw.printf(Locale.ROOT, "%s -> %s: %d tensors, %,d values, %,d bytes (%s checkpoint%s%s)%n",
                in, out, tensors.size(), values, Files.size(out),
                cp.format() == PyTorchCheckpoint.Format.ZIP ? "zip" : "legacy",
                cp.strippedModulePrefix() ? ", 'module.' stripped" : "",
                dropped == 0 ? "" : ", " + dropped + " num_batches_tracked dropped");
        return 0;
    }

    static boolean isCounter(String name) {
        return name.equals("num_batches_tracked") || name.endsWith(".num_batches_tracked");
    }
}
