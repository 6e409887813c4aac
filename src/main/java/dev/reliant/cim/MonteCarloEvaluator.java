package dev.reliant.cim;

import dev.reliant.data.Dataset;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.ops.Parameter;
import dev.reliant.simd.Parallel;
import dev.reliant.simd.Ranking;
import dev.reliant.train.DiagonalHessian;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Accuracy under device variation by Monte Carlo (specs/cim-swim.md A.6): one instance draws
 * one programmed crossbar for every convolution and linear weight of the network (a
 * {@link NoiseModel} applied under a {@link WriteVerifyMask}) and classifies the whole data
 * set with it; the result is the correct count per instance, with mean and population
 * standard deviation.
 *
 * <p><b>Reuse across instances.</b> The normalised input batches are made once and shared; every
 * worker thread keeps its own model replica and executor (packed buffers and planned activation
 * storage reused from instance to instance, only the weights change).
 *
 * <p><b>Determinism.</b> Instance i of tensor T draws from a stream seeded by (seed, i, T), and
 * read noise of batch b from (seed, i, T, b), so each instance's count does not depend on the
 * thread count or on which worker ran it. Instances run in parallel, one per worker thread.
 */
public final class MonteCarloEvaluator {
    /** Inputs kept normalised in memory up to this many floats (2 GB); larger data sets are normalised per batch. */
    private static final long CACHE_FLOATS = 512L << 20;

    private final Dataset data;
    private final Normalization norm;
    private final int batch;
    private final float[] inputs;
    private final List<Replica> replicas = new ArrayList<>();
    private final LinkedHashMap<String, float[]> clean = new LinkedHashMap<>();
    private final LinkedHashMap<String, int[]> shapes = new LinkedHashMap<>();
    private final int classes;
    private final Predicate<Parameter> filter;

    /** A target filter keeping only convolution weights (rank 4): part B leaves FC layers noise-free. */
    public static final Predicate<Parameter> CONV_ONLY = p -> p.rank() == 4;

    /** Progress of a run. */
    public interface Listener {
        void instanceDone(int done, int total);
    }

    /** The correct count of every instance of a run over {@code images} images. */
    public record Result(int images, int[] correct, double seconds) {
        /** Mean top-1 accuracy over the instances. */
        public double mean() {
            double s = 0;
            for (int c : correct) {
                s += (double) c / images;
            }
            return s / correct.length;
        }

        /** Population standard deviation of the accuracy (divides by the count, as the spec asks). */
        public double std() {
            double m = mean();
            double s = 0;
            for (int c : correct) {
                double d = (double) c / images - m;
                s += d * d;
            }
            return Math.sqrt(s / correct.length);
        }

        /** Standard error of the mean: the sample standard deviation over sqrt(instances). */
        public double standardError() {
            int n = correct.length;
            return n < 2 ? Double.NaN : std() * Math.sqrt((double) n / (n - 1)) / Math.sqrt(n);
        }

        public double min() {
            int m = Integer.MAX_VALUE;
            for (int c : correct) {
                m = Math.min(m, c);
            }
            return (double) m / images;
        }

        public double max() {
            int m = Integer.MIN_VALUE;
            for (int c : correct) {
                m = Math.max(m, c);
            }
            return (double) m / images;
        }
    }

    /**
     * @param model makes a new graph with the model's weights per call (one per worker thread);
     *     for a quantized model the graph holds the quantized weights and biases
     * @param options executor options (batch-norm folding is exact up to rounding and faster)
     */
    public MonteCarloEvaluator(Supplier<Graph> model, Dataset data, Normalization norm, int batch,
                               Executor.Options options) {
        this(model, data, norm, batch, options, p -> true);
    }

    /**
     * As the main constructor, with noise applied only to the {@link #targets(Graph) targets}
     * that {@code filter} keeps (e.g. {@link #CONV_ONLY}); the other weights stay clean.
     */
    public MonteCarloEvaluator(Supplier<Graph> model, Dataset data, Normalization norm, int batch,
                               Executor.Options options, Predicate<Parameter> filter) {
        this.filter = Objects.requireNonNull(filter, "filter");
        this.data = Objects.requireNonNull(data, "data");
        this.norm = Objects.requireNonNull(norm, "norm");
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        this.batch = batch;
        int threads = Math.max(1, Parallel.threads());
        for (int t = 0; t < threads; t++) {
            Graph g = model.get();
            if (t > 0 && g == replicas.get(0).graph) {
                throw new IllegalArgumentException("the model supplier must make a new graph per call");
            }
            replicas.add(new Replica(g, options));
        }
        Graph first = replicas.get(0).graph;
        for (Map.Entry<String, Parameter> e : targets(first, filter).entrySet()) {
            clean.put(e.getKey(), e.getValue().data().clone());
            shapes.put(e.getKey(), e.getValue().shape());
        }
        int[] out = first.outputShape();
        int c = 1;
        for (int d : out) {
            c *= d;
        }
        this.classes = c;
        long floats = (long) data.size() * data.imageSize();
        if (floats <= CACHE_FLOATS) {
            inputs = new float[(int) floats];
            data.batch(0, data.size(), norm, inputs, 0);
        } else {
            inputs = null;
        }
    }

