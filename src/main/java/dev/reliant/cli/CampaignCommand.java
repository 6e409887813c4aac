package dev.reliant.cli;

import dev.reliant.data.Dataset;
import dev.reliant.data.Datasets;
import dev.reliant.data.Normalization;
import dev.reliant.fault.ActivationListValidator;
import dev.reliant.fault.ActivationTargets;
import dev.reliant.fault.CampaignEngine;
import dev.reliant.fault.CampaignEngine.Target;
import dev.reliant.fault.CampaignFault;
import dev.reliant.fault.CampaignFormat;
import dev.reliant.fault.CampaignJournal;
import dev.reliant.fault.CampaignProgress;
import dev.reliant.fault.CampaignResults;
import dev.reliant.fault.CampaignRow;
import dev.reliant.fault.CampaignSettings;
import dev.reliant.fault.CampaignSummary;
import dev.reliant.fault.Fault;
import dev.reliant.fault.FaultListCsv;
import dev.reliant.fault.FaultListValidator;
import dev.reliant.fault.FaultModel;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.graph.StateDictException;
import dev.reliant.models.ModelZoo;
import dev.reliant.simd.Parallel;
import dev.reliant.simd.Simd;
import dev.reliant.tensor.Tensor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code reliant campaign}: a weight- or activation-fault campaign over a fault list, with
 * resumable results and summaries.
 */
@Command(
        name = "campaign",
        usageHelpAutoWidth = true,
        sortOptions = false,
        description = {
            "Runs every fault of a fault list (PyTorch CSV layout: Injection,Layer,TensorIndex,",
            "Bit) on every test image and classifies each (fault, image) pair against the",
            "fault-free run: masked (all logits bit-identical, as floats), non-critical",
            "(logits differ, same top-1) or critical (top-1 differs). A fault is written into",
            "the stored code of one weight before the first image and undone after the last.",
            "",
            "By default only what a fault can change is recomputed: the faulty layer (one",
            "output channel for a convolution weight) and, from cached fault-free activations,",
            "the layers after it, for the images whose values still differ. --naive re-runs",
            "the whole network per fault as the reference injector does; both give identical",
            "counts. Results do not depend on --threads.",
            "",
            "Output: OUT (PyTorch result columns Injection,Layer,TensorIndex,Bit,n_injections,",
            "masked,non_critical,critical, then top1_correct,due,noop,fault_model,format), one",
            "row per fault in list order; OUT-per-bit.csv and OUT-per-layer.csv; and a",
            "summary on stdout. Finished faults are journaled to OUT.partial as the run goes;",
            "after an interruption, the same command with --resume finishes the run. OUT is",
            "written only at the end (temporary file + rename).",
            "",
            "Activation lists (a Target column saying 'activation', as 'reliant faultlist",
            "--activations' writes them) hold transient faults in node outputs: Layer is a",
            "graph node (conv1, layer1.0.relu_1, linear), TensorIndex an index into its",
            "per-image output, (c, y, x) or (f,), Bit one of the 32 fp32 bits. For each image",
            "separately the value is corrupted after the node computed it, everything",
            "downstream sees the corrupted value, and the next image is clean again; the",
            "weights stay fault-free (stored in --format). With --fold-bn a convolution and",
            "its batch norm are one operator with one stored output (the batch norm's): a",
            "fault on either node lands on that stored value. Results, journal, --resume",
            "and summaries (per bit, per node) work as for weights.",
            "",
            "Progress (faults done, evaluations per second, time left) goes to stderr.",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success",
            "1:bad input: unknown model, missing file, malformed list (file, line, field), weights that do not fit",
            "2:invalid command line"})
public final class CampaignCommand implements Callable<Integer> {

    /** The model, weights and images: the options {@code campaign} and {@code ber} share. */
    static final class Inputs {
        @Option(names = {"-m", "--model"}, required = true, paramLabel = "NAME",
                description = "The architecture (e.g. resnet20, vgg11_bn, lenet; see 'reliant eval --help').")
        String model;

