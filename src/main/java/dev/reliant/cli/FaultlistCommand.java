package dev.reliant.cli;

import dev.reliant.fault.ActivationTargets;
import dev.reliant.fault.Fault;
import dev.reliant.fault.FaultListCsv;
import dev.reliant.fault.FaultListGenerator;
import dev.reliant.fault.FaultListGenerator.ActivationAllocation;
import dev.reliant.fault.FaultListGenerator.Allocation;
import dev.reliant.fault.FaultListGenerator.Sampler;
import dev.reliant.fault.FaultTargets;
import dev.reliant.fault.SampleSize;
import dev.reliant.graph.Graph;
import dev.reliant.models.ModelOptions;
import dev.reliant.models.ModelZoo;
import dev.reliant.tensor.NumberFormat;
import dev.reliant.tensor.NumberFormats;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code reliant faultlist}: writes a statistical or exhaustive weight fault list, or a statistical activation list, as CSV. */
@Command(
        name = "faultlist",
        usageHelpAutoWidth = true,
        sortOptions = false,
        description = {
            "Writes a fault list for a model of the zoo (specs/fault-injection.md, sections 2-4).",
            "",
            "Targets are the model's weights of rank >= 2 (every convolution kernel and fully",
            "connected matrix) in state_dict order, named without '.weight' (conv1,",
            "layer2.0.conv1, linear); --biases and --batch-norm add rank-1 tensors.",
            "",
            "Statistical list (default), after Leveugle et al. (DATE 2009):",
            "  n = N / (1 + e^2 (N - 1) / (t^2 p (1 - p))),  N = W x bits x 2,",
            "with W the number of target values; layer l with P_l values gets",
            "round_half_even(P_l n / W) faults, so the list has about n rows (16,627 for",
            "ResNet-20 with the defaults). Each fault draws every index coordinate and then",
            "the bit uniformly; a fault drawn twice is redrawn. The same seed gives the same",
            "file byte for byte; --python-compatible regenerates the published dnn-benchmarks",
            "lists (seed 42).",
            "",
            "Exhaustive list (--exhaustive --layer L): every value of layer L with every bit",
            "of --bits, values in row-major order, bits increasing.",
            "",
            "The file has the columns Injection,Layer,TensorIndex,Bit with PyTorch indices",
            "such as \"(3, 0, 2, 1)\"; --keras writes the TensorFlow/Keras variant (layers",
            "conv2d, conv2d_1, ..., dense; indices in kernel layout).",
            "",
            "Activation list (--activations): transient faults in node outputs, for",
            "'reliant campaign'. Targets are the outputs of every node that computes (not the",
            "input, not views such as flatten) in graph order, named by node (conv1, bn1,",
            "layer1.0.relu_1, linear); N = S x 32 x 2 with S the values per image of all",
            "those outputs, each node gets round_half_even(S_l n / S) faults, and each fault",
            "draws the (c, y, x) or (f) index of the node's per-image output and then one of",
            "the 32 fp32 bits, as for weights. The file has a fifth column, Target, saying",
            "activation.",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success",
            "1:unknown model or layer, a list that cannot be drawn, an output that cannot be written",
            "2:invalid command line"})
public final class FaultlistCommand implements Callable<Integer> {
    /** The seed of the published lists, also the default. */
    static final long DEFAULT_SEED = 42;

