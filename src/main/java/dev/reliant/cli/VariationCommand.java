package dev.reliant.cli;

import dev.reliant.cim.MonteCarloEvaluator;
import dev.reliant.cim.NoiseModel;
import dev.reliant.cim.NoiseModels;
import dev.reliant.cim.RramNoise;
import dev.reliant.cim.SramRecoveredNoise;
import dev.reliant.data.Dataset;
import dev.reliant.data.Datasets;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.io.AtomicText;
import dev.reliant.models.ModelOptions;
import dev.reliant.ops.Parameter;
import dev.reliant.simd.Parallel;
import dev.reliant.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code reliant variation}: Monte-Carlo accuracy of a model under one device-variation model,
 * in particular the RRAM model and the SRAM-recovered checkpoints of specs/cim-swim.md part B.
 */
@Command(
        name = "variation",
        usageHelpAutoWidth = true,
        sortOptions = false,
        description = {
            "Measures a model's top-1 accuracy under device variation by Monte Carlo:",
            "each of --draws draws programs every target weight once (one noise instance",
            "for the whole network) and classifies the whole data set with it. Reports",
            "the clean accuracy and, over the draws, the mean, the population standard",
            "deviation, the standard error of the mean, the minimum and the maximum.",
            "",
            "--noise takes the syntax of the cim noise models:",
            "  rram:bits=B,var_scale=V   conv weights quantized to B bits (1, 2, 3, 4, 8)",
            "                            then log-normal variation, sigma = dev_param(B)*V",
            "                            (specs/cim-swim.md B.1, B.2)",
            "  lognormal:bits=B,var_scale=V   the log-normal variation alone",
            "  swim:dev_var=S,write_var=W     SWIM's Gaussian device variation (A.1)",
            "  swim-collapsed:…, crossbar:…   see NoiseModels",
            "",
            "Targets: the conv weights only (--conv-only, the default for rram and for",
            "SRAM checkpoints: FC layers stay float and noise-free) or every conv and",
            "linear weight (--no-conv-only, the default otherwise).",
            "",
            "SRAM checkpoints: when the weights hold NAME_sram tensors next to conv",
            "weights NAME (metadata quant_bits, sram_bit, shift_bit and optionally",
            "sram_prune_threshold), each such conv computes with",
            "(W_R' + 2^shift_bit * Q_s(W_S)) / 2 (B.3, B.4), W_R' the RRAM weight with",
            "variation; var_scale comes from --var-scale or --noise rram:…,var_scale=V.",
            "For rram and SRAM models the noise-free accuracy (quantized, var_scale 0)",
            "is reported too.",
            "",
            "Each run appends one row to --out (settings and results as columns) and, with",
            "--draws-out, one row per draw to that file. Results are deterministic for a",
            "seed, whatever the thread count. The reference draws fresh RRAM noise per",
            "test batch; here one draw keeps one noise instance for the whole data set,",
            "so the mean over draws estimates the same expected accuracy and the spread",
            "between draws is visible.",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success",
            "1:unknown model or data set, missing or invalid file, weights or data that do not fit the model",
            "2:invalid command line"})
public final class VariationCommand implements Callable<Integer> {

