package dev.reliant.cli;

import dev.reliant.data.Augmentation;
import dev.reliant.data.Dataset;
import dev.reliant.data.Datasets;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Graph;
import dev.reliant.io.SafeTensors;
import dev.reliant.ops.Parameter;
import dev.reliant.tensor.Tensor;
import dev.reliant.train.DiagonalHessian;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code reliant hessian}: per-weight second-order sensitivities (OBD, empirical Fisher, GGN-MC) over a data set. */
@Command(
        name = "hessian",
        usageHelpAutoWidth = true,
        sortOptions = false,
        description = {
            "Computes a per-weight second-order sensitivity of a model under softmax",
            "cross-entropy, summed over every image of a data set (inference mode: running",
            "batch-norm statistics, no dropout; file order; optional training augmentation):",
            "",
            "  obd     the Becker-LeCun / Optimal Brain Damage diagonal H of SWIM, and the",
            "          summed gradient G, so that S = H + 2G",
            "  fisher  the empirical Fisher diagonal: sum over images of squared gradients",
            "  ggn-mc  the Monte-Carlo generalized Gauss-Newton diagonal (BackPACK's",
            "          DiagGGNMC): labels drawn from the model's softmax, seeded",
            "",
            "Writes OUT (.safetensors): one float32 tensor per convolution and linear weight",
            "under the weight's own name (and bias with --biases); for obd also the gradient",
            "sums as NAME.grad in the same file. The metadata records the method, convention,",
            "images, seed and options. A table of the mean and largest value per layer goes",
            "to stdout, progress to stderr.",
            "",
            "--convention swim-reference reproduces the SWIM reference code (G as a sum of",
            "batch means, h/k at average pooling, unsquared layer scale; see",
            "specs/cim-swim.md A.7). --normalized reports H and G with respect to",
            "Wn = W / max|W| of each layer, as SWIM scores them.",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success",
            "1:unknown model or data set, missing or invalid file, weights or data that do not fit the model",
            "2:invalid command line"})
public final class HessianCommand implements Callable<Integer> {