        @Option(names = {"-w", "--weights"}, required = true, paramLabel = "FILE",
                description = "The weights: .safetensors or a PyTorch checkpoint (.pth, .pt, .th).")
        Path weights;

        @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "cifar10",
                description = "cifar10, cifar100, mnist, fashion-mnist, gtsrb or imagefolder (default: ${DEFAULT-VALUE}).")
        String dataset;

        @Option(names = "--data", required = true, paramLabel = "DIR", description = "The data set's directory.")
        Path data;

        @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "test",
                description = "train or test (default: ${DEFAULT-VALUE}).")
        String split;

        @Option(names = "--norm", paramLabel = "NORM",
                description = "Input normalisation: cifar, cifar100, imagenet, gtsrb, mnist, none, or MEANS/STDS "
                        + "(the model set evaluates the akamaster ResNets with cifar). Required unless the weights "
                        + "were trained by reliant, whose metadata says it.")
        String norm;

        @Option(names = "--limit-images", paramLabel = "N", description = "Use only the first N images.")
        Integer limitImages;

        @Option(names = "--classes", paramLabel = "K",
                description = "Output classes of the model (default: the weights' metadata, else the model's).")
        Integer classes;

        @Option(names = "--input-size", paramLabel = "S",
                description = "Input height and width of the model (default: the model's).")
        Integer inputSize;

        @Option(names = "--format", paramLabel = "FMT", defaultValue = "fp32",
                description = "How the faultable weights are stored: fp32, fp16, bf16, intN (per-tensor scale "
                        + "max|w|/(2^(N-1)-1), e.g. int8), intN:SCALE, Qm.n (e.g. Q15.16). Golden and faulty runs "
                        + "use the stored values (default: ${DEFAULT-VALUE}).")
        String format;

        @Option(names = "--fold-bn", description = "Fold batch norms into the preceding convolutions for every run "
                + "(faster; logits may differ from PyTorch in the last bits).")
        boolean foldBn;

        ModelZoo.Entry entry;
        Normalization normalization;
        Dataset images;
        CampaignFormat storedFormat;
        private Map<String, Tensor> stateDict;
        private Map<String, String> metadata = Map.of();

        /** Checks and loads everything; errors are one line. */
        void load(CommandSpec spec) {
            if (limitImages != null && limitImages < 1) {
                throw new ParameterException(spec.commandLine(), "--limit-images must be at least 1, got " + limitImages);
            }
            if (classes != null && classes < 1) {
                throw new ParameterException(spec.commandLine(), "--classes must be at least 1, got " + classes);
            }
            if (inputSize != null && inputSize < 1) {
                throw new ParameterException(spec.commandLine(), "--input-size must be at least 1, got " + inputSize);
            }
            try {
                storedFormat = CampaignFormat.parse(format);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--format: " + e.getMessage());
            }
            entry = ModelZoo.entry(model);
            metadata = ModelLoader.metadata(weights);
            normalization = Normalization.parse(ModelLoader.norm(norm, metadata, weights));
            Graph probe = build();
            stateDict = WeightFiles.readFloats(weights);
            try {
                probe.loadStateDict(stateDict, weights.getFileName().toString());
            } catch (StateDictException e) {
                List<String> p = e.problems();
                throw new UserException("weights " + weights + " do not fit model '" + model + "': " + p.get(0)
                        + (p.size() > 1 ? " (and " + (p.size() - 1) + " more problem" + (p.size() > 2 ? "s" : "") + ")"
                        : ""), e);
            }
            Dataset ds = Datasets.open(dataset, data, split);
            if (limitImages != null) {
                ds = ds.subset(limitImages);
            }
            if (!Arrays.equals(probe.inputShape(), ds.imageShape())) {
                throw new UserException("model '" + model + "' takes images " + InfoCommand.shapeString(probe.inputShape())
                        + " but " + ds.name() + " has " + InfoCommand.shapeString(ds.imageShape())
                        + (inputSize == null ? " (see --input-size)" : ""));
            }
            normalization.checkChannels(ds.channels());
            int outputs = probe.node(probe.outputNode()).outputSize();
            int maxLabel = Arrays.stream(ds.labels()).max().orElse(-1);
            if (maxLabel >= outputs) {
                throw new UserException("model '" + model + "' has " + outputs + " outputs but " + ds.name()
                        + " has label " + maxLabel + (classes == null ? " (see --classes)" : ""));
            }
            images = ds;
        }

        /** A new instance of the model without weights. */
        Graph build() {
            return entry.build(ModelLoader.options(metadata, classes, inputSize, weights));
        }

        /** Makes new instances of the model with the weights loaded. */
        Supplier<Graph> modelWithWeights() {
            String source = weights.getFileName().toString();
            return () -> {
                Graph g = build();
                g.loadStateDict(stateDict, source);
                return g;
            };
        }

        Executor.Options executorOptions() {
            return Executor.Options.exact().foldBatchNorm(foldBn);
        }

        /** What identifies the model, weights and images of a run. */
        String fingerprint() throws java.io.IOException {
            return "model=" + model + (classes == null ? "" : " classes=" + classes)
                    + (inputSize == null ? "" : " input_size=" + inputSize) + " weights=" + weights.getFileName() + "("
                    + Files.size(weights) + " bytes) dataset=" + Datasets.canonicalName(dataset) + " split=" + split
                    + " norm=" + normalization.name() + " images=" + images.size() + " format=" + storedFormat.label()
                    + " fold_bn=" + foldBn;
        }

        String describe() {
            return String.format(Locale.ROOT, "model     %s, weights %s%ndata      %s %s, %d images, norm %s%n"
                            + "format    %s, %s", model, weights, Datasets.canonicalName(dataset), split, images.size(),
                    normalization.name(), storedFormat.label(), foldBn ? "batch norms folded" : "exact arithmetic");
        }
    }

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Mixin
    private Inputs inputs;

    @Option(names = "--faults", required = true, paramLabel = "LIST.csv",
            description = "The fault list (PyTorch layout; result columns are ignored). A Target column saying "
                    + "'activation' makes it an activation list.")
    private Path faultList;

    @Option(names = "--out", paramLabel = "RESULTS.csv", description = "The results file (required unless --bench).")
    private Path out;

    @Option(names = "--fault-model", paramLabel = "MODEL", defaultValue = "bitflip",
            description = "bitflip, stuck0 or stuck1 (default: ${DEFAULT-VALUE}). A stuck-at fault on a bit that "
                    + "already has that value changes nothing: counted masked and reported in the noop column.")
    private String faultModel;

    @Option(names = "--bits-per-fault", paramLabel = "K", defaultValue = "1",
            description = "Adjacent bits each fault covers, from its Bit upwards (default: ${DEFAULT-VALUE}).")
    private int bitsPerFault;

    @Option(names = "--naive", description = "Run the whole network for every fault (the reference procedure).")
    private boolean naive;

    @Option(names = "--resume", description = "Finish an interrupted run of the same campaign from OUT.partial.")
    private boolean resume;

    @Option(names = "--force", description = "Overwrite an existing OUT.")
    private boolean force;

    @Option(names = "--chunk", paramLabel = "N", defaultValue = "0",
            description = "Images per chunk (default: as many as fit a 256 MB activation cache, at most 256).")
    private int chunk;

    @Option(names = "--block", paramLabel = "N", defaultValue = "0",
            description = "Faults per block, the unit of the journal (default: " + CampaignEngine.DEFAULT_BLOCK + ").")
    private int block;

    @Option(names = "--bench", paramLabel = "N", arity = "0..1", fallbackValue = "32",
            description = "Measure instead of writing results: run the fast and the naive path on the same N faults "
                    + "spread over the list (default 32), check that their counts agree and print (fault, image) "
                    + "evaluations per second of each and their ratio.")
    private Integer bench;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        FaultModel model;
        try {
            model = FaultModel.parse(faultModel);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--fault-model: " + e.getMessage());
        }
        if (bench == null && out == null) {
            throw new ParameterException(spec.commandLine(), "--out is required (or measure with --bench)");
        }
        if (bench != null && bench < 1) {
            throw new ParameterException(spec.commandLine(), "--bench needs at least 1 fault, got " + bench);
        }
        if (chunk < 0 || block < 0) {
            throw new ParameterException(spec.commandLine(), "--chunk and --block must be positive");
        }
        if (bitsPerFault < 1) {
            throw new ParameterException(spec.commandLine(), "--bits-per-fault must be at least 1, got " + bitsPerFault);
        }
        if (out != null && bench == null) {
            checkOutput();
        }
        WeightFiles.requireFile(faultList, "fault list");
        inputs.load(spec);
        CampaignSettings settings = new CampaignSettings(model, bitsPerFault, inputs.storedFormat,
                inputs.executorOptions(), naive, chunk, block);
        boolean activations = FaultListCsv.isActivationList(faultList);
        Target target = activations ? Target.ACTIVATIONS : Target.WEIGHTS;
        List<Fault> faults = activations
                ? FaultListCsv.readActivations(faultList, new ActivationListValidator(inputs.build()))
                : FaultListCsv.read(faultList, new FaultListValidator(inputs.build(), inputs.storedFormat.widthFormat()));
        if (faults.isEmpty()) {
            throw new UserException("fault list " + faultList + " has no faults");
        }
        if (bench != null) {
            return bench(faults, settings, target, stdout);
        }

        CampaignEngine engine = new CampaignEngine(inputs.modelWithWeights(), inputs.images, inputs.normalization,
                settings, target);
        String fingerprint = inputs.fingerprint() + " faults=" + faults.size() + " list="
                + CampaignJournal.listDigest(faults) + " fault_model=" + settings.faultModelLabel()
                + (activations ? " target=activation" : "");
        stdout.println(inputs.describe());
        stdout.printf(Locale.ROOT, "faults    %d %s faults from %s, %s, %s path%n", faults.size(),
                activations ? "activation" : "weight", faultList, settings.faultModelLabel(), naive ? "naive" : "fast");
        stdout.printf(Locale.ROOT, "runtime   JDK %s, %d thread%s, kernels %s, %d images per chunk, %d faults per block%n",
                System.getProperty("java.version"), Parallel.threads(), Parallel.threads() == 1 ? "" : "s",
                Simd.implementation(), engine.chunkImages(), engine.blockFaults());
        stdout.flush();
        ProgressLine progress = new ProgressLine(stderr);
        long t0 = System.nanoTime();
        List<CampaignRow> rows = CampaignResults.run(engine, faults, out, fingerprint, resume, progress);
        progress.finish();
        double seconds = (System.nanoTime() - t0) / 1e9;
        CampaignSummary summary = new CampaignSummary(rows, inputs.images.size(), engine.golden(),
                activations ? ActivationTargets.BITS : inputs.storedFormat.bits());
        CampaignResults.finish(out, rows, summary, settings, inputs.images.size());
        stdout.println();
        summary.print(stdout);
        stdout.println();
        stdout.printf(Locale.ROOT, "time      %.1f s, %.0f evaluations/s this run%n", seconds,
                progress.evaluations() / Math.max(seconds, 1e-9));
        stdout.printf("results   %s, %s, %s%n", out, CampaignResults.perBitPath(out), CampaignResults.perLayerPath(out));
        return 0;
    }

    private void checkOutput() {
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new UserException("--out: directory not found: " + dir);
        }
        if (Files.isDirectory(out)) {
            throw new UserException("--out: " + out + " is a directory");
        }
        Path journal = CampaignJournal.pathFor(out);
        if (resume && !Files.exists(journal)) {
            throw new UserException("nothing to resume: " + journal + " not found"
                    + (Files.exists(out) ? " (" + out + " is complete)" : ""));
        }
        if (!resume && Files.exists(journal)) {
            throw new UserException(journal + " holds an interrupted run: finish it with --resume, or delete it");
        }
        if (!resume && !force && Files.exists(out)) {
            throw new UserException(out + " exists; use --force to overwrite it");
        }
    }

    /** Fast and naive path on the same faults spread over the list. */
    private int bench(List<Fault> faults, CampaignSettings settings, Target target, PrintWriter stdout) {
        int n = Math.min(bench, faults.size());
        List<Fault> sample = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            sample.add(faults.get((int) ((long) k * faults.size() / n)));
        }
        stdout.println(inputs.describe());
        stdout.printf(Locale.ROOT, "bench     %d faults x %d images, %s, %d thread%s%n", n, inputs.images.size(),
                settings.faultModelLabel(), Parallel.threads(), Parallel.threads() == 1 ? "" : "s");
        stdout.flush();
        double[] rate = new double[2];
        List<List<CampaignRow>> results = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            boolean isNaive = p == 1;
            CampaignEngine engine = new CampaignEngine(inputs.modelWithWeights(), inputs.images, inputs.normalization,
                    settings.withNaive(isNaive), target);
            List<CampaignFault> resolved = engine.resolve(sample);
            engine.golden();
            long t0 = System.nanoTime();
            results.add(engine.run(resolved));
            double s = (System.nanoTime() - t0) / 1e9;
            rate[p] = (double) n * inputs.images.size() / Math.max(s, 1e-9);
            stdout.printf(Locale.ROOT, "%-9s %.1f s, %.0f evaluations/s%n", isNaive ? "naive" : "fast", s, rate[p]);
            stdout.flush();
        }
        boolean same = true;
        for (int i = 0; i < n; i++) {
            same &= results.get(0).get(i).counts().equals(results.get(1).get(i).counts());
        }
        stdout.printf(Locale.ROOT, "ratio     fast/naive %.2f; counts %s%n", rate[0] / rate[1],
                same ? "identical for every fault" : "DIFFER (a bug: please report it)");
        return same ? 0 : Main.EXIT_FAILURE;
    }

    /**
     * The progress line on stderr: faults done, evaluations per second and time left, updated in
     * place at most four times a second on a terminal, otherwise a line every 10 s after the
     * first 3 s.
     */
    static final class ProgressLine implements CampaignProgress {
        private final PrintWriter err;
        private final boolean terminal = System.console() != null;
        private final long start = System.nanoTime();
        private long last = start;
        private boolean inPlace;
        private long evaluations;

        ProgressLine(PrintWriter err) {
            this.err = err;
        }

        @Override
        public synchronized void update(int faultsDone, int faultsTotal, long evaluationsDone, long evaluationsTotal) {
            evaluations = evaluationsDone;
            long now = System.nanoTime();
            boolean due = terminal ? now - last >= 250_000_000L : now - start >= 3_000_000_000L
                    && now - last >= 10_000_000_000L;
            if (!due || evaluationsDone >= evaluationsTotal) {
                return;
            }
            last = now;
            double seconds = (now - start) / 1e9;
            double rate = evaluationsDone / Math.max(seconds, 1e-9);
            double left = (evaluationsTotal - evaluationsDone) / Math.max(rate, 1e-9);
            String line = String.format(Locale.ROOT, "campaign: %d/%d faults, %.0f evaluations/s, about %s left",
                    faultsDone, faultsTotal, rate, duration(left));
            if (terminal) {
                err.print("\r" + line + "   ");
                inPlace = true;
            } else {
                err.println(line);
            }
            err.flush();
        }

        synchronized long evaluations() {
            return evaluations;
        }

        synchronized void finish() {
            if (inPlace) {
                err.println();
                err.flush();
            }
        }

        static String duration(double seconds) {
            long s = Math.round(seconds);
            return s < 120 ? s + " s" : s < 7200 ? (s / 60) + " min" : String.format(Locale.ROOT, "%.1f h", s / 3600.0);
        }
    }
}