    private static final Pattern BIT_RANGE = Pattern.compile("(\\d{1,2})(?:-(\\d{1,2}))?");
    private static final Pattern INT_WITHOUT_SCALE = Pattern.compile("(?i)\\s*int\\d+\\s*");

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "NAME",
            description = "The architecture (e.g. resnet20, vgg11_bn, mobilenetv2, densenet121; 'reliant eval "
                    + "--help' lists them).")
    private String model;

    @Option(names = "--classes", paramLabel = "K",
            description = "Output classes of the model (default: the model's, e.g. 10); sets the last layer's size.")
    private Integer classes;

    @Option(names = "--input-size", paramLabel = "S", description = "Input height and width (default: the model's).")
    private Integer inputSize;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE.csv", description = "The list to write.")
    private Path out;

    @Option(names = {"-f", "--force"}, description = "Replace FILE.csv if it exists.")
    private boolean force;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "fp32",
            description = "Number format the weights are stored in; its width gives the bits 0..width-1 "
                    + "(default: ${DEFAULT-VALUE}; also fp16, bf16, intN such as int8 (a scale, int8:0.05, is "
                    + "accepted and irrelevant here), Qm.n).")
    private String format;

    @Option(names = "--seed", paramLabel = "S",
            description = "Seed of the sampling (default: " + DEFAULT_SEED + ", the published lists' seed).")
    private Long seed;

    @Option(names = "--python-compatible",
            description = "Draw with CPython's random (MT19937, random.seed(S), randrange per coordinate and bit) "
                    + "instead of Java's SplittableRandom, to regenerate lists made by the Python tools.")
    private boolean pythonCompatible;

    @Option(names = "--margin", paramLabel = "E",
            description = "Error margin e of the statistical size (default: 0.01, i.e. 1 %%).")
    private Double margin;

    @Option(names = "--confidence", paramLabel = "C",
            description = "Confidence level: 0.90, 0.95 or 0.99, mapped to t = 1.645, 1.96, 2.58 (default: 0.99).")
    private Double confidence;

    @Option(names = "--t", paramLabel = "T",
            description = "The normal cut-off t directly, instead of --confidence (default: 2.58).")
    private Double t;

    @Option(names = "--p", paramLabel = "P",
            description = "Estimated failure probability p (default: 0.5, the most conservative).")
    private Double p;

    @Option(names = "--biases", description = "Also target the biases of convolutions and linear layers.")
    private boolean biases;

    @Option(names = "--batch-norm", description = "Also target batch-norm scales and shifts (never running statistics).")
    private boolean batchNorm;

    @Option(names = "--exhaustive", description = "Every value of --layer with every bit of --bits, instead of a "
            + "statistical list.")
    private boolean exhaustive;

    @Option(names = "--layer", paramLabel = "L",
            description = "The layer of --exhaustive (a fault-list name such as layer1.0.conv1).")
    private String layer;

    @Option(names = "--bits", paramLabel = "A-B",
            description = "The bits of --exhaustive: a range such as 23-30 or one bit (default: all bits of the format).")
    private String bits;

    @Option(names = "--keras", description = "Write the TensorFlow/Keras variant instead of the PyTorch one.")
    private boolean keras;

    @Option(names = "--activations", description = "A statistical list of faults in node outputs (activations) "
            + "instead of weights.")
    private boolean activations;

    @Override
    public Integer call() {
        validateOptions();
        NumberFormat numberFormat = parseFormat();
        if (activations && numberFormat != NumberFormats.FP32) {
            throw usage("--format " + format + ": activation faults address the 32 bits of the fp32 values the "
                    + "network computes; --format applies to weight lists");
        }
        SampleSize size = exhaustive ? null : sampleSize();
        checkOutput();

        ModelOptions options = ModelOptions.defaults();
        if (classes != null) {
            options = options.classes(classes);
        }
        if (inputSize != null) {
            options = options.inputSize(inputSize);
        }
        Graph graph = ModelZoo.build(model, options);
        if (activations) {
            return writeActivationList(graph, size);
        }
        EnumSet<FaultTargets.Kind> kinds = EnumSet.of(FaultTargets.Kind.WEIGHT);
        if (biases) {
            kinds.add(FaultTargets.Kind.BIAS);
        }
        if (batchNorm) {
            kinds.add(FaultTargets.Kind.BATCH_NORM);
        }
        FaultTargets targets = FaultTargets.of(graph, kinds);

        PrintWriter pw = spec.commandLine().getOut();
        int[] input = graph.inputShape();
        pw.printf(Locale.ROOT, "model     %s (%d classes, input %dx%d): %d faultable layers, %,d values%n", model,
                numel(graph.outputShape()), input[input.length - 2], input[input.length - 1], targets.size(),
                targets.weightCount());
        pw.printf(Locale.ROOT, "format    %s (bits 0..%d)%n", numberFormat.name(), numberFormat.bits() - 1);

        List<Fault> faults;
        if (exhaustive) {
            FaultTargets.Layer l = targets.layer(layer);
            int[] range = bitRange(numberFormat);
            faults = FaultListGenerator.exhaustive(l, range[0], range[1], numberFormat);
            String bitText = range[0] == range[1] ? "bit " + range[0] : "bits " + range[0] + "-" + range[1];
            pw.printf(Locale.ROOT, "list      exhaustive: layer %s, %,d values x %s = %,d rows%n", l.name(),
                    l.numel(), bitText, faults.size());
        } else {
            Allocation a = FaultListGenerator.allocate(targets, size, numberFormat);
            long s = seed != null ? seed : DEFAULT_SEED;
            Sampler sampler = pythonCompatible ? Sampler.PYTHON : Sampler.SPLITTABLE;
            faults = FaultListGenerator.sample(a, s, sampler);
            pw.printf(Locale.ROOT, "size      N = %,.0f, n = %,.1f (margin %s, t %s, p %s); %,d rows%n",
                    a.population(), a.n(), plain(size.margin()), plain(size.t()), plain(size.p()), a.total());
            pw.printf(Locale.ROOT, "seed      %d (%s)%n", s,
                    pythonCompatible ? "python-compatible MT19937" : "java.util.SplittableRandom");
            printAllocation(pw, a);
        }
        if (keras) {
            FaultListCsv.writeKeras(out, faults, graph);
        } else {
            FaultListCsv.write(out, faults);
        }
        pw.printf(Locale.ROOT, "written   %s (%s variant, %,d rows)%n", out, keras ? "TensorFlow/Keras" : "PyTorch",
                faults.size());
        return 0;
    }

    private int writeActivationList(Graph graph, SampleSize size) {
        PrintWriter pw = spec.commandLine().getOut();
        ActivationTargets targets = ActivationTargets.of(graph);
        int[] input = graph.inputShape();
        pw.printf(Locale.ROOT, "model     %s (%d classes, input %dx%d): %d faultable node outputs, %,d values per "
                        + "image%n", model, numel(graph.outputShape()), input[input.length - 2], input[input.length - 1],
                targets.size(), targets.valueCount());
        pw.printf(Locale.ROOT, "format    fp32 activations (bits 0..%d)%n", ActivationTargets.BITS - 1);
        ActivationAllocation a = FaultListGenerator.allocate(targets, size);
        long s = seed != null ? seed : DEFAULT_SEED;
        Sampler sampler = pythonCompatible ? Sampler.PYTHON : Sampler.SPLITTABLE;
        List<Fault> faults = FaultListGenerator.sample(a, s, sampler);
        pw.printf(Locale.ROOT, "size      N = %,.0f, n = %,.1f (margin %s, t %s, p %s); %,d rows%n",
                a.population(), a.n(), plain(size.margin()), plain(size.t()), plain(size.p()), a.total());
        pw.printf(Locale.ROOT, "seed      %d (%s)%n", s,
                pythonCompatible ? "python-compatible MT19937" : "java.util.SplittableRandom");
        List<ActivationTargets.NodeOutput> outputs = targets.outputs();
        int width = "node".length();
        for (ActivationTargets.NodeOutput o : outputs) {
            width = Math.max(width, o.name().length());
        }
        pw.printf(Locale.ROOT, "  %-" + width + "s %12s %8s%n", "node", "values", "faults");
        for (int i = 0; i < outputs.size(); i++) {
            pw.printf(Locale.ROOT, "  %-" + width + "s %,12d %,8d%n", outputs.get(i).name(), outputs.get(i).numel(),
                    a.count(i));
        }
        FaultListCsv.writeActivations(out, faults);
        pw.printf(Locale.ROOT, "written   %s (activation list, %,d rows)%n", out, faults.size());
        return 0;
    }

    private void printAllocation(PrintWriter pw, Allocation a) {
        List<FaultTargets.Layer> layers = a.targets().layers();
        int width = "layer".length();
        for (FaultTargets.Layer l : layers) {
            width = Math.max(width, l.name().length());
        }
        pw.printf(Locale.ROOT, "  %-" + width + "s %12s %8s%n", "layer", "values", "faults");
        for (int i = 0; i < layers.size(); i++) {
            pw.printf(Locale.ROOT, "  %-" + width + "s %,12d %,8d%n", layers.get(i).name(), layers.get(i).numel(),
                    a.count(i));
        }
    }

    private void validateOptions() {
        if (classes != null && classes < 1) {
            throw usage("--classes must be at least 1, got " + classes);
        }
        if (inputSize != null && inputSize < 1) {
            throw usage("--input-size must be at least 1, got " + inputSize);
        }
        if (confidence != null && t != null) {
            throw usage("give either --confidence or --t, not both");
        }
        if (exhaustive) {
            if (layer == null) {
                throw usage("--exhaustive needs --layer");
            }
            if (seed != null || pythonCompatible || margin != null || confidence != null || t != null || p != null) {
                throw usage("--seed, --python-compatible, --margin, --confidence, --t and --p size and draw a "
                        + "statistical list; they do not apply to --exhaustive");
            }
        } else if (layer != null || bits != null) {
            throw usage("--layer and --bits select an exhaustive list; add --exhaustive");
        }
        if (activations && (exhaustive || keras || biases || batchNorm)) {
            throw usage("--activations writes a statistical list of node-output faults; it cannot be combined with "
                    + "--exhaustive, --keras, --biases or --batch-norm");
        }
        if (keras && (biases || batchNorm)) {
            throw usage("--keras covers weight kernels only; it cannot be combined with --biases or --batch-norm");
        }
    }

    private NumberFormat parseFormat() {
        String text = INT_WITHOUT_SCALE.matcher(format).matches() ? format.strip() + ":1" : format;
        try {
            return NumberFormats.parse(text);
        } catch (IllegalArgumentException e) {
            throw usage("--format: " + e.getMessage());
        }
    }

    private SampleSize sampleSize() {
        double tValue = SampleSize.DEFAULT.t();
        try {
            if (confidence != null) {
                tValue = SampleSize.tForConfidence(confidence);
            } else if (t != null) {
                tValue = t;
            }
            return new SampleSize(margin != null ? margin : SampleSize.DEFAULT.margin(), tValue,
                    p != null ? p : SampleSize.DEFAULT.p());
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /** The bits of {@code --bits} (inclusive), or every bit of the format. */
    private int[] bitRange(NumberFormat f) {
        if (bits == null) {
            return new int[] {0, f.bits() - 1};
        }
        Matcher m = BIT_RANGE.matcher(bits.strip());
        if (!m.matches()) {
            throw usage("--bits must be a bit or a range such as 23-30, got '" + bits + "'");
        }
        int from = Integer.parseInt(m.group(1));
        int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
        if (from > to || to >= f.bits()) {
            throw usage("--bits " + bits + " is not a range within bits 0-" + (f.bits() - 1) + " of " + f.name());
        }
        return new int[] {from, to};
    }

    private void checkOutput() {
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
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