    /** The weights noise applies to: every convolution and linear weight, in module order. */
    public static Map<String, Parameter> targets(Graph graph) {
        return DiagonalHessian.targets(graph, false);
    }

    /** The {@link #targets(Graph) targets} that {@code filter} keeps, in module order. */
    public static Map<String, Parameter> targets(Graph graph, Predicate<Parameter> filter) {
        Map<String, Parameter> t = new LinkedHashMap<>();
        targets(graph).forEach((name, p) -> {
            if (filter.test(p)) {
                t.put(name, p);
            }
        });
        return t;
    }

    /** Tensor name → shape of the weights noise applies to (module order). */
    public Map<String, int[]> shapes() {
        LinkedHashMap<String, int[]> copy = new LinkedHashMap<>();
        shapes.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** Tensor name → clean weights (shared; do not modify). */
    public Map<String, float[]> cleanWeights() {
        return java.util.Collections.unmodifiableMap(clean);
    }

    public int images() {
        return data.size();
    }

    /** The correct count with the clean weights. */
    public int cleanCorrect() {
        Replica r = replicas.get(0);
        r.restore(clean);
        return r.classify(null, null, 0);
    }

    /** Runs {@code instances} noise instances of {@code noise} under {@code mask} (null: nothing verified). */
    public Result run(NoiseModel noise, WriteVerifyMask mask, int instances, long seed, Listener listener) {
        Objects.requireNonNull(noise, "noise");
        if (instances < 1) {
            throw new IllegalArgumentException("noise instances must be >= 1, got " + instances);
        }
        if (mask != null) {
            mask.requireMatches(shapes, "write-verify mask");
        }
        int[] correct = new int[instances];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long t0 = System.nanoTime();
        try {
            Parallel.forEach(Math.min(replicas.size(), instances), w -> {
                Replica r = replicas.get(w);
                for (int i = next.getAndIncrement(); i < instances; i = next.getAndIncrement()) {
                    correct[i] = r.instance(noise, mask, seed, i);
                    int d = done.incrementAndGet();
                    if (listener != null) {
                        synchronized (listener) {
                            listener.instanceDone(d, instances);
                        }
                    }
                }
            });
        } finally {
            for (Replica r : replicas) {
                r.restore(clean);
            }
        }
        return new Result(data.size(), correct, (System.nanoTime() - t0) / 1e9);
    }

    /** The stream of one instance and tensor (and batch, for read noise; -1 for programming). */
    static SplittableRandom stream(long seed, int instance, String tensor, int batchIndex) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h = mix(h ^ instance);
        h = mix(h ^ tensor.hashCode());
        h = mix(h ^ batchIndex);
        return new SplittableRandom(h);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** One worker's model, executor and scratch. */
    private final class Replica {
        final Graph graph;
        final Executor executor;
        final Map<String, Parameter> params;
        final float[] logits;
        final float[] in;

        Replica(Graph graph, Executor.Options options) {
            this.graph = graph;
            this.executor = new Executor(graph, options);
            this.params = targets(graph, filter);
            this.logits = new float[batch * Math.max(1, numel(graph.outputShape()))];
            this.in = inputs == null ? new float[Math.multiplyExact(batch, data.imageSize())] : null;
        }

        void restore(Map<String, float[]> values) {
            values.forEach((name, v) -> {
                Parameter p = params.get(name);
                System.arraycopy(v, 0, p.data(), 0, v.length);
                p.markChanged();
            });
        }

        int instance(NoiseModel noise, WriteVerifyMask mask, long seed, int i) {
            LinkedHashMap<String, ProgrammedWeights> programmed = new LinkedHashMap<>();
            boolean readNoise = false;
            for (Map.Entry<String, float[]> e : clean.entrySet()) {
                String name = e.getKey();
                ProgrammedWeights pw = noise.program(name, shapes.get(name), e.getValue(),
                        mask == null ? null : mask.layer(name), stream(seed, i, name, -1));
                programmed.put(name, pw);
                readNoise |= pw.hasReadNoise();
            }
            if (!readNoise) {
                read(programmed, seed, i, -1);
                return classify(null, null, 0);
            }
            return classify(programmed, seed, i);
        }

        void read(Map<String, ProgrammedWeights> programmed, long seed, int i, int batchIndex) {
            programmed.forEach((name, pw) -> {
                Parameter p = params.get(name);
                pw.read(p.data(), stream(seed, i, name, batchIndex));
                p.markChanged();
            });
        }

        /** Classifies every image; with {@code programmed} non-null, reads the weights again before each batch. */
        int classify(Map<String, ProgrammedWeights> programmed, Long seed, int instance) {
            int n = data.size();
            int size = data.imageSize();
            int correct = 0;
            for (int start = 0, b = 0; start < n; start += batch, b++) {
                int count = Math.min(batch, n - start);
                if (programmed != null) {
                    read(programmed, seed, instance, b);
                }
                float[] x;
                int off;
                if (inputs != null) {
                    x = inputs;
                    off = start * size;
                } else {
                    data.batch(start, count, norm, in, 0);
                    x = in;
                    off = 0;
                }
                executor.run(x, off, count, logits, 0);
                for (int j = 0; j < count; j++) {
                    if (Ranking.argmax(logits, j * classes, classes) == data.label(start + j)) {
                        correct++;
                    }
                }
            }
            return correct;
        }
    }

    private static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
