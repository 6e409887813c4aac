package dev.reliant.cli;

import dev.reliant.cim.GroupLasso;
import dev.reliant.cim.SramPath;
import dev.reliant.cim.SramTraining;
import dev.reliant.data.Dataset;
import dev.reliant.data.Datasets;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Graph;
import dev.reliant.io.SafeTensors;
import dev.reliant.ops.Parameter;
import dev.reliant.tensor.Tensor;
import dev.reliant.train.Adam;
import dev.reliant.train.Backprop;
import dev.reliant.train.Optimizer;
import dev.reliant.train.Schedules;
import dev.reliant.train.Sgd;
import dev.reliant.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

/** {@code reliant sram}: fine-tunes the SRAM recovery path of a variation-aware-trained RRAM model. */
@Command(
        name = "sram",
        usageHelpAutoWidth = true,
        sortOptions = false,
        description = {
            "Fine-tunes SRAM recovery weights (spec cim-swim B.3, B.4) on top of an RRAM",
            "model, typically one from 'reliant train --weight-noise",
            "rram:bits=B,var_scale=V'.",
            "Every conv keeps its float weight W_R frozen (used as Q_B(W_R) with log-normal",
            "variation redrawn every batch) and gets a trainable SRAM weight W_S; the conv",
            "uses (W_R' + 2^K * Q_s(W_S)) / 2, Q_s with S bits when K != 0, else B bits.",
            "W_S and every non-conv parameter train. With --prune the SRAM weights of every",
            "conv but the first are masked (|W_S| > TH * max|W_S|) and group-lasso penalised.",
            "",
            "Writes OUT: the whole state_dict, W_R under each conv weight's name and W_S",
            "under NAME_sram, with quant_bits, var_scale, sram_bit, shift_bit (and",
            "sram_prune_threshold with --prune) in the metadata. The test accuracy after",
            "every epoch is measured with fresh RRAM variation per test batch.",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success",
            "1:unknown model or data set, missing or unfitting files, a diverged run (NaN/Inf loss)",
            "2:invalid command line"})
public final class SramCommand implements Callable<Integer> {

    @Mixin
    private ModelDataOptions md;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

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

    @Option(names = "--quant-bits", required = true, paramLabel = "B",
            description = "Bits of the RRAM conv weights: 1, 2, 3, 4 or 8.")
    private int quantBits;

    @Option(names = "--var-scale", paramLabel = "V", defaultValue = "1",
            description = "Log-normal variation sigma = dev_param(B) * V (default: ${DEFAULT-VALUE}).")
    private double varScale;

    @Option(names = "--sram-bit", paramLabel = "S", defaultValue = "1",
            description = "Bits of the SRAM weights when --shift-bit is not 0 (default: ${DEFAULT-VALUE}).")
    private int sramBit;

    @Option(names = "--shift-bit", paramLabel = "K", defaultValue = "0",
            description = "The SRAM term's scale 2^K, e.g. -3 for 0.125; 0: no shift, SRAM weights with B bits "
                    + "(default: ${DEFAULT-VALUE}).")
    private int shiftBit;

    @Option(names = "--sram-init", paramLabel = "INIT", defaultValue = "copy",
            description = "copy (W_S = W_R) or zeros (then the sum is not halved) (default: ${DEFAULT-VALUE}).")
    private String sramInit;

    @Option(names = "--prune", description = "Prune the SRAM weights of every conv but the first (mask and group lasso).")
    private boolean prune;

    @Option(names = "--lambda", paramLabel = "L",
            description = "Group-lasso weight with --prune (default: " + GroupLasso.DEFAULT_LAMBDA + "; 0: mask only).")
    private Double lambda;

    @Option(names = "--ratio", paramLabel = "R",
            description = "Group-lasso cap as a multiple of the mean group norm (default: " + GroupLasso.DEFAULT_RATIO
                    + ").")
    private Double ratio;