    @Mixin
    private ModelDataOptions md;
    static final List<String> COLUMNS = List.of("model", "weights", "dataset", "split", "images", "noise", "targets",
            "adc", "draws", "seed", "clean_accuracy", "noise_free_accuracy", "mean_accuracy", "std_accuracy", "std_error",
            "min_accuracy", "max_accuracy", "seconds");
    static final List<String> DRAW_COLUMNS = List.of("model", "weights", "dataset", "split", "images", "noise",
            "targets", "adc", "seed", "draw", "correct", "accuracy");

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "test",
            description = "Split evaluated (default: ${DEFAULT-VALUE}).")
    private String split;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the first N images.")
    private Integer limit;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "128",
            description = "Images per batch (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--noise", paramLabel = "SPEC",
            description = "The noise model, e.g. rram:bits=4,var_scale=1 (required unless the weights are an SRAM "
                    + "checkpoint).")
    private String noise;

    @Option(names = "--var-scale", paramLabel = "V",
            description = "var_scale of an SRAM checkpoint's RRAM weights (default: from --noise, else 1).")
    private Double varScale;

    @Option(names = "--conv-only", negatable = true, paramLabel = "",
            description = "Perturb only conv weights (default for rram and SRAM checkpoints); --no-conv-only "
                    + "perturbs every conv and linear weight.")
    private Boolean convOnly;

    @Option(names = "--draws", paramLabel = "N", defaultValue = "20",
            description = "Monte-Carlo draws (default: ${DEFAULT-VALUE}).")
    private int draws;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the noise (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Mixin
    private AdcOptions adc;

    @Mixin
    private ModelShapeOptions shape;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE.csv",
            description = "The results file; one row per run is appended (created with a header).")
    private Path out;

    @Option(names = "--draws-out", paramLabel = "FILE.csv",
            description = "Also append every draw's accuracy to this file, one row per draw.")
    private Path drawsOut;

    @Override
    public Integer call() {
        validate();
        Map<String, String> meta = ModelLoader.metadata(md.weights);
        LinkedHashMap<String, Tensor> tensors = WeightFiles.readFloats(md.weights);
        boolean sram = SramRecoveredNoise.hasSram(tensors);
        LinkedHashMap<String, Tensor> stateDict = sram ? SramRecoveredNoise.withoutSram(tensors) : tensors;
        Normalization normalization = Normalization.parse(ModelLoader.norm(md.norm, meta, md.weights));
        ModelOptions options = shape.modelOptions(meta, md.weights);
        Supplier<Graph> models = () -> load(options, stateDict);
        Graph graph = models.get();

        NoiseModel noiseModel = sram ? sramModel(tensors, meta, graph) : parseNoise();
        boolean conv = convOnly != null ? convOnly : noiseModel instanceof RramNoise || sram;
        Predicate<Parameter> filter = conv ? MonteCarloEvaluator.CONV_ONLY : p -> true;
        List<String> targets = new ArrayList<>(MonteCarloEvaluator.targets(graph, filter).keySet());
        if (targets.isEmpty()) {
            throw new UserException("model '" + md.model + "' has no " + (conv ? "conv" : "conv or linear")
                    + " weights to perturb");
        }

        String ds = Datasets.canonicalName(md.dataset);
        Dataset test = Datasets.open(ds, md.data, split);
        if (limit != null) {
            test = test.subset(limit);
        }
        shape.requireFits(graph, md.model, test, normalization);

        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        stdout.printf(Locale.ROOT, "variation %s on %s %s (%d images, norm %s), noise %s, %d draws, seed %d%n",
                md.model, ds, split, test.size(), normalization.name(), noiseModel.describe(), draws, seed);
        stdout.printf("targets   %s (%s)%n", String.join(", ", targets),
                conv ? "conv only: linear weights stay float and noise-free" : "every conv and linear weight");
        stdout.printf("runtime   JDK %s, %d thread%s%n", System.getProperty("java.version"), Parallel.threads(),
                Parallel.threads() == 1 ? "" : "s");
        stdout.flush();

        MonteCarloEvaluator mc = new MonteCarloEvaluator(adc.apply(models, test, normalization), test, normalization,
                batch, Executor.Options.fast(), filter);
        double clean = (double) mc.cleanCorrect() / test.size();
        stdout.printf(Locale.ROOT, "clean     %.2f %% (float weights, no variation)%n", 100 * clean);
        NoiseModel noiseFree = noiseFree(noiseModel);
        Double free = null;
        if (noiseFree != null) {
            free = mc.run(noiseFree, null, 1, seed, null).mean();
            stdout.printf(Locale.ROOT, "no noise  %.2f %% (%s)%n", 100 * free, noiseFree.describe());
        }
        ProgressBar bar = ProgressBar.onStderr("variation", draws, "draws", err);
        MonteCarloEvaluator.Result r = mc.run(noiseModel, null, draws, seed, (done, all) -> bar.update(done));
        bar.finish();
        stdout.printf(Locale.ROOT, "accuracy  mean %.2f %%, std %.2f %%, std error %.2f %%, min %.2f %%, max %.2f %% "
                        + "over %d draws (%.1f s)%n", 100 * r.mean(), 100 * r.std(), 100 * r.standardError(),
                100 * r.min(), 100 * r.max(), draws, r.seconds());

        String targetLabel = conv ? "conv" : "conv+linear";
        List<String> row = List.of(md.model, md.weights.getFileName().toString(), ds, split, Integer.toString(test.size()),
                noiseModel.describe(), targetLabel, adc.label(), Integer.toString(draws), Long.toString(seed), fmt(clean),
                free == null ? "" : fmt(free), fmt(r.mean()), fmt(r.std()), fmt(r.standardError()), fmt(r.min()),
                fmt(r.max()), String.format(Locale.ROOT, "%.3f", r.seconds()));
        int rows = append(out, COLUMNS, List.of(row), "results");
        stdout.printf("wrote     %s (%d row%s)%n", out, rows, rows == 1 ? "" : "s");
        if (drawsOut != null) {
            List<List<String>> perDraw = new ArrayList<>();
            int[] c = r.correct();
            for (int i = 0; i < c.length; i++) {
                perDraw.add(List.of(md.model, md.weights.getFileName().toString(), ds, split, Integer.toString(test.size()),
                        noiseModel.describe(), targetLabel, adc.label(), Long.toString(seed), Integer.toString(i),
                        Integer.toString(c[i]), fmt((double) c[i] / r.images())));
            }
            int n = append(drawsOut, DRAW_COLUMNS, perDraw, "per-draw results");
            stdout.printf("wrote     %s (%d rows)%n", drawsOut, n);
        }
        return 0;
    }

    /** The model under test with its variation switched off, when it has a var_scale; else null. */
    private static NoiseModel noiseFree(NoiseModel m) {
        if (m instanceof RramNoise r) {
            return r.withVarScale(0);
        }
        if (m instanceof SramRecoveredNoise s) {
            return s.withVarScale(0);
        }
        return null;
    }

    private NoiseModel parseNoise() {
        if (varScale != null) {
            throw new ParameterException(spec.commandLine(), "--var-scale applies to SRAM checkpoints only; "
                    + "use --noise rram:bits=B,var_scale=V");
        }
        if (noise == null) {
            throw new ParameterException(spec.commandLine(), "--noise is required (e.g. rram:bits=4,var_scale=1) "
                    + "unless the weights are an SRAM checkpoint");
        }
        try {
            return NoiseModels.parse(noise);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--noise: " + e.getMessage());
        }
    }

    /** The SRAM-recovered model of the checkpoint, var_scale from --var-scale or --noise rram:…. */
    private NoiseModel sramModel(Map<String, Tensor> tensors, Map<String, String> meta, Graph graph) {
        double v = 1;
        RramNoise given = null;
        if (noise != null) {
            if (varScale != null) {
                throw new ParameterException(spec.commandLine(), "give the var_scale of an SRAM checkpoint by "
                        + "--var-scale or by --noise, not both");
            }
            NoiseModel m = parseNoise();
            if (!(m instanceof RramNoise r)) {
                throw new ParameterException(spec.commandLine(), "--noise: " + md.weights.getFileName()
                        + " is an SRAM checkpoint; its noise is rram:bits=B,var_scale=V, got '" + noise + "'");
            }
            given = r;
            v = r.varScale();
        } else if (varScale != null) {
            if (!(varScale >= 0) || varScale.isInfinite()) {
                throw new ParameterException(spec.commandLine(), "--var-scale must be a finite number >= 0, got "
                        + varScale);
            }
            v = varScale;
        }
        // B.4 exempts the first SRAM conv from pruning: the first in module order.
        String first = null;
        for (String name : MonteCarloEvaluator.targets(graph, MonteCarloEvaluator.CONV_ONLY).keySet()) {
            if (tensors.containsKey(name + SramRecoveredNoise.SUFFIX)) {
                first = name;
                break;
            }
        }
        SramRecoveredNoise m;
        try {
            m = SramRecoveredNoise.fromCheckpoint(tensors, meta, v, first);
        } catch (IllegalArgumentException e) {
            throw new UserException(md.weights + ": " + e.getMessage(), e);
        }
        for (String name : m.sramWeights().keySet()) {
            Tensor t = tensors.get(name);
            if (t.rank() != 4) {
                throw new UserException(md.weights + ": SRAM tensor " + name + SramRecoveredNoise.SUFFIX
                        + " belongs to a weight of rank " + t.rank() + ", not a conv weight");
            }
        }
        if (given != null && given.bits() != m.settings().quantBits()) {
            throw new UserException("--noise has bits=" + given.bits() + " but " + md.weights.getFileName()
                    + " was trained with " + SramRecoveredNoise.QUANT_BITS + "=" + m.settings().quantBits());
        }
        return m;
    }

    private Graph load(ModelOptions options, Map<String, Tensor> stateDict) {
        return ModelLoader.load(md.model, options, stateDict, md.weights);
    }

    /** Appends rows to a CSV file (created with {@code header}), atomically; returns its data rows. */
    private static int append(Path file, List<String> header, List<List<String>> rows, String what) {
        List<String> lines = new ArrayList<>();
        String head = SwimResults.csvLine(header);
        if (Files.exists(file)) {
            try {
                lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
            }
            lines.removeIf(String::isBlank);
            if (!lines.isEmpty() && !lines.get(0).equals(head)) {
                throw new UserException(file + " exists with other columns than `reliant variation` writes; "
                        + "choose another file");
            }
        }
        if (lines.isEmpty()) {
            lines.add(head);
        }
        for (List<String> r : rows) {
            lines.add(SwimResults.csvLine(r));
        }
        AtomicText.writeLines(file, lines, what);
        return lines.size() - 1;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    private void validate() {
        if (batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
        }
        if (limit != null && limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, got " + limit);
        }
        if (draws < 1) {
            throw new ParameterException(spec.commandLine(), "--draws must be at least 1, got " + draws);
        }
        if (varScale != null && (!(varScale >= 0) || varScale.isInfinite())) {
            throw new ParameterException(spec.commandLine(), "--var-scale must be a finite number >= 0, got " + varScale);
        }
        shape.validate();
        adc.spec();
        for (Path p : new Path[] {out, drawsOut}) {
            if (p != null) {
                Path dir = p.toAbsolutePath().getParent();
                if (dir != null && !Files.isDirectory(dir)) {
                    throw new UserException(p + ": directory not found: " + dir);
                }
            }
        }
    }
}
