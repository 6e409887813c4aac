package dev.reliant.fault;

import dev.reliant.tensor.NumberFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * Generates fault lists (specs/fault-injection.md §3): statistical lists sized by {@link
 * SampleSize}, allocated to the layers in proportion to their size and sampled uniformly from a
 * seed; or exhaustive lists of every element and bit of one layer. Activation lists are sized,
 * allocated and drawn the same way over the faultable node outputs ({@link ActivationTargets}),
 * per-image output values taking the place of weights.
 *
 * <pre>
 *   FaultTargets targets = FaultTargets.weights(graph);
 *   Allocation a = FaultListGenerator.allocate(targets, SampleSize.DEFAULT, NumberFormats.FP32);
 *   List&lt;Fault&gt; faults = FaultListGenerator.sample(a, 42, Sampler.PYTHON);
 * </pre>
 */
public final class FaultListGenerator {
    /** How many times a fault already in the list is redrawn before giving up. */
    public static final int MAX_ATTEMPTS = 1000;

    /** The random source of sampling. */
    public enum Sampler {
        /** {@link SplittableRandom}: reliant's own lists. */
        SPLITTABLE,
        /** CPython's {@code random} ({@link PythonRandom}): regenerates the published lists bit for bit. */
        PYTHON;

        /** A source of uniform integers in [0, n − 1], seeded. */
        IntUnaryOperator uniform(long seed) {
            if (this == PYTHON) {
                PythonRandom r = PythonRandom.seeded(seed);
                return r::randbelow;
            }
            SplittableRandom r = new SplittableRandom(seed);
            return r::nextInt;
        }
    }

    /**
     * How many faults each layer gets: {@code counts[l] = round_half_even(P_l × n / W)} with n
     * kept real-valued, so the list length {@link #total()} differs slightly from n.
     *
     * @param population N = W × bits × 2
     * @param n the real-valued sample size for N
     */
    public record Allocation(FaultTargets targets, int bits, double population, double n, int[] counts) {
        public Allocation {
            counts = counts.clone();
            if (counts.length != targets.size()) {
                throw new IllegalArgumentException(counts.length + " layer counts for " + targets.size() + " layers");
            }
            if (bits < 1 || bits > 32) {
                throw new IllegalArgumentException("values have 1 to 32 bits, got " + bits);
            }
            for (int c : counts) {
                if (c < 0) {
                    throw new IllegalArgumentException("negative fault count " + c);
                }
            }
        }

        /** The faults per layer, in layer order (a copy). */
        @Override
        public int[] counts() {
            return counts.clone();
        }

        /** The faults of layer {@code l}. */
        public int count(int l) {
            return counts[l];
        }

        /** The list length: the sum of the per-layer counts. */
        public int total() {
            int sum = 0;
            for (int c : counts) {
                sum = Math.addExact(sum, c);
            }
            return sum;
        }
    }

    /**
     * How many faults each faultable node output of an activation list gets:
     * {@code counts[l] = round_half_even(S_l × n / S)} with S_l the node's values per image and S
     * their sum over the nodes, n kept real-valued.
     *
     * @param population N = S × 32 × 2
     * @param n the real-valued sample size for N
     */
    public record ActivationAllocation(ActivationTargets targets, double population, double n, int[] counts) {
        public ActivationAllocation {
            counts = counts.clone();
            if (counts.length != targets.size()) {
                throw new IllegalArgumentException(counts.length + " node counts for " + targets.size() + " nodes");
            }
            for (int c : counts) {
                if (c < 0) {
                    throw new IllegalArgumentException("negative fault count " + c);
                }
            }
        }

        /** The faults per node, in graph order (a copy). */
        @Override
        public int[] counts() {
            return counts.clone();
        }

        /** The faults of node output {@code l}. */
        public int count(int l) {
            return counts[l];
        }

        /** The list length: the sum of the per-node counts. */
        public int total() {
            int sum = 0;
            for (int c : counts) {
                sum = Math.addExact(sum, c);
            }
            return sum;
        }
    }

    private FaultListGenerator() {}

    /** Sizes a statistical list for the targets with values stored in {@code format} (its width gives the bits). */
    public static Allocation allocate(FaultTargets targets, SampleSize size, NumberFormat format) {
        long w = targets.weightCount();
        if (w == 0) {
            throw new IllegalArgumentException("model " + targets.graph().name() + " has no faultable values");
        }
        double population = SampleSize.population(w, format.bits());
        double n = size.n(population);
        List<FaultTargets.Layer> layers = targets.layers();
        int[] counts = new int[layers.size()];
        for (int l = 0; l < counts.length; l++) {
            counts[l] = share(layers.get(l).numel(), n, w);
        }
        return new Allocation(targets, format.bits(), population, n, counts);
    }

    /**
     * Sizes a statistical activation list with the formula of weight lists: the population is
     * N = S × 32 × 2 for S values per image over all faultable nodes (fp32 bits, two stuck-at
     * polarities), allocated to the nodes in proportion to their output size.
     */
    public static ActivationAllocation allocate(ActivationTargets targets, SampleSize size) {
        long s = targets.valueCount();
        if (s == 0) {
            throw new IllegalArgumentException("model " + targets.graph().name() + " has no faultable node outputs");
        }
        double population = SampleSize.population(s, ActivationTargets.BITS);
        double n = size.n(population);
        List<ActivationTargets.NodeOutput> outputs = targets.outputs();
        int[] counts = new int[outputs.size()];
        for (int l = 0; l < counts.length; l++) {
            counts[l] = share(outputs.get(l).numel(), n, s);
        }
        return new ActivationAllocation(targets, population, n, counts);
    }

