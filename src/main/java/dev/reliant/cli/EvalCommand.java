package dev.reliant.cli;

import dev.reliant.data.Dataset;
import dev.reliant.data.Datasets;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.graph.StateDictException;
import dev.reliant.models.ModelOptions;
import dev.reliant.models.ModelZoo;
import dev.reliant.simd.Parallel;
import dev.reliant.simd.Ranking;
import dev.reliant.simd.Simd;
import dev.reliant.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code reliant eval}: the top-1 and top-5 accuracy of a model with its weights on a data set. */
@Command(
        name = "eval",
        usageHelpAutoWidth = true,
        sortOptions = false,
        description = {
            "Evaluates a model of the zoo with its weights on a data set: top-1 and top-5",
            "accuracy with counts, images per second, JDK and threads.",
            "",
            "Images are taken in data-set order (the first N with --limit) and run in",
            "batches; the result does not depend on --batch or --threads. Long runs report",
            "their progress on stderr.",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success",
            "1:unknown model, missing or invalid file, weights that do not fit the model",
            "2:invalid command line"})
public final class EvalCommand implements Callable<Integer> {
    /** Progress is reported once a run has taken this long (always on a terminal). */
    static final long QUIET_NANOS = 3_000_000_000L;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "NAME",
            description = "The architecture (e.g. resnet20, vgg11_bn, lenet; the models are listed below).")
    private String model;

    @Option(names = {"-w", "--weights"}, required = true, paramLabel = "FILE",
            description = "The weights: .safetensors or a PyTorch checkpoint (.pth, .pt, .th).")
    private Path weights;

    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "cifar10",
            description = "cifar10, cifar100, mnist, fashion-mnist, gtsrb or imagefolder (default: ${DEFAULT-VALUE}).")
    private String dataset;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The data set's directory.")
    private Path data;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "test",
            description = "train or test (default: ${DEFAULT-VALUE}).")
    private String split;

    @Option(names = "--norm", paramLabel = "NORM",
            description = "Input normalisation: cifar, cifar100, imagenet, gtsrb, mnist, none, or MEANS/STDS "
                    + "such as 0.5,0.5,0.5/0.25,0.25,0.25 (the akamaster ResNets use imagenet). Required unless the "
                    + "weights were trained by reliant, whose metadata says it.")
    private String norm;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the first N images.")
    private Integer limit;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "256",
            description = "Images per batch (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Mixin
    private ModelShapeOptions shape;

    @Option(names = "--fold-bn", description = "Fold batch norms into the preceding convolutions (faster; "
            + "results may differ from PyTorch in the last bits).")
    private boolean foldBn;

    @Option(names = "--save-logits", paramLabel = "FILE.npy",
            description = "Write the logits as a float32 NumPy array [N, classes], in data-set order.")
    private Path saveLogits;

    /** The figures of one evaluation. */
    record Result(int images, int classes, int top1, int top5, int k, float[] logits, double seconds) {}

    @Override
    public Integer call() throws IOException {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> meta = ModelLoader.metadata(weights);
        Normalization normalization = Normalization.parse(ModelLoader.norm(norm, meta, weights));
        if (saveLogits != null) {
            Path dir = saveLogits.toAbsolutePath().getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                throw new UserException("--save-logits: directory not found: " + dir);
            }
            if (Files.isDirectory(saveLogits)) {
                throw new UserException("--save-logits: " + saveLogits + " is a directory");
            }
        }
        Graph graph = ModelLoader.load(model, shape.modelOptions(meta, weights), weights);

        Dataset ds = Datasets.open(dataset, data, split);
        if (limit != null) {
            ds = ds.subset(limit);
        }
        shape.requireFits(graph, model, ds, normalization);

        Executor.Options exec = Executor.Options.exact().foldBatchNorm(foldBn);
        Result r = evaluate(graph, exec, ds, normalization, batch, spec.commandLine().getErr());

        out.printf("model     %s, weights %s%n", model, weights);
        out.printf(Locale.ROOT, "data      %s %s, %d images, norm %s%n", Datasets.canonicalName(dataset), split,
                r.images(), normalization.name());
        out.printf("top-1     %s%n", percent(r.top1(), r.images()));
        out.printf("top-%d     %s%n", r.k(), percent(r.top5(), r.images()));
        out.printf(Locale.ROOT, "speed     %.1f images/s (%.2f s, batch %d, %s)%n",
                r.seconds() > 0 ? r.images() / r.seconds() : 0.0, r.seconds(), batch,
                foldBn ? "batch norms folded" : "exact arithmetic");
        out.printf("runtime   JDK %s, %d thread%s, kernels %s%n", System.getProperty("java.version"),
                Parallel.threads(), Parallel.threads() == 1 ? "" : "s", Simd.implementation());
        if (saveLogits != null) {
            NpyWriter.writeFloat32(saveLogits, r.logits(), r.images(), r.classes());
            out.printf("logits    %s (float32 [%d, %d])%n", saveLogits, r.images(), r.classes());
        }
        return 0;
    }

    /** Lists the models of the zoo in the help of {@code eval} (called by {@link Main#configure}). */
    static void listModels(picocli.CommandLine eval) {
        StringBuilder sb = new StringBuilder("%nModels:%n");
        for (ModelZoo.Entry e : ModelZoo.entries().values()) {
            sb.append(String.format(Locale.ROOT, "  %-24s %s%n", e.name(), e.description().replace("%", "%%")));
        }
        eval.getCommandSpec().usageMessage().footer(sb.toString());
    }

    private void validate() {
        if (batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
        }
        if (limit != null && limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, got " + limit);
        }
        shape.validate();
    }

    /**
     * Runs every image of {@code ds} in order through the model, in batches of {@code batch},
     * and counts top-1 and top-5 hits (top-k with k = min(5, classes)). Progress goes to
     * {@code err} on a terminal or once the run takes more than {@link #QUIET_NANOS}.
     */
    static Result evaluate(Graph graph, Executor.Options options, Dataset ds, Normalization norm, int batch,
            PrintWriter err) {
        Executor ex = new Executor(graph, options);
        int n = ds.size();
        int classes = numel(graph.outputShape());
        int image = ds.imageSize();
        int b = Math.max(1, Math.min(batch, n));
        float[] in = new float[Math.multiplyExact(b, image)];
        float[] logits = new float[Math.multiplyExact(n, classes)];
        int batches = (n + b - 1) / b;
        boolean terminal = System.console() != null;
        long t0 = System.nanoTime();
        long lastReport = t0;
        boolean reported = false;
        for (int i = 0, start = 0; start < n; i++, start += b) {
            int count = Math.min(b, n - start);
            ds.batch(start, count, norm, in, 0);
            ex.run(in, 0, count, logits, start * classes);
            long now = System.nanoTime();
            boolean due = terminal ? now - lastReport >= 1_000_000_000L
                    : now - t0 >= QUIET_NANOS && now - lastReport >= 5_000_000_000L;
            if (due && i + 1 < batches) {
                double perBatch = (now - t0) / 1e9 / (i + 1);
                err.printf(Locale.ROOT, "eval: %d/%d batches (%d %%), about %.0f s left%n", i + 1, batches,
                        100 * (i + 1) / batches, perBatch * (batches - i - 1));
                err.flush();
                lastReport = now;
                reported = true;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (reported) {
            err.printf(Locale.ROOT, "eval: %d/%d batches done in %.1f s%n", batches, batches, seconds);
            err.flush();
        }
        int k = Math.min(5, classes);
        int[] top = new int[Math.multiplyExact(n, k)];
        Ranking.topK(logits, 0, n, classes, k, top, 0);
        int top1 = 0;
        int topK = 0;
        for (int i = 0; i < n; i++) {
            int label = ds.label(i);
            if (top[i * k] == label) {
                top1++;
            }
            for (int j = 0; j < k; j++) {
                if (top[i * k + j] == label) {
                    topK++;
                    break;
                }
            }
        }
        return new Result(n, classes, top1, topK, k, logits, seconds);
    }

    static String percent(int hits, int total) {
        return String.format(Locale.ROOT, "%.2f %% (%d/%d)", total == 0 ? 0.0 : 100.0 * hits / total, hits, total);
    }

    private static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