    @Mixin
    private ModelDataOptions md;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "train",
            description = "train or test (default: ${DEFAULT-VALUE}).")
    private String split;

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N images.")
    private Integer limit;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "128",
            description = "Images per batch (default: ${DEFAULT-VALUE}; with swim-reference G depends on it).")
    private int batch;

    @Option(names = "--augment", paramLabel = "SPEC", defaultValue = "none",
            description = "Augmentation as in training: none, or crop:PAD[,flip], e.g. crop:4,flip (default: "
                    + "${DEFAULT-VALUE}).")
    private String augment;

    @Option(names = "--method", required = true, paramLabel = "METHOD", description = "obd, fisher or ggn-mc.")
    private String method;

    @Option(names = "--mc-samples", paramLabel = "M",
            description = "Monte-Carlo labels per image for ggn-mc (default: 1).")
    private Integer mcSamples;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the augmentation and the ggn-mc labels (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--convention", paramLabel = "NAME", defaultValue = "correct",
            description = "correct or swim-reference (default: ${DEFAULT-VALUE}).")
    private String convention;

    @Option(names = "--normalized", description = "Report with respect to Wn = W / max|W| per layer (H·s², G·s).")
    private boolean normalized;

    @Option(names = "--biases", description = "Also report the biases of convolution and linear layers.")
    private boolean biases;

    @Mixin
    private ModelShapeOptions shape;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE.safetensors",
            description = "Where to write the result.")
    private Path out;

    @Override
    public Integer call() {
        DiagonalHessian.Method m = parse(() -> DiagonalHessian.Method.parse(method), "--method");
        DiagonalHessian.Convention conv = parse(() -> DiagonalHessian.Convention.parse(convention), "--convention");
        validate(m);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new UserException("--out: directory not found: " + dir);
        }
        Map<String, String> meta = ModelLoader.metadata(md.weights);
        Normalization normalization = Normalization.parse(ModelLoader.norm(md.norm, meta, md.weights));
        Graph graph = ModelLoader.load(md.model, shape.modelOptions(meta, md.weights), md.weights);
        String ds = Datasets.canonicalName(md.dataset);
        Dataset images = Datasets.open(ds, md.data, split);
        if (limit != null) {
            images = images.subset(limit);
        }
        Augmentation augmentation = TrainCommand.parseAugment(augment, images.height());
        shape.requireFits(graph, md.model, images, normalization);
        Map<String, Double> scales = normalized ? layerScales(graph) : Map.of();
        DiagonalHessian.Settings settings = DiagonalHessian.Settings.of(m, normalization).withConvention(conv)
                .withBatchSize(batch).withAugmentation(augmentation).withSeed(seed)
                .withMcSamples(mcSamples == null ? 1 : mcSamples).withBiases(biases).withLayerScales(scales);

        stdout.printf(Locale.ROOT, "hessian   %s of %s on %s %s (%d images, norm %s, augment %s), convention %s%s, "
                        + "seed %d%n", m.label(), md.model, ds, split, images.size(), normalization.name(), augment,
                conv.label(), normalized ? ", normalised weights" : "", seed);
        stdout.flush();
        int batches = (images.size() + batch - 1) / batch;
        ProgressBar bar = ProgressBar.onStderr("hessian " + m.label(), batches, "batches", err);
        long t0 = System.nanoTime();
        DiagonalHessian.Result r = new DiagonalHessian(graph).compute(images, settings,
                (done, total, n) -> bar.update(done, n + " images"));
        bar.finish();
        double seconds = (System.nanoTime() - t0) / 1e9;

        Map<String, Tensor> tensors = new LinkedHashMap<>(r.diagonal());
        r.gradient().forEach((name, g) -> tensors.put(name + ".grad", g));
        SafeTensors.writeFloats(out, tensors, metadata(m, conv, ds, normalization, r.images(), scales));
        printSummary(stdout, r);
        stdout.printf(Locale.ROOT, "time      %.1f s%n", seconds);
        stdout.printf("wrote     %s (%d tensors)%n", out, tensors.size());
        return 0;
    }

    /** s = max|W| of every convolution and linear weight. */
    private static Map<String, Double> layerScales(Graph graph) {
        Map<String, Double> scales = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : DiagonalHessian.targets(graph, false).entrySet()) {
            double s = e.getValue().tensor().maxAbs();
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new UserException("--normalized: weight " + e.getKey() + " has max|W| = " + s
                        + ", which cannot normalise it");
            }
            scales.put(e.getKey(), s);
        }
        return scales;
    }

    private Map<String, String> metadata(DiagonalHessian.Method m, DiagonalHessian.Convention conv, String ds,
                                         Normalization normalization, int images, Map<String, Double> scales) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("method", m.label());
        meta.put("convention", conv.label());
        meta.put("images", Integer.toString(images));
        meta.put("seed", Long.toString(seed));
        meta.put("model", md.model);
        meta.put("weights", md.weights.getFileName().toString());
        meta.put("dataset", ds);
        meta.put("split", split);
        meta.put("norm", normalization.name());
        meta.put("augment", augment);
        meta.put("batch", Integer.toString(batch));
        if (m == DiagonalHessian.Method.GGN_MC) {
            meta.put("mc_samples", Integer.toString(mcSamples == null ? 1 : mcSamples));
        }
        meta.put("normalized", Boolean.toString(normalized));
        if (normalized) {
            StringJoiner j = new StringJoiner(",");
            scales.forEach((name, s) -> j.add(name + "=" + s.floatValue()));
            meta.put("layer_scales", j.toString());
        }
        if (m == DiagonalHessian.Method.OBD) {
            meta.put("gradient", "NAME.grad holds the summed gradient G of NAME; S = H + 2G");
        }
        return meta;
    }

    private static void printSummary(PrintWriter stdout, DiagonalHessian.Result r) {
        boolean obd = !r.gradient().isEmpty();
        int width = Math.max(5, r.diagonal().keySet().stream().mapToInt(String::length).max().orElse(5));
        stdout.printf(Locale.ROOT, "%-" + width + "s  %-16s %12s %12s%s%n", "layer", "shape", "mean", "max",
                obd ? String.format(Locale.ROOT, " %12s", "mean |G|") : "");
        for (Map.Entry<String, Tensor> e : r.diagonal().entrySet()) {
            float[] v = e.getValue().data();
            double sum = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (float x : v) {
                sum += x;
                max = Math.max(max, x);
            }
            String g = "";
            if (obd) {
                double abs = 0;
                for (float x : r.gradient().get(e.getKey()).data()) {
                    abs += Math.abs(x);
                }
                g = String.format(Locale.ROOT, " %12.4e", abs / v.length);
            }
            stdout.printf(Locale.ROOT, "%-" + width + "s  %-16s %12.4e %12.4e%s%n", e.getKey(),
                    e.getValue().shapeString(), sum / v.length, max, g);
        }
    }

    private <T> T parse(java.util.function.Supplier<T> parser, String option) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    private void validate(DiagonalHessian.Method m) {
        if (batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
        }
        if (limit != null && limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, got " + limit);
        }
        if (mcSamples != null && m != DiagonalHessian.Method.GGN_MC) {
            throw new ParameterException(spec.commandLine(), "--mc-samples applies to --method ggn-mc only");
        }
        if (mcSamples != null && mcSamples < 1) {
            throw new ParameterException(spec.commandLine(), "--mc-samples must be at least 1, got " + mcSamples);
        }
        shape.validate();
    }
}