    /** round_half_even(values × n / weights): a layer's share of n faults. */
    static int share(long values, double n, long weights) {
        return (int) Math.rint(values * n / weights);
    }

    /**
     * Samples the allocated faults (§3): one generator seeded once; layers in order; for each
     * fault every index coordinate uniform in [0, dim − 1] in tensor order (a dimension of size 1
     * still draws), then the bit uniform in [0, bits − 1]; a (layer, index, bit) triple drawn
     * before is redrawn, at most {@value #MAX_ATTEMPTS} times. Rows come in generation order,
     * {@code Injection} 0 … F − 1.
     *
     * @throws IllegalArgumentException when a layer has fewer distinct faults than its count, or no
     *     new fault turned up within the attempts
     */
    public static List<Fault> sample(Allocation allocation, long seed, Sampler sampler) {
        IntUnaryOperator uniform = sampler.uniform(seed);
        List<FaultTargets.Layer> layers = allocation.targets().layers();
        List<Fault> faults = new ArrayList<>(allocation.total());
        for (int l = 0; l < layers.size(); l++) {
            FaultTargets.Layer layer = layers.get(l);
            sampleLayer(layer.name(), layer.shape(), allocation.count(l), allocation.bits(), uniform, faults);
        }
        return faults;
    }

    /**
     * Samples an activation list exactly as {@link #sample(Allocation, long, Sampler)} samples a
     * weight list: nodes in graph order, for each fault the coordinates of the per-image output
     * index ({@code (c, y, x)} or {@code (f)}) and then the bit uniformly, duplicates redrawn.
     */
    public static List<Fault> sample(ActivationAllocation allocation, long seed, Sampler sampler) {
        IntUnaryOperator uniform = sampler.uniform(seed);
        List<ActivationTargets.NodeOutput> outputs = allocation.targets().outputs();
        List<Fault> faults = new ArrayList<>(allocation.total());
        for (int l = 0; l < outputs.size(); l++) {
            ActivationTargets.NodeOutput o = outputs.get(l);
            sampleLayer(o.name(), o.shape(), allocation.count(l), ActivationTargets.BITS, uniform, faults);
        }
        return faults;
    }

    /** Appends {@code count} distinct faults of one tensor to {@code faults}, Injection continuing from its size. */
    private static void sampleLayer(String name, int[] shape, int count, int bits, IntUnaryOperator uniform,
                                    List<Fault> faults) {
        long numel = 1;
        for (int d : shape) {
            numel *= d;
        }
        long distinct = numel * bits;
        if (count > distinct) {
            throw new IllegalArgumentException("layer " + name + " has only " + distinct + " distinct faults ("
                    + numel + " values x " + bits + " bits) but is allocated " + count);
        }
        Set<Long> drawn = new HashSet<>(count * 2);
        for (int k = 0; k < count; k++) {
            int[] index = new int[shape.length];
            int bit = -1;
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                long flat = 0;
                for (int d = 0; d < shape.length; d++) {
                    index[d] = uniform.applyAsInt(shape[d]);
                    flat = flat * shape[d] + index[d];
                }
                int b = uniform.applyAsInt(bits);
                if (drawn.add(flat * bits + b)) {
                    bit = b;
                    break;
                }
            }
            if (bit < 0) {
                throw new IllegalArgumentException("layer " + name + ": no new fault after " + MAX_ATTEMPTS
                        + " attempts for fault " + (k + 1) + " of " + count + " (the layer has " + distinct
                        + " distinct faults)");
            }
            faults.add(new Fault(faults.size(), name, index, bit));
        }
    }

    /**
     * Every fault of one layer within a bit range: elements in row-major order, and for each
     * element the bits {@code fromBit … toBit} in increasing order.
     *
     * @throws IllegalArgumentException for a bit range outside the format or a list of more than
     *     {@link Integer#MAX_VALUE} rows
     */
    public static List<Fault> exhaustive(FaultTargets.Layer layer, int fromBit, int toBit, NumberFormat format) {
        format.checkBit(fromBit);
        format.checkBit(toBit);
        if (fromBit > toBit) {
            throw new IllegalArgumentException("bit range " + fromBit + "-" + toBit + " is empty (first bit > last)");
        }
        int bitCount = toBit - fromBit + 1;
        long rows = (long) layer.numel() * bitCount;
        if (rows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("an exhaustive list of layer " + layer.name() + " would have " + rows
                    + " rows; narrow the bit range");
        }
        int[] shape = layer.shape();
        int[] index = new int[shape.length];
        List<Fault> faults = new ArrayList<>((int) rows);
        for (int e = 0; e < layer.numel(); e++) {
            for (int b = fromBit; b <= toBit; b++) {
                faults.add(new Fault(faults.size(), layer.name(), index, b));
            }
            for (int d = shape.length - 1; d >= 0; d--) { // next row-major index
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return faults;
    }
}
