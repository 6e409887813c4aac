package dev.reliant.fault;

import dev.reliant.data.Dataset;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Activations;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.ops.Conv2d;
import dev.reliant.simd.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs a weight-fault campaign (specs/fault-injection.md §5): every fault of a list on every
 * image, each (fault, image) pair classified against the fault-free pass ({@link GoldenRun}).
 * With {@link Target#ACTIVATIONS} the list's faults are transient faults in node outputs
 * ({@link ActivationTargets}) instead, evaluated by an {@link ActivationReplica} per worker; the
 * order of work, the golden cache and the rows are the same.
 *
 * <p><b>Order of work.</b> Faults are taken in blocks, and for each block the images in chunks:
 * for each chunk the golden cache is captured once (every node's output, {@link Activations})
 * and every fault of the block runs on it through the {@link FastPathEngine}, or, with
 * {@link CampaignSettings#naive()}, through the whole network as the reference injector does.
 * The counts of a fault are complete when its block ends; the block's rows are handed to the
 * caller then (to be journaled), in list order.
 *
 * <p><b>Sizes.</b> A chunk holds as many images as fit a golden cache of about 256 MB (at most
 * 1/16 of the heap, 1 to 256 images), counting the convolutions' block sums the fast path may
 * keep: ResNet20 on CIFAR-10 needs about 1.5 MB per image for the node outputs and 2.4 MB for
 * the block sums in exact mode, so about 65 images per chunk. A block holds {@value #DEFAULT_BLOCK} faults: a
 * recapture costs one inference per image while a fault costs between almost nothing (masked
 * at the faulty node) and the rest of the network per image, typically a fifth of an inference
 * for the published ResNet20 list, so the recapture stays a few percent of the work, while a
 * killed run loses at most one block.
 *
 * <p><b>Threads.</b> The faults of a block run in parallel, claimed one at a time by the workers, each on its
 * own copy of the model ({@link CampaignReplica}: a fault changes weights); the golden cache is
 * shared read-only and captured with the kernels running in parallel. A fault's counts are sums
 * over images and do not depend on which worker ran it or on the thread count.
 */
public final class CampaignEngine {
    /** What the faults of a list address. */
    public enum Target {
        /** Stored weights: a fault is permanent for the whole campaign step. */
        WEIGHTS,
        /** Node outputs: a fault corrupts one value of a node's output in each image separately. */
        ACTIVATIONS
    }

    /** Faults per block unless the settings say otherwise. */
    public static final int DEFAULT_BLOCK = 128;
    private static final long CACHE_BYTES = 256L << 20;
    private static final int MAX_CHUNK = 256;

    private final Dataset data;
    private final Normalization norm;
    private final CampaignSettings settings;
    private final Target target;
    private final List<CampaignReplica> replicas = new ArrayList<>();
    private final List<ActivationReplica> activationReplicas = new ArrayList<>();
    private final int chunk;
    private final int block;
    private GoldenRun golden;

    /**
     * @param model makes a new instance of the model with its fault-free weights loaded, once
     *     per worker thread ({@link Parallel#threads()} at construction)
     * @param data the images, in campaign order (their labels give the top-1 accuracy)
     * @param norm the input normalisation
     */
    public CampaignEngine(Supplier<Graph> model, Dataset data, Normalization norm, CampaignSettings settings) {
        this(model, data, norm, settings, Target.WEIGHTS);
    }

    /**
     * A campaign of weight or activation faults; with activations the faultable weights are
     * still stored in the settings' format, and the faults flip fp32 bits of node outputs.
     */
    public CampaignEngine(Supplier<Graph> model, Dataset data, Normalization norm, CampaignSettings settings,
                          Target target) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("a campaign needs at least one image");
        }
        this.data = data;
        this.norm = norm;
        this.settings = settings;
        int threads = Parallel.threads();
        requireBatchIndependent(model.get());
        for (int t = 0; t < threads; t++) {
            Graph g = model.get();
            for (CampaignReplica r : replicas) {
                if (r.executor().graph() == g) {
                    throw new IllegalArgumentException("the model supplier must make a new graph per call");
                }
            }
            CampaignReplica r = new CampaignReplica(g, settings);
            replicas.add(r);
            if (target == Target.ACTIVATIONS) {
                activationReplicas.add(new ActivationReplica(r.executor(), settings));
            }
        }
        this.target = target;
        Graph g = replicas.get(0).executor().graph();
        if (!Arrays.equals(g.inputShape(), data.imageShape())) {
            throw new IllegalArgumentException("model '" + g.name() + "' takes images " + Arrays.toString(g.inputShape())
                    + " but " + data.name() + " has " + Arrays.toString(data.imageShape()));
        }
        this.chunk = Math.min(data.size(), settings.chunkImages() > 0 ? settings.chunkImages() : autoChunk(replicas.get(0)));
        this.block = settings.blockFaults() > 0 ? settings.blockFaults() : DEFAULT_BLOCK;
    }

    private static int autoChunk(CampaignReplica r) {
        Executor ex = r.executor();
        Graph g = ex.graph();
        long perImage = 0;
        for (int i = 0; i < g.size(); i++) {
            if (ex.storageOf(i) == i) {
                perImage += 4L * g.node(i).outputSize();
                // The fast path may also keep a convolution's fault-free block sums (FastPathEngine).
                if (g.node(i).op() instanceof Conv2d conv && conv.shape().channelBlocks() > 1) {
                    perImage += 4L * conv.shape().channelBlocks() * g.node(i).outputSize();
                }
            }
        }
        long budget = Math.min(CACHE_BYTES, Runtime.getRuntime().maxMemory() / 16);
        return (int) Math.max(1, Math.min(MAX_CHUNK, budget / Math.max(1, perImage)));
    }

    public CampaignSettings settings() {
        return settings;
    }

    /** What the faults address. */
    public Target target() {
        return target;
    }

    /** Images per chunk. */
    public int chunkImages() {
        return chunk;
    }

    /** Faults per block. */
    public int blockFaults() {
        return block;
    }

    /** Number of images. */
    public int images() {
        return data.size();
    }

    /** The stored weights of the first model instance (for resolving faults and reporting formats). */
    public StoredWeights weights() {
        return replicas.get(0).weights();
    }

    /**
     * Resolves a list against the model (the position of each fault is its index in the list):
     * weight faults against the stored weights, activation faults against the node outputs
     * ({@link ActivationTargets#resolve}).
     *
     * @throws IllegalArgumentException naming the first fault with an unknown layer or node, an
     *     index out of range or a bit beyond the format
     */
    public List<CampaignFault> resolve(List<Fault> faults) {
        if (target == Target.ACTIVATIONS) {
            Executor ex = replicas.get(0).executor();
            return ActivationTargets.of(ex.graph()).resolveAll(faults, ex);
        }
        return weights().resolveAll(faults, settings.faultModel(), settings.bitsPerFault());
    }

    /** The fault-free pass over all images (computed on first use). */
    public GoldenRun golden() {
        if (golden == null) {
            golden = GoldenRun.compute(replicas.get(0).executor(), data, norm, chunk);
        }
        return golden;
    }

    /**
     * Runs the faults (resolved by {@link #resolve}, any subset in any order) and hands each
     * finished block's rows, in the order given, to {@code blockDone}.
     */
    public void run(List<CampaignFault> faults, Consumer<List<CampaignRow>> blockDone, CampaignProgress progress) {
        GoldenRun gold = golden();
        int total = faults.size();
        long evaluationsTotal = (long) total * data.size();
        AtomicLong evaluations = new AtomicLong();
        AtomicInteger finished = new AtomicInteger();
        CampaignReplica capturer = replicas.get(0);
        Activations acts = settings.naive() ? null : capturer.executor().newActivations();
        float[] input = new float[Math.multiplyExact(chunk, data.imageSize())];
        for (int b0 = 0; b0 < total; b0 += block) {
            List<CampaignFault> part = faults.subList(b0, Math.min(total, b0 + block));
            OutcomeCounts[] counts = new OutcomeCounts[part.size()];
            Arrays.setAll(counts, i -> new OutcomeCounts());
            for (int start = 0; start < data.size(); start += chunk) {
                int count = Math.min(chunk, data.size() - start);
                data.batch(start, count, norm, input, 0);
                float[][] outputs = null;
                if (acts != null) {
                    capturer.executor().run(input, 0, count, acts);
                    outputs = GoldenChunk.arrays(acts);
                }
                GoldenChunk c = new GoldenChunk(start, count, input, outputs);
                boolean lastChunk = start + count == data.size();
                AtomicInteger next = new AtomicInteger();
                Parallel.forEach(Math.min(replicas.size(), part.size()), w -> {
                    CampaignReplica r = replicas.get(w);
                    ActivationReplica a = target == Target.ACTIVATIONS ? activationReplicas.get(w) : null;
                    for (int i = next.getAndIncrement(); i < part.size(); i = next.getAndIncrement()) {
                        if (a != null) {
                            a.evaluate(part.get(i), c, gold, settings.naive(), counts[i]);
                        } else {
                            r.evaluate(part.get(i), c, gold, settings.naive(), counts[i]);
                        }
                        int done = lastChunk ? finished.incrementAndGet() : finished.get();
                        progress.update(done, total, evaluations.addAndGet(count), evaluationsTotal);
                    }
                });
            }
            List<CampaignRow> rows = new ArrayList<>(part.size());
            for (int i = 0; i < part.size(); i++) {
                rows.add(new CampaignRow(part.get(i), counts[i]));
            }
            blockDone.accept(rows);
        }
    }

    /** Runs every fault and returns the rows in the given order. */
    public List<CampaignRow> run(List<CampaignFault> faults) {
        List<CampaignRow> rows = new ArrayList<>(faults.size());
        run(faults, rows::addAll, CampaignProgress.NONE);
        return rows;
    }

    /**
     * Refuses graphs whose outputs depend on the batch (SWIM's quantized layer outputs): the
     * fast path recomputes subsets of a chunk and the outcome would depend on the chunk size.
     */
    private static void requireBatchIndependent(Graph g) {
        for (var node : g.nodes()) {
            if (node.op().batchDependent()) {
                throw new IllegalArgumentException(g.name() + ": node " + node.name() + " (" + node.op().type()
                        + ") makes an image's output depend on its batch; fault campaigns need batch-independent "
                        + "models (use the float model)");
            }
        }
    }
}
