package dev.reliant.cli;

import dev.reliant.cim.CrossbarMapping;
import dev.reliant.cim.CrossbarNoise;
import dev.reliant.cim.DeviceModel;
import dev.reliant.cim.GaussianDevice;
import dev.reliant.cim.MonteCarloEvaluator;
import dev.reliant.cim.NoiseModel;
import dev.reliant.cim.ReadNoise;
import dev.reliant.cim.StuckDevices;
import dev.reliant.cim.SwimNoise;
import dev.reliant.cim.SwimSensitivity;
import dev.reliant.cim.WriteVerifyMask;
import dev.reliant.cim.WriteVerifySelection;
import dev.reliant.data.Augmentation;
import dev.reliant.data.Dataset;
import dev.reliant.data.Datasets;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.simd.Parallel;
import dev.reliant.train.DiagonalHessian;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code reliant swim}: accuracy under RRAM variation with SWIM's selective write-verify (specs/cim-swim.md part A). */
@Command(
        name = "swim",
        usageHelpAutoWidth = true,
        sortOptions = false,
        description = {
            "Simulates a model's convolution and linear weights programmed into RRAM",
            "crossbars (8 bits per weight, one bit per device, each device with Gaussian",
            "variation dev_var, or write_var once write-verified) and measures top-1",
            "accuracy by Monte Carlo: each of --noise-epochs instances draws one noise for",
            "the whole network and classifies the whole test set. Reports the mean and",
            "the population standard deviation of the accuracy for",
            "",
            "  no_verify    every weight with dev_var",
            "  full_verify  every weight write-verified (write_var)",
            "  selective    the weights chosen by --method at --mask-p, one global",
            "               threshold over all layers:",
            "                 swim       alpha*|S| + |Wn| with S = H + 2G, the OBD second",
            "                            derivative plus twice the gradient, summed over the",
            "                            training set in normalised weight space",
            "                 second     |S|",
            "                 magnitude  |W| / max|W| of the layer",
            "                 random     a random choice of the same size",
            "",
            "Lists of methods and of mask_p values (comma-separated) make a sweep: one CSV",
            "row per scenario, method and mask_p, and a PNG plot of accuracy (mean +- std)",
            "versus mask_p per method. S comes from --hessian (a file of `reliant hessian",
            "--method obd --normalized`) or is computed on the training split first.",
            "Rows are written as they finish; --resume skips rows already in --out.",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success",
            "1:unknown model or data set, missing or invalid file, weights or data that do not fit the model",
            "2:invalid command line"})
public final class SwimCommand implements Callable<Integer> {

    @Mixin
    private ModelDataOptions md;

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

    @Option(names = "--dev-var", paramLabel = "SIGMA", defaultValue = "0.3",
            description = "Device variation of a programmed, unverified device, in units of its range "
                    + "(default: ${DEFAULT-VALUE}).")
    private double devVar;

    @Option(names = "--write-var", paramLabel = "SIGMA", defaultValue = "0.03",
            description = "Residual variation of a write-verified device (default: ${DEFAULT-VALUE}).")
    private double writeVar;

    @Option(names = "--method", paramLabel = "LIST", defaultValue = "swim",
            description = "swim, second, magnitude, random, or a comma-separated list (default: ${DEFAULT-VALUE}).")
    private String methods;

    @Option(names = "--mask-p", paramLabel = "LIST", defaultValue = "0.01",
            description = "Fraction of weights write-verified, in [0, 1], or a comma-separated list "
                    + "(default: ${DEFAULT-VALUE}).")
    private String maskPs;

