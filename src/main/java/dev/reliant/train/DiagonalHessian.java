package dev.reliant.train;

import dev.reliant.data.Augmentation;
import dev.reliant.data.BatchLoader;
import dev.reliant.data.Dataset;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Graph;
import dev.reliant.graph.Node;
import dev.reliant.ops.AvgPool2d;
import dev.reliant.ops.GlobalAvgPool;
import dev.reliant.ops.Op;
import dev.reliant.ops.Parameter;
import dev.reliant.tensor.Shapes;
import dev.reliant.tensor.Tensor;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Per-weight second-order sensitivities of a classifier under softmax cross-entropy, accumulated
 * over a whole data set in inference mode (running batch-norm statistics, no dropout), in file
 * order, optionally with the training augmentation (specs/cim-swim.md A.5):
 *
 * <ul>
 *   <li>{@link Method#OBD}: the Becker–LeCun / Optimal Brain Damage diagonal H, propagated by
 *       each operator's {@link Op#backwardDiagonal} from {@code h_z[k] = p_k(1 − p_k)} at the
 *       logits, together with the gradient G, so that SWIM forms {@code S = H + 2G}. An
 *       approximation: off-diagonal terms are dropped at every layer (exact for the last layer's
 *       weights only).</li>
 *   <li>{@link Method#FISHER}: the empirical Fisher diagonal {@code Σ_n g_n²}, g_n the gradient of
 *       image n's loss with its label.</li>
 *   <li>{@link Method#GGN_MC}: BackPACK's DiagGGNMC — per image and Monte-Carlo draw a label
 *       {@code ŷ ~ softmax(z)}, the squared gradient of {@code CE(z, ŷ)}, averaged over the draws:
 *       an unbiased estimate of the generalized Gauss–Newton diagonal.</li>
 * </ul>
 *
 * <p>All three are <b>sums over images</b> (BackPACK averages over the batch instead; multiply
 * by 1/N to compare). Results are keyed by the parameter's state_dict name: every trainable
 * parameter of rank ≥ 2 (convolution and linear weights), and with {@link Settings#biases} the
 * biases of those layers.
 *
 * <p><b>Conventions</b> ({@link Convention}): the default aggregates h and g the same way and
 * applies the exact rules; {@link Convention#SWIM_REFERENCE} reproduces the reference code's
 * deviations listed in A.7: G is the sum of batch means ({@code S = Σh + (2/B)Σg}), average
 * pooling passes {@code h/k} instead of {@code h/k²} (the first-order rule, which the walk then
 * applies at {@link AvgPool2d} and {@link GlobalAvgPool}), and a layer with a scale s passes
 * {@code s·ΣWn²h} to its input instead of {@code s²·ΣWn²h}.
 *
 * <p><b>Normalised space</b> ({@link Settings#layerScales}): SWIM writes a layer as
 * {@code y = s·(Wn x) + b} with {@code Wn = W/s}; derivatives with respect to Wn are
 * {@code H_n = s²·H_W}, {@code G_n = s·G_W} (and {@code s²} for the Fisher and GGN diagonals).
 * Biases are not scaled.
 *
 * <p>Accumulation: parameter terms are summed in float within a batch by the operators' kernels
 * and across batches in double. Deterministic for a given seed, batch size and thread count
 * (GGN-MC draws from a generator per image index, so its labels do not depend on the batch).
 */
public final class DiagonalHessian {

    /** The quantity computed. */
    public enum Method {
        OBD, FISHER, GGN_MC;

        /** obd, fisher or ggn-mc (case-insensitive). */
        public static Method parse(String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "obd" -> OBD;
                case "fisher" -> FISHER;
                case "ggn-mc", "ggn_mc" -> GGN_MC;
                default -> throw new IllegalArgumentException("unknown method '" + s + "' (expected obd, fisher or ggn-mc)");
            };
        }

        /** The name on the command line and in metadata. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The mathematically correct rules (default) or the SWIM reference code's (specs/cim-swim.md A.7). */
    public enum Convention {
        CORRECT, SWIM_REFERENCE;

        /** correct or swim-reference (case-insensitive). */
        public static Convention parse(String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "correct" -> CORRECT;
                case "swim-reference", "swim_reference" -> SWIM_REFERENCE;
                default -> throw new IllegalArgumentException("unknown convention '" + s
                        + "' (expected correct or swim-reference)");
            };
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * What to compute and over which images.
     *
     * @param augmentation the training augmentation, drawn from {@code seed}, or null for none
     * @param seed seeds the augmentation and the GGN-MC labels
     * @param mcSamples Monte-Carlo labels per image (GGN-MC only)
     * @param biases also report the biases of convolution and linear layers
     * @param layerScales weight name → s for results in normalised space (empty: plain weights)
     */
    public record Settings(Method method, Convention convention, int batchSize, Normalization normalization,
            Augmentation augmentation, long seed, int mcSamples, boolean biases, Map<String, Double> layerScales) {
        public Settings {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(convention, "convention");
            Objects.requireNonNull(normalization, "normalization");
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
            }
            if (mcSamples < 1) {
                throw new IllegalArgumentException("Monte-Carlo samples must be ≥ 1, got " + mcSamples);
            }
            layerScales = Map.copyOf(layerScales);
            layerScales.forEach((name, s) -> {
                if (!(s > 0) || Double.isInfinite(s)) {
                    throw new IllegalArgumentException("layer scale of " + name + " must be a positive number, got " + s);
                }
            });
        }

        /** {@code method} with the correct convention, batch 128, no augmentation, seed 0, one MC sample, weights only. */
        public static Settings of(Method method, Normalization normalization) {
            return new Settings(method, Convention.CORRECT, 128, normalization, null, 0, 1, false, Map.of());
        }

        public Settings withConvention(Convention c) {
            return new Settings(method, c, batchSize, normalization, augmentation, seed, mcSamples, biases, layerScales);
        }

        public Settings withBatchSize(int b) {
            return new Settings(method, convention, b, normalization, augmentation, seed, mcSamples, biases, layerScales);
        }

        public Settings withAugmentation(Augmentation a) {
            return new Settings(method, convention, batchSize, normalization, a, seed, mcSamples, biases, layerScales);
        }

        public Settings withSeed(long s) {
            return new Settings(method, convention, batchSize, normalization, augmentation, s, mcSamples, biases, layerScales);
        }

        public Settings withMcSamples(int m) {
            return new Settings(method, convention, batchSize, normalization, augmentation, seed, m, biases, layerScales);
        }

        public Settings withBiases(boolean b) {
            return new Settings(method, convention, batchSize, normalization, augmentation, seed, mcSamples, b, layerScales);
        }

        public Settings withLayerScales(Map<String, Double> scales) {
            return new Settings(method, convention, batchSize, normalization, augmentation, seed, mcSamples, biases, scales);
        }
    }

    /**
     * The sums over {@code images} images: {@code diagonal} (H, the Fisher or the GGN-MC diagonal)
     * and, for OBD, {@code gradient} (G); both keyed by parameter name in state_dict order, shaped
     * as the parameters.
     */
    public record Result(Map<String, Tensor> diagonal, Map<String, Tensor> gradient, int images) {}

    /** Progress after each batch. */
    public interface Listener {
        void batchDone(int done, int batches, int images);
    }

    private final Graph graph;
    private final DiagonalBackprop walk;

    /** A pass over {@code graph}; its operators are switched to inference mode. */
    public DiagonalHessian(Graph graph) {
        this.graph = graph;
        this.walk = new DiagonalBackprop(graph);
    }

    /** The parameters reported: trainable weights of rank ≥ 2 and, with {@code biases}, the biases of their layers. */
    public static Map<String, Parameter> targets(Graph graph, boolean biases) {
        Map<String, Parameter> t = new LinkedHashMap<>();
        for (Node node : graph.nodes()) {
            Op op = node.op();
            List<Parameter> ps = op.parameters();
            boolean weighted = false;
            for (int j = 0; j < ps.size(); j++) {
                weighted |= op.isTrainable(j) && ps.get(j).rank() >= 2;
            }
            for (int j = 0; j < ps.size(); j++) {
                Parameter p = ps.get(j);
                if (op.isTrainable(j) && (p.rank() >= 2 || biases && weighted)) {
                    t.put(p.name(), p);
                }
            }
        }
        return t;
    }

    /** {@link #compute(Dataset, Settings, Listener)} without progress reports. */
    public Result compute(Dataset data, Settings settings) {
        return compute(data, settings, (done, batches, images) -> { });
    }

    /** Runs the pass over every image of {@code data}. */
    public Result compute(Dataset data, Settings settings, Listener listener) {
        Map<String, Parameter> targets = targets(graph, settings.biases());
        Map<Parameter, Double> scales = scales(targets, settings.layerScales());
        BatchLoader loader = BatchLoader.sequential(data, settings.batchSize(), settings.normalization());
        if (settings.augmentation() != null) {
            loader = loader.augment(settings.augmentation(), settings.seed());
        }
        if (!Arrays.equals(loader.imageShape(), graph.inputShape())) {
            throw new IllegalArgumentException(graph.name() + " takes images " + Shapes.toString(graph.inputShape())
                    + " but the batches of " + data.name() + " are " + Shapes.toString(loader.imageShape()));
        }
        int classes = graph.node(graph.outputNode()).outputSize();
        for (int i = 0; i < data.size(); i++) {
            if (data.label(i) >= classes) {
                throw new IllegalArgumentException(data.name() + ": image " + i + " has label " + data.label(i)
                        + " but " + graph.name() + " has " + classes + " outputs");
            }
        }
        Map<Parameter, float[]> batchSums = new IdentityHashMap<>();
        Map<Parameter, double[]> diagonal = new IdentityHashMap<>();
        Map<Parameter, double[]> gradient = new IdentityHashMap<>();
        for (Parameter p : targets.values()) {
            batchSums.put(p, new float[p.numel()]);
            diagonal.put(p, new double[p.numel()]);
            if (settings.method() == Method.OBD) {
                gradient.put(p, new double[p.numel()]);
            }
        }
        DiagonalBackprop.Rule diagonalRule = settings.convention() == Convention.CORRECT ? DiagonalBackprop.DIAGONAL
                : referenceRule(scales);
        int images = 0;
        int batches = loader.batches();
        for (int b = 0; b < batches; b++) {
            BatchLoader.Batch batch = loader.batch(b);
            int n = batch.size();
            float[] logits = walk.forward(batch.images().data(), 0, n);
            double[] p = softmax(logits, n, classes);
            switch (settings.method()) {
                case OBD -> {
                    double gScale = settings.convention() == Convention.CORRECT ? 1 : 1.0 / n;
                    float[] g = new float[n * classes];
                    float[] h = new float[n * classes];
                    for (int i = 0; i < n; i++) {
                        int label = batch.labels()[i];
                        for (int k = 0; k < classes; k++) {
                            double pk = p[i * classes + k];
                            g[i * classes + k] = (float) ((pk - (k == label ? 1 : 0)) * gScale);
                            h[i * classes + k] = (float) (pk * (1 - pk));
                        }
                    }
                    runSummed(g, DiagonalBackprop.GRADIENT, batchSums, gradient);
                    runSummed(h, diagonalRule, batchSums, diagonal);
                }
                case FISHER -> {
                    walk.propagate(labelGradient(p, n, classes, batch.labels()), DiagonalBackprop.GRADIENT, Map.of());
                    walk.addSquaredPerImageGradients(diagonal, batchSums, 1);
                }
                case GGN_MC -> {
                    SplittableRandom[] rngs = new SplittableRandom[n];
                    for (int i = 0; i < n; i++) {
                        rngs[i] = labelRandom(settings.seed(), batch.indices()[i]);
                    }
                    int[] drawn = new int[n];
                    for (int m = 0; m < settings.mcSamples(); m++) {
                        for (int i = 0; i < n; i++) {
                            drawn[i] = sample(p, i * classes, classes, rngs[i]);
                        }
                        walk.propagate(labelGradient(p, n, classes, drawn), DiagonalBackprop.GRADIENT, Map.of());
                        walk.addSquaredPerImageGradients(diagonal, batchSums, 1.0 / settings.mcSamples());
                    }
                }
                default -> throw new IllegalStateException(settings.method().toString());
            }
            images += n;
            listener.batchDone(b + 1, batches, images);
        }
        return new Result(tensors(targets, diagonal, scales, 2), tensors(targets, gradient, scales, 1), images);
    }

    /** One pass whose batch-summed parameter terms are added to the double totals. */
    private void runSummed(float[] seed, DiagonalBackprop.Rule rule, Map<Parameter, float[]> batchSums,
                           Map<Parameter, double[]> totals) {
        for (float[] s : batchSums.values()) {
            Arrays.fill(s, 0f);
        }
        walk.propagate(seed, rule, batchSums);
        totals.forEach((p, total) -> {
            float[] s = batchSums.get(p);
            for (int e = 0; e < total.length; e++) {
                total[e] += s[e];
            }
        });
    }

    /**
     * The reference code's diagonal rule: the first-order rule at average pooling (h/k), and at a
     * layer with scale s its input receives 1/s of the correct value.
     */
    private DiagonalBackprop.Rule referenceRule(Map<Parameter, Double> scales) {
        return (node, ctx) -> {
            Op op = node.op();
            if (op instanceof AvgPool2d || op instanceof GlobalAvgPool) {
                op.backward(ctx);
                return;
            }
            Double s = null;
            for (Parameter p : op.parameters()) {
                s = s != null ? s : scales.get(p);
            }
            float[] target = ctx.gradInputs.length == 1 ? ctx.gradInputs[0] : null;
            if (s == null || target == null) {
                op.backwardDiagonal(ctx);
                return;
            }
            int count = ctx.batch * op.inputSize(0);
            int targetOff = ctx.gradInputOffsets[0];
            float[] own = new float[count];
            ctx.gradInputs[0] = own;
            ctx.gradInputOffsets[0] = 0;
            op.backwardDiagonal(ctx);
            ctx.gradInputs[0] = target;
            ctx.gradInputOffsets[0] = targetOff;
            float inv = (float) (1 / s);
            for (int i = 0; i < count; i++) {
                target[targetOff + i] += own[i] * inv;
            }
        };
    }

    /** The scale of each target weight named in {@code layerScales}; an unknown or non-weight name is an error. */
    private static Map<Parameter, Double> scales(Map<String, Parameter> targets, Map<String, Double> layerScales) {
        Map<Parameter, Double> m = new IdentityHashMap<>();
        layerScales.forEach((name, s) -> {
            Parameter p = targets.get(name);
            if (p == null || p.rank() < 2) {
                throw new IllegalArgumentException("layer scale given for '" + name
                        + "', which is not a convolution or linear weight of the model");
            }
            m.put(p, s);
        });
        return m;
    }

    /** Softmax per row in double, as {@link dev.reliant.ops.SoftmaxCrossEntropy} computes it. */
    static double[] softmax(float[] logits, int batch, int classes) {
        double[] p = new double[batch * classes];
        for (int b = 0; b < batch; b++) {
            int row = b * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, logits[row + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                p[row + k] = StrictMath.exp(logits[row + k] - max);
                sum += p[row + k];
            }
            for (int k = 0; k < classes; k++) {
                p[row + k] /= sum;
            }
        }
        return p;
    }

    /** {@code p − onehot(label)} per image: the gradient of each image's own cross-entropy (not divided by the batch). */
    private static float[] labelGradient(double[] p, int batch, int classes, int[] labels) {
        float[] g = new float[batch * classes];
        for (int i = 0; i < batch; i++) {
            for (int k = 0; k < classes; k++) {
                g[i * classes + k] = (float) (p[i * classes + k] - (k == labels[i] ? 1 : 0));
            }
        }
        return g;
    }

    /** A class drawn from the probabilities {@code p[from … from + classes)} (inverse CDF). */
    private static int sample(double[] p, int from, int classes, SplittableRandom rng) {
        double u = rng.nextDouble();
        double c = 0;
        for (int k = 0; k < classes - 1; k++) {
            c += p[from + k];
            if (u < c) {
                return k;
            }
        }
        return classes - 1;
    }

    /** The Monte-Carlo label generator of the image with data-set index {@code index}. */
    private static SplittableRandom labelRandom(long seed, int index) {
        long s = mix(seed ^ 0x4F1BBCDCBFA53E0BL);
        s = mix(s + 0x9E3779B97F4A7C15L * (index + 1L));
        return new SplittableRandom(s);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The totals as float tensors in the order of {@code targets}, weights scaled by {@code s^power}. */
    private static Map<String, Tensor> tensors(Map<String, Parameter> targets, Map<Parameter, double[]> totals,
                                               Map<Parameter, Double> scales, int power) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : targets.entrySet()) {
            double[] t = totals.get(e.getValue());
            if (t == null) {
                continue;
            }
            double f = Math.pow(scales.getOrDefault(e.getValue(), 1.0), power);
            float[] v = new float[t.length];
            for (int i = 0; i < t.length; i++) {
                v[i] = (float) (t[i] * f);
            }
            out.put(e.getKey(), Tensor.of(v, e.getValue().shape()));
        }
        return out;
    }
}
