package dev.reliant.fault;

import dev.reliant.data.Dataset;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Activations;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.tensor.NumberFormat;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Random multi-bit faults at a bit error rate, repeated (specs/fault-injection.md §10, SentinelNN
 * style). Each faultable layer l (every weight of rank ≥ 2) gets k_l = floor(BER · numel_l ·
 * bits) faults, where bits is the stored format's width (32 for fp32); each fault draws every
 * index coordinate and the bit uniformly, with replacement, so a position drawn twice is
 * flipped twice and cancels. Every repeat starts from the clean weights with a fresh fault map
 * and is evaluated on every image.
 *
 * <p>Repeat r draws its map from {@code SplittableRandom(seed + r · 0x9E3779B97F4A7C15)}: the
 * same seed gives the same maps whatever the chunking and thread count, and any repeat can be
 * redrawn alone. Images are processed in chunks (outer loop) with every repeat inside: the
 * chunk's fault-free activations are captured once, and each repeat is recomputed with
 * {@link Executor#runFrom} from the latest node that precedes every faulty layer.
 */
public final class BerCampaign {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final Graph graph;
    private final Executor executor;
    private final StoredWeights weights;
    private final Dataset data;
    private final Normalization norm;
    private final double ber;
    private final int chunk;
    private final List<FaultTargets.Layer> layers;
    private final int[] perLayer;
    private GoldenRun golden;

    /**
     * @param graph the model with its fault-free weights (its targets are quantized to
     *     {@code format} in place)
     * @param ber the bit error rate, in [0, 1]
     * @param chunk images per chunk (≥ 1)
     */
    public BerCampaign(Graph graph, Dataset data, Normalization norm, double ber, CampaignFormat format,
                       Executor.Options options, int chunk) {
        if (!(ber >= 0 && ber <= 1)) {
            throw new IllegalArgumentException("bit error rate must be in [0, 1], got " + ber);
        }
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk must be at least 1 image, got " + chunk);
        }
        if (data.size() == 0) {
            throw new IllegalArgumentException("a BER campaign needs at least one image");
        }
        this.graph = graph;
        this.executor = new Executor(graph, options);
        this.weights = new StoredWeights(graph, FaultTargets.weights(graph), format);
        this.data = data;
        this.norm = norm;
        this.ber = ber;
        this.chunk = Math.min(chunk, data.size());
        this.layers = weights.targets().layers();
        this.perLayer = new int[layers.size()];
        for (int l = 0; l < perLayer.length; l++) {
            perLayer[l] = (int) Math.floor(ber * layers.get(l).numel() * (double) format.bits());
        }
    }

    /** The bit error rate. */
    public double ber() {
        return ber;
    }

    /** k_l per faultable layer, in state_dict order. */
    public int[] faultsPerLayer() {
        return perLayer.clone();
    }

    /** Faults per repeat: the sum of k_l. */
    public int faultsPerRepeat() {
        int k = 0;
        for (int n : perLayer) {
            k += n;
        }
        return k;
    }

    /** The fault-free pass (computed on first use). */
    public GoldenRun golden() {
        if (golden == null) {
            golden = GoldenRun.compute(executor, data, norm, chunk);
        }
        return golden;
    }

    /** One fault of a map: a layer, an element and a bit. */
    record BitFault(int layer, int flat, int bit) {}

    /** The fault map of repeat r: layer (index in the targets), element and bit of each fault, in order. */
    List<BitFault> faultMap(long seed, int repeat) {
        SplittableRandom rnd = new SplittableRandom(seed + repeat * GOLDEN_GAMMA);
        List<BitFault> map = new ArrayList<>(faultsPerRepeat());
        for (int l = 0; l < perLayer.length; l++) {
            int[] shape = layers.get(l).shape();
            int bits = weights.formatOf(layers.get(l).name()).bits();
            for (int k = 0; k < perLayer[l]; k++) {
                int flat = 0;
                for (int d : shape) {
                    flat = flat * d + rnd.nextInt(d);
                }
                map.add(new BitFault(l, flat, rnd.nextInt(bits)));
            }
        }
        return map;
    }

    /**
     * Runs {@code repeats} repeats with the given seed; {@code afterChunk} is told how many images
     * are done after each chunk. Returns the repeats in order.
     */
    public List<BerRepeat> run(int repeats, long seed, IntConsumer afterChunk) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        List<BerRepeat> out = new ArrayList<>(repeats);
        run(0, repeats, seed, repeats, out::addAll, afterChunk);
        return out;
    }

    /**
     * Runs repeats {@code from} to {@code to − 1} in blocks of {@code block} repeats, handing each
     * finished block's rows (in order) to {@code blockDone}. A repeat's result depends only on the
     * seed and its number, so a run split into blocks, or resumed from any repeat, gives the rows
     * of one uninterrupted run. Each block captures the fault-free activations of every chunk
     * again (one inference per image), so larger blocks cost less and lose more when killed.
     *
     * @param afterChunk told the images done in the current block after each chunk
     */
    public void run(int from, int to, long seed, int block, Consumer<List<BerRepeat>> blockDone,
                    IntConsumer afterChunk) {
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("repeats " + from + " to " + to + " is empty");
        }
        if (block < 1) {
            throw new IllegalArgumentException("block must be at least 1 repeat, got " + block);
        }
        for (int r0 = from; r0 < to; r0 += block) {
            blockDone.accept(runBlock(r0, Math.min(to, r0 + block), seed, afterChunk));
        }
    }

    private List<BerRepeat> runBlock(int from, int to, long seed, IntConsumer afterChunk) {
        GoldenRun gold = golden();
        int n = to - from;
        OutcomeCounts[] counts = new OutcomeCounts[n];
        int[] injected = new int[n];
        for (int r = 0; r < n; r++) {
            counts[r] = new OutcomeCounts();
        }
        int classes = gold.classes();
        Activations acts = executor.newActivations();
        float[] input = new float[Math.multiplyExact(chunk, data.imageSize())];
        float[] logits = new float[chunk * classes];
        for (int start = 0; start < data.size(); start += chunk) {
            int count = Math.min(chunk, data.size() - start);
            data.batch(start, count, norm, input, 0);
            executor.run(input, 0, count, acts);
            for (int r = 0; r < n; r++) {
                List<BitFault> map = faultMap(seed, from + r);
                injected[r] = map.size();
                float[] saved = new float[map.size()];
                BitSet faulty = new BitSet(graph.size());
                for (int k = 0; k < map.size(); k++) {
                    BitFault f = map.get(k);
                    FaultTargets.Layer layer = layers.get(f.layer());
                    NumberFormat fmt = weights.formatOf(layer.name());
                    float w = layer.parameter().data()[f.flat()];
                    saved[k] = w;
                    graph.setParameterElement(layer.parameterName(), f.flat(),
                            FaultModel.BIT_FLIP.apply(fmt, w, f.bit(), 1));
                    faulty.set(graph.parameterOwner(layer.parameterName()));
                }
                try {
                    if (faulty.isEmpty()) {
                        for (int b = 0; b < count; b++) {
                            gold.countUnchanged(start + b, counts[r]);
                        }
                    } else {
                        executor.runFrom(restartNode(faulty), acts, logits, 0);
                        for (int b = 0; b < count; b++) {
                            gold.countFaulty(start + b, logits, b * classes, counts[r]);
                        }
                    }
                } finally {
                    for (int k = map.size() - 1; k >= 0; k--) {
                        FaultTargets.Layer layer = layers.get(map.get(k).layer());
                        graph.setParameterElement(layer.parameterName(), map.get(k).flat(), saved[k]);
                    }
                }
            }
            afterChunk.accept(start + count);
        }
        List<BerRepeat> out = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            out.add(new BerRepeat(from + r, injected[r], counts[r]));
        }
        return out;
    }

    /**
     * The latest node from which every faulty node is recomputed: the first faulty node when the
     * others lie downstream of it (a chain), else an earlier node whose downstream covers them
     * all (faults on parallel branches).
     */
    int restartNode(BitSet faulty) {
        for (int d = faulty.nextSetBit(0); d > 0; d--) {
            BitSet reach = new BitSet(graph.size());
            reach.set(d);
            for (int i : graph.downstream(d)) {
                reach.set(i);
            }
            BitSet missing = (BitSet) faulty.clone();
            missing.andNot(reach);
            if (missing.isEmpty()) {
                return d;
            }
        }
        return 0;
    }
}