    @Option(names = "--noise-epochs", paramLabel = "N", defaultValue = "100",
            description = "Monte-Carlo noise instances per row (default: ${DEFAULT-VALUE}).")
    private int noiseEpochs;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the noise, the random selection and the augmentation (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--no-baselines", description = "Skip the no_verify and full_verify rows.")
    private boolean noBaselines;

    @Option(names = "--noise", paramLabel = "MODEL", defaultValue = "swim",
            description = "swim: every device simulated (8 slices per weight); swim-collapsed: one Gaussian per "
                    + "weight of the same distribution, faster (default: ${DEFAULT-VALUE}).")
    private String noise;

    @Option(names = "--stuck-low", paramLabel = "RATE", defaultValue = "0",
            description = "Share of devices stuck at the lowest conductance (default: ${DEFAULT-VALUE}).")
    private double stuckLow;

    @Option(names = "--stuck-high", paramLabel = "RATE", defaultValue = "0",
            description = "Share of devices stuck at the highest conductance (default: ${DEFAULT-VALUE}).")
    private double stuckHigh;

    @Option(names = "--read-noise", paramLabel = "SIGMA", defaultValue = "0",
            description = "Read noise per device, redrawn for every batch (default: ${DEFAULT-VALUE}).")
    private double readNoise;

    @Option(names = "--hessian", paramLabel = "FILE",
            description = "S = H + 2G from a `reliant hessian --method obd --normalized` file instead of computing it.")
    private Path hessian;

    @Option(names = "--train-split", paramLabel = "SPLIT", defaultValue = "train",
            description = "Split S is computed on (default: ${DEFAULT-VALUE}).")
    private String trainSplit;

    @Option(names = "--train-limit", paramLabel = "N", description = "Compute S on the first N training images only.")
    private Integer trainLimit;

    @Option(names = "--augment", paramLabel = "SPEC", defaultValue = "none",
            description = "Training augmentation while computing S: none, or crop:PAD[,flip] (default: ${DEFAULT-VALUE}).")
    private String augment;

    @Option(names = "--convention", paramLabel = "NAME", defaultValue = "correct",
            description = "Second-derivative rules: correct or swim-reference (default: ${DEFAULT-VALUE}).")
    private String convention;

    @Option(names = "--mask", paramLabel = "FILE",
            description = "Also evaluate this saved write-verify mask (row scenario 'mask').")
    private Path maskFile;

    @Option(names = "--save-mask", paramLabel = "FILE",
            description = "Save the selective mask (one method and one mask_p only) as safetensors, one uint8 per weight.")
    private Path saveMask;

    @Option(names = "--instances-out", paramLabel = "FILE.csv",
            description = "Also write every instance's accuracy (one row per instance).")
    private Path instancesOut;

    @Option(names = "--plot", paramLabel = "FILE.png",
            description = "The sweep plot (default: OUT with .png, when more than one mask_p is given).")
    private Path plot;

    @Option(names = "--resume", description = "Keep the rows already in --out that match these settings and run the rest.")
    private boolean resume;

    @Option(names = "--force", description = "Overwrite --out if it exists.")
    private boolean force;

    @Mixin
    private ModelShapeOptions shape;

    @Mixin
    private AdcOptions adc;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE.csv", description = "Where to write the rows.")
    private Path out;

    @Override
    public Integer call() {
        List<WriteVerifySelection.Method> methodList = parseMethods();
        List<Double> maskPList = parseMaskPs();
        DiagonalHessian.Convention conv = parse(() -> DiagonalHessian.Convention.parse(convention), "--convention");
        validate(methodList, maskPList);
        NoiseModel noiseModel = noiseModel();
        adc.spec();
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path plotFile = plot != null ? plot : maskPList.size() > 1 ? sibling(out, ".png") : null;

        Map<String, String> meta = ModelLoader.metadata(md.weights);
        Normalization normalization = Normalization.parse(ModelLoader.norm(md.norm, meta, md.weights));
        var options = shape.modelOptions(meta, md.weights);
        Supplier<Graph> models = () -> ModelLoader.load(md.model, options, md.weights);
        Graph graph = models.get();
        String ds = Datasets.canonicalName(md.dataset);
        Dataset test = Datasets.open(ds, md.data, split);
        if (limit != null) {
            test = test.subset(limit);
        }
        shape.requireFits(graph, md.model, test, normalization);
        WriteVerifyMask given = maskFile == null ? null : WriteVerifyMask.load(maskFile);

        SwimResults results = SwimResults.open(out, settingsKey(noiseModel), resume, force);
        stdout.printf(Locale.ROOT, "swim      %s on %s %s (%d images, norm %s), noise %s, %d instances, seed %d%n",
                md.model, ds, split, test.size(), normalization.name(), noiseModel.describe(), noiseEpochs, seed);
        stdout.printf("runtime   JDK %s, %d thread%s%n", System.getProperty("java.version"), Parallel.threads(),
                Parallel.threads() == 1 ? "" : "s");
        stdout.flush();
        MonteCarloEvaluator mc = new MonteCarloEvaluator(adc.apply(models, test, normalization), test, normalization,
                batch, Executor.Options.fast());
        if (given != null) {
            requireMask(given, mc.shapes(), maskFile);
        }
        Map<String, int[]> shapes = mc.shapes();
        double clean = (double) mc.cleanCorrect() / test.size();
        stdout.printf(Locale.ROOT, "clean     %.2f %% (no device noise%s)%n", 100 * clean, adc.spec() == null ? "" : ", ADC " + adc.label());

        Map<String, float[]> sensitivity = null;
        if (methodList.stream().anyMatch(WriteVerifySelection.Method::needsSensitivity)
                && !results.allDone(methodList, maskPList)) {
            sensitivity = sensitivity(graph, ds, normalization, conv, shapes, stdout, err);
        }

        List<Row> plan = new ArrayList<>();
        if (!noBaselines) {
            plan.add(new Row("no_verify", "none", 0.0, WriteVerifyMask.uniform(shapes, false)));
            plan.add(new Row("full_verify", "all", 1.0, WriteVerifyMask.uniform(shapes, true)));
        }
        if (given != null) {
            plan.add(new Row("mask", maskFile.getFileName().toString(), given.verifiedFraction(), given));
        }
        for (WriteVerifySelection.Method m : methodList) {
            for (double p : maskPList) {
                plan.add(new Row("selective", m.label(), p, null));
            }
        }
        InstanceLog instances = instancesOut == null ? null : new InstanceLog(instancesOut);
        int total = 0;
        for (Row r : plan) {
            if (!results.done(r.scenario, r.method, r.maskP)) {
                total++;
            }
        }
        ProgressBar bar = ProgressBar.onStderr("swim", (long) total * noiseEpochs, "instances", err);
        int finished = 0;
        for (Row r : plan) {
            if (results.done(r.scenario, r.method, r.maskP)) {
                continue;
            }
            WriteVerifyMask mask = r.mask;
            if (mask == null) {
                WriteVerifySelection.Method m = WriteVerifySelection.Method.parse(r.method);
                Map<String, double[]> scores = WriteVerifySelection.scores(m, mc.cleanWeights(), sensitivity,
                        new SplittableRandom(seed ^ 0x5DEECE66DL));
                mask = WriteVerifySelection.select(scores, shapes, r.maskP);
                if (saveMask != null) {
                    mask.save(saveMask, Map.of("method", m.label(), "mask_p", Double.toString(r.maskP),
                            "model", md.model, "weights", md.weights.getFileName().toString()));
                }
            }
            long base = (long) finished * noiseEpochs;
            MonteCarloEvaluator.Result res = mc.run(noiseModel, mask, noiseEpochs, seed,
                    (done, all) -> bar.update(base + done, r.scenario + " " + r.method + " " + r.maskP));
            finished++;
            results.add(r.scenario, r.method, r.maskP, mask, res, clean);
            if (instances != null) {
                instances.add(r.scenario, r.method, r.maskP, res);
            }
        }
        bar.finish();
        results.print(stdout);
        if (plotFile != null) {
            results.plot(plotFile, devVar, writeVar, md.model);
            stdout.printf("plot      %s%n", plotFile);
        }
        stdout.printf("wrote     %s (%d rows)%n", out, results.size());
        return 0;
    }

    private Map<String, float[]> sensitivity(Graph graph, String ds, Normalization normalization,
                                             DiagonalHessian.Convention conv, Map<String, int[]> shapes,
                                             PrintWriter stdout, PrintWriter err) {
        if (hessian != null) {
            stdout.printf("S         from %s%n", hessian);
            return SwimSensitivity.read(hessian, shapes);
        }
        Dataset train = Datasets.open(ds, md.data, trainSplit);
        if (trainLimit != null) {
            train = train.subset(trainLimit);
        }
        Augmentation aug = TrainCommand.parseAugment(augment, train.height());
        int batches = (train.size() + batch - 1) / batch;
        ProgressBar bar = ProgressBar.onStderr("sensitivity", batches, "batches", err);
        long t0 = System.nanoTime();
        Map<String, float[]> s = SwimSensitivity.compute(graph, train, normalization, aug, seed, conv, batch,
                (done, all, n) -> bar.update(done, n + " images"));
        bar.finish();
        stdout.printf(Locale.ROOT, "S         H + 2G over %d %s images (%s rules, augment %s) in %.1f s%n", train.size(),
                trainSplit, conv.label(), augment, (System.nanoTime() - t0) / 1e9);
        return s;
    }

    private NoiseModel noiseModel() {
        try {
            String n = noise.strip().toLowerCase(Locale.ROOT);
            boolean extras = stuckLow > 0 || stuckHigh > 0 || readNoise > 0;
            switch (n) {
                case "swim-collapsed":
                    if (extras) {
                        throw new ParameterException(spec.commandLine(),
                                "--stuck-low, --stuck-high and --read-noise need --noise swim (every device simulated)");
                    }
                    return SwimNoise.collapsed(devVar, writeVar);
                case "swim":
                    if (!extras) {
                        return SwimNoise.of(devVar, writeVar);
                    }
                    List<DeviceModel> devices = new ArrayList<>();
                    devices.add(new GaussianDevice(devVar, writeVar));
                    if (stuckLow > 0 || stuckHigh > 0) {
                        devices.add(new StuckDevices(stuckLow, stuckHigh));
                    }
                    if (readNoise > 0) {
                        devices.add(new ReadNoise(readNoise));
                    }
                    return new CrossbarNoise(CrossbarMapping.swim(), devices);
                default:
                    throw new ParameterException(spec.commandLine(), "--noise must be swim or swim-collapsed, got '"
                            + noise + "'");
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The settings a resumed file must share with this run. */
    private Map<String, String> settingsKey(NoiseModel noiseModel) {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("model", md.model);
        k.put("weights_file", md.weights.getFileName().toString());
        k.put("dataset", Datasets.canonicalName(md.dataset));
        k.put("split", split);
        k.put("images", limit == null ? "all" : Integer.toString(limit));
        k.put("dev_var", Double.toString(devVar));
        k.put("write_var", Double.toString(writeVar));
        k.put("noise_epochs", Integer.toString(noiseEpochs));
        k.put("seed", Long.toString(seed));
        k.put("noise", noiseModel.describe());
        k.put("convention", convention);
        k.put("adc", adc.label());
        return k;
    }

    private static void requireMask(WriteVerifyMask mask, Map<String, int[]> shapes, Path file) {
        try {
            mask.requireMatches(shapes, file.toString());
        } catch (IllegalArgumentException e) {
            throw new UserException("--mask: " + e.getMessage());
        }
    }

    private List<WriteVerifySelection.Method> parseMethods() {
        List<WriteVerifySelection.Method> list = new ArrayList<>();
        for (String s : methods.split(",")) {
            WriteVerifySelection.Method m = parse(() -> WriteVerifySelection.Method.parse(s), "--method");
            if (!list.contains(m)) {
                list.add(m);
            }
        }
        return list;
    }

    private List<Double> parseMaskPs() {
        List<Double> list = new ArrayList<>();
        for (String s : maskPs.split(",")) {
            double p;
            try {
                p = Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "--mask-p: '" + s + "' is not a number");
            }
            if (!(p >= 0 && p <= 1)) {
                throw new ParameterException(spec.commandLine(), "--mask-p must be in [0, 1], got " + s.strip());
            }
            if (!list.contains(p)) {
                list.add(p);
            }
        }
        list.sort(null);
        return list;
    }

    private void validate(List<WriteVerifySelection.Method> methodList, List<Double> maskPList) {
        if (batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
        }
        if (limit != null && limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, got " + limit);
        }
        if (trainLimit != null && trainLimit < 1) {
            throw new ParameterException(spec.commandLine(), "--train-limit must be at least 1, got " + trainLimit);
        }
        if (noiseEpochs < 1) {
            throw new ParameterException(spec.commandLine(), "--noise-epochs must be at least 1, got " + noiseEpochs);
        }
        if (!(devVar >= 0) || Double.isInfinite(devVar)) {
            throw new ParameterException(spec.commandLine(), "--dev-var must be a finite number >= 0, got " + devVar);
        }
        if (!(writeVar >= 0) || Double.isInfinite(writeVar)) {
            throw new ParameterException(spec.commandLine(), "--write-var must be a finite number >= 0, got " + writeVar);
        }
        if (saveMask != null && (methodList.size() != 1 || maskPList.size() != 1)) {
            throw new ParameterException(spec.commandLine(), "--save-mask needs exactly one --method and one --mask-p");
        }
        if (resume && force) {
            throw new ParameterException(spec.commandLine(), "--resume and --force exclude each other");
        }
        shape.validate();
        for (Path p : new Path[] {out, plot, saveMask, instancesOut}) {
            if (p != null) {
                Path dir = p.toAbsolutePath().getParent();
                if (dir != null && !Files.isDirectory(dir)) {
                    throw new UserException(p + ": directory not found: " + dir);
                }
            }
        }
    }

    private <T> T parse(Supplier<T> parser, String option) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    static Path sibling(Path file, String extension) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return file.resolveSibling(stem + extension);
    }

    /** One planned row: a scenario with a fixed mask, or a selection still to make. */
    private record Row(String scenario, String method, double maskP, WriteVerifyMask mask) {}
}