    @Option(names = "--prune-threshold", paramLabel = "TH",
            description = "Keep SRAM weights with |W_S| > TH * max|W_S| of the layer (default: 0.005).")
    private Double pruneThreshold;

    @Option(names = "--epochs", required = true, paramLabel = "E", description = "Epochs to fine-tune.")
    private int epochs;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "128",
            description = "Images per step (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--opt", paramLabel = "NAME", defaultValue = "adam",
            description = "sgd or adam (default: ${DEFAULT-VALUE}).")
    private String opt;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3",
            description = "Learning rate, constant (default: ${DEFAULT-VALUE}).")
    private double lr;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9",
            description = "SGD momentum or Adam beta1 (default: ${DEFAULT-VALUE}).")
    private double momentum;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of order and variation (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "SRAM.safetensors",
            description = "Where to write the SRAM checkpoint.")
    private Path out;

    @Override
    public Integer call() {
        validate();
        PrintWriter stdout = spec.commandLine().getOut();
        Map<String, String> meta = ModelLoader.metadata(md.weights);
        Normalization normalization = Normalization.parse(ModelLoader.norm(md.norm, meta, md.weights));
        Graph graph = ModelLoader.load(md.model, ModelLoader.options(meta, null, null, md.weights), md.weights);
        String ds = Datasets.canonicalName(md.dataset);
        Dataset train = Datasets.open(ds, md.data, trainSplit);
        Dataset test = Datasets.open(ds, md.data, testSplit);
        if (limit != null) {
            train = train.subset(limit);
        }
        if (testLimit != null) {
            test = test.subset(testLimit);
        }
        normalization.checkChannels(train.channels());
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new UserException("--out: directory not found: " + dir);
        }
        SramTraining.Init init = SramTraining.Init.parse(sramInit);
        SramPath path = new SramPath(quantBits, varScale, sramBit, shiftBit, init == SramTraining.Init.COPY);
        double th = prune ? (pruneThreshold != null ? pruneThreshold : 0.005) : Double.NaN;
        double lam = lambda != null ? lambda : GroupLasso.DEFAULT_LAMBDA;
        GroupLasso lasso = prune && lam > 0 ? new GroupLasso(lam, ratio != null ? ratio : GroupLasso.DEFAULT_RATIO,
                GroupLasso.DEFAULT_GROUP) : null;
        Backprop backprop = new Backprop(graph);
        SramTraining sram = new SramTraining(backprop, path, init, th, lasso);
        Optimizer optimizer = optimizer(sram.trainableParameters(backprop), sram.trainableGradients(backprop));
        int steps = (train.size() + batch - 1) / batch;
        Trainer trainer = new Trainer(backprop, optimizer, Schedules.parse("constant", lr, epochs, steps),
                new Trainer.Settings(epochs, batch, seed, normalization, null, 0, 256)).perturbation(sram);
        stdout.printf(Locale.ROOT, "sram      %s from %s on %s (%d train / %d test images), seed %d%n", md.model,
                md.weights, ds, train.size(), test.size(), seed);
        stdout.printf(Locale.ROOT, "path      %s%n", sram.describe());
        stdout.printf(Locale.ROOT, "optimizer %s lr %s, batch %d, %d epochs (%d steps each)%n", optimizer.name(), lr,
                batch, epochs, steps);
        stdout.flush();
        Trainer.Evaluation t = null;
        for (int epoch = 0; epoch < epochs; epoch++) {
            Trainer.Evaluation tr;
            try {
                tr = trainer.trainEpoch(epoch, train);
            } catch (Trainer.DivergedException e) {
                throw new UserException(e.getMessage().replaceFirst("; the last checkpoint.*", ""), e);
            }
            t = trainer.evaluate(test); // W_eff with fresh RRAM variation per test batch
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "epoch %d/%d train loss %.4f acc %.2f %%, test loss %.4f acc %.2f %%", epoch + 1, epochs, tr.loss(),
                    tr.accuracy(), t.loss(), t.accuracy()));
            if (prune) {
                SramTraining.Sparsity s = sram.sparsity();
                line.append(String.format(Locale.ROOT, ", sparsity %.2f %% elements %.2f %% groups, penalty %.4g",
                        100 * s.elements(), 100 * s.groups(), sram.penalty()));
            }
            stdout.println(line);
            stdout.flush();
        }
        write(graph, sram, ds, normalization, meta, t, th, init);
        stdout.printf(Locale.ROOT, "test      %.2f %% (%d/%d), fresh variation per batch%n", t.accuracy(), t.correct(),
                t.images());
        stdout.printf("wrote     %s%n", out);
        return 0;
    }

    private void write(Graph graph, SramTraining sram, String ds, Normalization normalization, Map<String, String> source,
            Trainer.Evaluation t, double th, SramTraining.Init init) {
        Map<String, Tensor> sramByConv = new LinkedHashMap<>();
        for (Parameter p : sram.sramParameters()) {
            String name = p.name();
            sramByConv.put(name.substring(0, name.length() - SramTraining.SUFFIX.length()), p.tensor());
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        graph.parameters().forEach((name, tensor) -> {
            tensors.put(name, tensor);
            Tensor s = sramByConv.get(name);
            if (s != null) {
                tensors.put(name + SramTraining.SUFFIX, s);
            }
        });
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("model", md.model);
        meta.put("dataset", ds);
        meta.put("norm", normalization.name());
        for (String key : List.of("classes", "input_channels", "input_size")) {
            if (source.containsKey(key)) {
                meta.put(key, source.get(key));
            }
        }
        meta.put("quant_bits", Integer.toString(quantBits));
        meta.put("var_scale", Double.toString(varScale));
        meta.put("sram_bit", Integer.toString(sramBit));
        meta.put("shift_bit", Integer.toString(shiftBit));
        meta.put("sram_init", init.name().toLowerCase(Locale.ROOT));
        meta.put("sram_halved", Boolean.toString(init == SramTraining.Init.COPY));
        if (prune) {
            meta.put("sram_prune_threshold", Double.toString(th));
        }
        meta.put("test_correct", Integer.toString(t.correct()));
        meta.put("test_images", Integer.toString(t.images()));
        meta.put("accuracy", String.format(Locale.ROOT, "%.2f", t.accuracy()));
        meta.put("seed", Long.toString(seed));
        meta.put("epochs", Integer.toString(epochs));
        meta.put("training", String.join(" ", "sram", "weights=" + md.weights.getFileName(), "dataset=" + ds,
                "limit=" + limit, "epochs=" + epochs, "batch=" + batch, "opt=" + opt, "lr=" + lr,
                "momentum=" + momentum, "path=" + sram.describe(), "seed=" + seed));
        SafeTensors.writeFloats(out, tensors, meta);
    }

    private Optimizer optimizer(List<Parameter> ps, List<float[]> gs) {
        return switch (opt.toLowerCase(Locale.ROOT)) {
            case "sgd" -> new Sgd(ps, gs).momentum(momentum);
            case "adam" -> new Adam(ps, gs).betas(momentum, 0.999);
            default -> throw new ParameterException(spec.commandLine(), "--opt must be sgd or adam, got '" + opt + "'");
        };
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
        if (!prune && (lambda != null || ratio != null || pruneThreshold != null)) {
            throw new ParameterException(spec.commandLine(), "--lambda, --ratio and --prune-threshold need --prune");
        }
        if (limit != null && limit < 1 || testLimit != null && testLimit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit and --test-limit must be at least 1");
        }
        if (!WeightFiles.isSafetensors(md.weights)) {
            throw new ParameterException(spec.commandLine(), "--weights must be a .safetensors file, got " + md.weights);
        }
    }
}
