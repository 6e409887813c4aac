package dev.reliant.cli;

import dev.reliant.cim.QuantizedTraining;
import dev.reliant.cim.QuantizedWeights;
import dev.reliant.cim.RramTraining;
import dev.reliant.data.Augmentation;
import dev.reliant.data.Dataset;
import dev.reliant.data.Datasets;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Graph;
import dev.reliant.io.SafeTensors;
import dev.reliant.models.ModelOptions;
import dev.reliant.models.ModelZoo;
import dev.reliant.ops.Parameter;
import dev.reliant.simd.Parallel;
import dev.reliant.simd.Simd;
import dev.reliant.train.Adam;
import dev.reliant.train.AdamW;
import dev.reliant.train.Backprop;
import dev.reliant.train.Checkpoint;
import dev.reliant.train.Initializer;
import dev.reliant.train.LearningRateSchedule;
import dev.reliant.train.Optimizer;
import dev.reliant.train.Schedules;
import dev.reliant.train.Sgd;
import dev.reliant.train.Trainer;
import dev.reliant.train.TrainingLog;
import dev.reliant.train.WeightPerturbation;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code reliant train}: trains a zoo model on a data set and writes its weights. */
@Command(
        name = "train",
        usageHelpAutoWidth = true,
        sortOptions = false,
        description = {
            "Trains a model of the zoo from a seeded initialisation: shuffled batches with",
            "optional random-crop/flip augmentation, softmax cross-entropy (optional label",
            "smoothing), SGD/Adam/AdamW with a learning-rate schedule, a test evaluation after",
            "every epoch.",
            "",
            "Writes OUT (the weights, .safetensors, with model/dataset/accuracy/seed in its",
            "metadata), OUT's checkpoint (OUT with .ckpt.safetensors, after every epoch) and a",
            "CSV log per epoch (OUT with -log.csv). An interrupted run continues with --resume",
            "and then computes exactly what the uninterrupted run computes. The same command",
            "and seed give the same weights, bit for bit, for a given thread count and JDK.",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success",
            "1:unknown model or data set, missing files, a diverged run (NaN/Inf loss)",
            "2:invalid command line"})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "NAME",
            description = "The architecture (e.g. lenet, resnet20; `reliant eval --help` lists them).")
    private String model;

    @Option(names = "--dataset", required = true, paramLabel = "NAME",
            description = "mnist, fashion-mnist, cifar10, cifar100, gtsrb or imagefolder.")
    private String dataset;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The data set's directory.")
    private Path data;

    @Option(names = "--train-split", paramLabel = "SPLIT", defaultValue = "train",
            description = "Split to train on (default: ${DEFAULT-VALUE}).")
    private String trainSplit;

    @Option(names = "--test-split", paramLabel = "SPLIT", defaultValue = "test",
            description = "Split evaluated after every epoch (default: ${DEFAULT-VALUE}).")
    private String testSplit;

    @Option(names = "--limit", paramLabel = "N", description = "Train on the first N training images only.")
    private Integer limit;

    @Option(names = "--test-limit", paramLabel = "N", description = "Evaluate on the first N test images only.")
    private Integer testLimit;

    @Option(names = "--norm", paramLabel = "NORM",
            description = "Input normalisation: cifar, cifar100, imagenet, gtsrb, mnist, none or MEANS/STDS "
                    + "(default: cifar for cifar10, cifar100 for cifar100, gtsrb for gtsrb, none otherwise).")
    private String norm;

    @Option(names = "--classes", paramLabel = "K", description = "Output classes (default: the data set's).")
    private Integer classes;

    @Option(names = "--input-size", paramLabel = "S", description = "Input height and width (default: the data set's).")
    private Integer inputSize;

    @Option(names = "--epochs", required = true, paramLabel = "E", description = "Epochs to train.")
    private int epochs;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "128",
            description = "Images per step (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--opt", paramLabel = "NAME", defaultValue = "sgd",
            description = "sgd, adam or adamw (default: ${DEFAULT-VALUE}).")
    private String opt;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "0.1",
            description = "Base (for onecycle: peak) learning rate (default: ${DEFAULT-VALUE}).")
    private double lr;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9",
            description = "SGD momentum or Adam beta1 (default: ${DEFAULT-VALUE}).")
    private double momentum;

    @Option(names = "--nesterov", description = "Nesterov momentum (SGD).")
    private boolean nesterov;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0",
            description = "Weight decay (SGD/Adam: L2 added to the gradient; AdamW: decoupled) (default: ${DEFAULT-VALUE}).")
    private double weightDecay;

    @Option(names = "--no-decay-bn-bias", description = "Exempt biases and batch-norm parameters from weight decay.")
    private boolean noDecayBnBias;

    @Option(names = "--schedule", paramLabel = "SPEC", defaultValue = "constant",
            description = "Learning-rate schedule: " + Schedules.FORMS + " (default: ${DEFAULT-VALUE}).")
    private String schedule;

    @Option(names = "--label-smoothing", paramLabel = "EPS", defaultValue = "0",
            description = "Label smoothing of the cross-entropy (default: ${DEFAULT-VALUE}).")
    private double labelSmoothing;

    @Option(names = "--augment", paramLabel = "SPEC", defaultValue = "none",
            description = "Training augmentation: none, or crop:PAD[,flip] (random crop to the image size after "
                    + "zero-padding PAD pixels, horizontal flip with probability 0.5), e.g. crop:4,flip "
                    + "(default: ${DEFAULT-VALUE}).")
    private String augment;

    @Option(names = "--init", paramLabel = "SCHEME", defaultValue = "pytorch",
            description = "Initialisation: pytorch (PyTorch's defaults) or kaiming-normal (default: ${DEFAULT-VALUE}).")
    private String init;

    @Option(names = "--train-noise", paramLabel = "SIGMA", defaultValue = "0",
            description = "Variation-aware training: Gaussian weight noise N(0, (0.57735*SIGMA*max|W|)^2) per conv/linear "
                    + "weight, redrawn every step (SWIM's train_var) (default: ${DEFAULT-VALUE}).")
    private double trainNoise;

    @Option(names = "--weight-noise", paramLabel = "SPEC",
            description = "Weight perturbation of every training forward instead of --train-noise: swim:SIGMA (as "
                    + "--train-noise), rram:bits=B,var_scale=V (conv weights only: B-bit levels of spec B.1, then "
                    + "log-normal variation with sigma = dev_param(B)*V, V = 0 for a quantized baseline) or "
                    + "rram:ternary,sigma=S (ternary conv weights of B.5 with log-normal sigma S).")
    private String weightNoise;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of initialisation, order, augmentation, dropout and noise (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE.safetensors",
            description = "Where to write the trained weights.")
    private Path out;

    @Option(names = "--resume", description = "Continue from OUT's checkpoint (same options required).")
    private boolean resume;

    @Override
    public Integer call() {
        validate();
        WeightPerturbation noise = weightNoise == null ? null : parseWeightNoise(weightNoise);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String ds = Datasets.canonicalName(dataset);
        Normalization normalization = Normalization.parse(norm != null ? norm : defaultNorm(ds));
        Dataset train = Datasets.open(ds, data, trainSplit);
        Dataset test = Datasets.open(ds, data, testSplit);
        if (limit != null) {
            train = train.subset(limit);
        }
        if (testLimit != null) {
            test = test.subset(testLimit);
        }
        normalization.checkChannels(train.channels());
        int k = classes != null ? classes : Math.max(train.numClasses(), max(train.labels()) + 1);
        ModelOptions options = ModelOptions.defaults().classes(k).inputChannels(train.channels())
                .inputSize(inputSize != null ? inputSize : train.height());
        Graph graph = ModelZoo.entry(model).build(options);
        if (!Arrays.equals(graph.inputShape(), train.imageShape())) {
            throw new UserException("model '" + model + "' takes images " + InfoCommand.shapeString(graph.inputShape())
                    + " but " + train.name() + " has " + InfoCommand.shapeString(train.imageShape()));
        }
        Augmentation augmentation = parseAugment(augment, train.height());

        Path checkpoint = sibling(out, ".ckpt.safetensors");
        Path logFile = sibling(out, "-log.csv");
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new UserException("--out: directory not found: " + dir);
        }
        Initializer.initialize(graph, Initializer.Scheme.parse(init), seed);
        Backprop backprop = new Backprop(graph);
        Optimizer optimizer = optimizer(backprop);
        int steps = (train.size() + batch - 1) / batch;
        LearningRateSchedule sched = Schedules.parse(schedule, lr, epochs, steps);
        Trainer.Settings settings = new Trainer.Settings(epochs, batch, seed, normalization, augmentation,
                labelSmoothing, 256);
        Trainer trainer = new Trainer(backprop, optimizer, sched, settings);
        WeightPerturbation hook = trainNoise > 0 ? WeightPerturbation.swimGaussian(trainNoise) : noise;
        int quantBits = QuantizedWeights.outputBits(graph);
        if (quantBits > 0) {
            // a quantized model trains on q_N of its weights and biases (straight-through), noise on top
            hook = new QuantizedTraining(graph, quantBits, hook);
        }
        if (hook != null) {
            trainer.perturbation(hook);
        }
        String signature = signature(ds, normalization, k);
        int startEpoch = 0;
        double best = Double.NaN;
        TrainingLog log;
        if (resume) {
            if (!Files.isRegularFile(checkpoint)) {
                throw new UserException("--resume: no checkpoint " + checkpoint);
            }
            Checkpoint ck = Checkpoint.read(checkpoint);
            if (!ck.progress().options().equals(signature)) {
                throw new UserException("--resume: checkpoint " + checkpoint + " was made with other options ("
                        + ck.progress().options() + "); run the same command with --resume");
            }
            ck.restore(graph, optimizer);
            startEpoch = ck.progress().epochsCompleted();
            best = ck.progress().bestAccuracy();
            trainer.setGlobalStep(ck.progress().globalStep());
            log = TrainingLog.resume(logFile, List.of(), startEpoch);
            stdout.printf("resuming %s after epoch %d of %d%n", checkpoint, startEpoch, epochs);
        } else {
            log = TrainingLog.create(logFile, List.of());
        }
        stdout.printf(Locale.ROOT, "train     %s on %s (%d train / %d test images, %d classes, norm %s), seed %d%n",
                model, ds, train.size(), test.size(), k, normalization.name(), seed);
        stdout.printf(Locale.ROOT, "optimizer %s lr %s, schedule %s, batch %d, %d epochs (%d steps each)%n",
                optimizer.name(), lr, schedule, batch, epochs, steps);
        stdout.printf("runtime   JDK %s, %d thread%s, kernels %s%n", System.getProperty("java.version"),
                Parallel.threads(), Parallel.threads() == 1 ? "" : "s", Simd.implementation());
        stdout.flush();
        trainer.listener(new BarListener(err, epochs));
        long t0 = System.nanoTime();
        Trainer.Outcome outcome;
        try (log) {
            outcome = trainer.run(train, test, startEpoch, best,
                    new Trainer.Files(checkpoint, log, model, signature));
        } catch (Trainer.DivergedException e) {
            throw new UserException(e.getMessage() + " (" + checkpoint + ")", e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Trainer.Evaluation t = outcome.test();
        writeWeights(graph, ds, normalization, k, t);
        stdout.printf(Locale.ROOT, "test      %.2f %% (%d/%d), loss %.4f%n", t.accuracy(), t.correct(), t.images(),
                t.loss());
        stdout.printf(Locale.ROOT, "time      %.1f s for %d epoch%s%n", seconds, epochs - startEpoch,
                epochs - startEpoch == 1 ? "" : "s");
        stdout.printf("wrote     %s, %s, %s%n", out, checkpoint, logFile);
        return 0;
    }

    /** The options that must not change on --resume. */
    private String signature(String ds, Normalization normalization, int k) {
        return String.join(" ", "model=" + model, "dataset=" + ds, "limit=" + limit, "norm=" + normalization.name(),
                "classes=" + k, "epochs=" + epochs, "batch=" + batch, "opt=" + opt, "lr=" + lr, "momentum=" + momentum,
                "nesterov=" + nesterov, "wd=" + weightDecay, "nodecay=" + noDecayBnBias, "schedule=" + schedule,
                "smoothing=" + labelSmoothing, "augment=" + augment, "init=" + init, "noise=" + trainNoise,
                "seed=" + seed) + (weightNoise == null ? "" : " weight_noise=" + weightNoise.strip());
    }

    /** {@code swim:SIGMA}, {@code rram:bits=B,var_scale=V} or {@code rram:ternary,sigma=S}. */
    static WeightPerturbation parseWeightNoise(String spec) {
        String s = spec.strip().toLowerCase(Locale.ROOT);
        String usage = " (expected swim:SIGMA, rram:bits=B,var_scale=V or rram:ternary,sigma=S)";
        try {
            if (s.startsWith("swim:")) {
                return WeightPerturbation.swimGaussian(Double.parseDouble(s.substring(5)));
            }
            if (s.startsWith("rram:")) {
                Map<String, String> kv = new LinkedHashMap<>();
                for (String part : s.substring(5).split(",")) {
                    int eq = part.indexOf('=');
                    kv.put(eq < 0 ? part.strip() : part.substring(0, eq).strip(), eq < 0 ? "" : part.substring(eq + 1).strip());
                }
                if (kv.containsKey("ternary") && kv.size() == 2 && kv.containsKey("sigma")) {
                    return RramTraining.ternary(Double.parseDouble(kv.get("sigma")));
                }
                if (kv.size() == 2 && kv.containsKey("bits") && kv.containsKey("var_scale")) {
                    return new RramTraining(Integer.parseInt(kv.get("bits")), Double.parseDouble(kv.get("var_scale")));
                }
            }
        } catch (NumberFormatException e) {
            throw new UserException("--weight-noise: not a number in '" + spec + "'" + usage);
        } catch (IllegalArgumentException e) {
            throw new UserException("--weight-noise '" + spec + "': " + e.getMessage());
        }
        throw new UserException("--weight-noise: cannot read '" + spec + "'" + usage);
    }

    private void writeWeights(Graph graph, String ds, Normalization normalization, int k, Trainer.Evaluation t) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("model", model);
        meta.put("dataset", ds);
        meta.put("norm", normalization.name());
        meta.put("classes", Integer.toString(k));
        meta.put("input_channels", Integer.toString(graph.inputShape()[0]));
        meta.put("input_size", Integer.toString(graph.inputShape()[1]));
        meta.put("test_correct", Integer.toString(t.correct()));
        meta.put("test_images", Integer.toString(t.images()));
        meta.put("accuracy", String.format(Locale.ROOT, "%.2f", t.accuracy()));
        meta.put("seed", Long.toString(seed));
        meta.put("epochs", Integer.toString(epochs));
        meta.put("training", signature(ds, normalization, k));
        if (weightNoise != null) {
            meta.put("weight_noise", weightNoise.strip());
        }
        SafeTensors.writeFloats(out, graph.parameters(), meta);
    }

    private Optimizer optimizer(Backprop bp) {
        List<Parameter> ps = bp.parameters();
        List<float[]> gs = bp.gradients();
        Predicate<Parameter> decayed = noDecayBnBias ? p -> p.rank() >= 2 : p -> true;
        return switch (opt.toLowerCase(Locale.ROOT)) {
            case "sgd" -> new Sgd(ps, gs).momentum(momentum).nesterov(nesterov).weightDecay(weightDecay)
                    .decayOnly(decayed);
            case "adam" -> new Adam(ps, gs).betas(momentum, 0.999).weightDecay(weightDecay)
                    .decayOnly(decayed);
            case "adamw" -> {
                AdamW a = new AdamW(ps, gs);
                a.betas(momentum, 0.999).weightDecay(weightDecay).decayOnly(decayed);
                yield a;
            }
            default -> throw new ParameterException(spec.commandLine(), "--opt must be sgd, adam or adamw, got '"
                    + opt + "'");
        };
    }

    static String defaultNorm(String ds) {
        return switch (ds) {
            case "cifar10" -> "cifar";
            case "cifar100" -> "cifar100";
            case "gtsrb" -> "gtsrb";
            default -> "none";
        };
    }

    /** none, or crop:PAD[,flip] / flip. */
    static Augmentation parseAugment(String s, int size) {
        String spec = s.strip().toLowerCase(Locale.ROOT);
        if (spec.equals("none")) {
            return null;
        }
        int pad = 0;
        double flip = 0;
        for (String part : spec.split(",")) {
            if (part.equals("flip")) {
                flip = 0.5;
            } else if (part.startsWith("crop:")) {
                try {
                    pad = Integer.parseInt(part.substring(5));
                } catch (NumberFormatException e) {
                    pad = -1;
                }
                if (pad < 0) {
                    throw new UserException("--augment: crop padding must be a whole number ≥ 0 in '" + s + "'");
                }
            } else {
                throw new UserException("--augment: unknown part '" + part + "' in '" + s
                        + "' (expected none, crop:PAD, flip)");
            }
        }
        return new Augmentation(size, pad, flip);
    }

    private static Path sibling(Path file, String suffix) {
        String name = file.getFileName().toString();
        String base = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return file.resolveSibling(base + suffix);
    }

    private static int max(int[] a) {
        int m = -1;
        for (int v : a) {
            m = Math.max(m, v);
        }
        return m;
    }

    private void validate() {
        if (epochs < 1) {
            throw new ParameterException(spec.commandLine(), "--epochs must be at least 1, got " + epochs);
        }
        if (batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new ParameterException(spec.commandLine(), "--lr must be a positive number, got " + lr);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new ParameterException(spec.commandLine(), "--label-smoothing must be in [0, 1), got " + labelSmoothing);
        }
        if (!(trainNoise >= 0) || Double.isInfinite(trainNoise)) {
            throw new ParameterException(spec.commandLine(), "--train-noise must be ≥ 0, got " + trainNoise);
        }
        if (weightNoise != null && trainNoise > 0) {
            throw new ParameterException(spec.commandLine(), "--weight-noise and --train-noise exclude each other");
        }
        if (limit != null && limit < 1 || testLimit != null && testLimit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit and --test-limit must be at least 1");
        }
    }

    /** A progress bar per epoch on stderr: images, loss and accuracy so far, time left. */
    private static final class BarListener implements Trainer.Listener {
        private final PrintWriter err;
        private final int epochs;
        private ProgressBar bar;
        private double lossSum;
        private long correct;
        private long images;

        BarListener(PrintWriter err, int epochs) {
            this.err = err;
            this.epochs = epochs;
        }

        @Override
        public void epochStarted(int epoch, int steps) {
            bar = ProgressBar.onStderr("epoch " + (epoch + 1) + "/" + epochs, steps, "steps", err);
            lossSum = 0;
            correct = 0;
            images = 0;
        }

        @Override
        public void stepDone(int epoch, int step, int steps, double loss, int c, int n) {
            lossSum += loss * n;
            correct += c;
            images += n;
            bar.update(step + 1, String.format(Locale.ROOT, "loss %.4f acc %.2f%%", lossSum / images,
                    100.0 * correct / images));
        }

        @Override
        public void evaluating(int epoch) {
            bar.finish();
        }
    }
}
