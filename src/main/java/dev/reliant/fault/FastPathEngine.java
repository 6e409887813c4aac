package dev.reliant.fault;

import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.graph.Node;
import dev.reliant.ops.Add;
import dev.reliant.ops.AvgPool2d;
import dev.reliant.ops.BatchNorm2d;
import dev.reliant.ops.Conv2d;
import dev.reliant.ops.Dropout;
import dev.reliant.ops.Identity;
import dev.reliant.ops.MaxPool2d;
import dev.reliant.ops.Op;
import dev.reliant.ops.OptionAShortcut;
import dev.reliant.ops.ReLU;
import dev.reliant.ops.ReLU6;
import dev.reliant.simd.ConvKernels;
import dev.reliant.simd.ConvShape;
import dev.reliant.simd.PreparedConv;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The fast path of a campaign (DESIGN.md, fault-injection engine): with a fault applied to the
 * model, recomputes only what the fault can change, starting from the golden cache of a chunk.
 *
 * <ol>
 *   <li>The faulty node is recomputed from its cached inputs; for a convolution weight at
 *       (o, i, kh, kw) only output channel o ({@link Conv2d#forwardChannels}), any other
 *       parameter the whole node.</li>
 *   <li>Every image whose output is bit-identical to its golden output is clean; the others are
 *       dirty and kept, packed one after the other, with their image numbers.</li>
 *   <li>The downstream nodes follow in topological order. A node none of whose inputs has a
 *       dirty image is skipped. Otherwise its inputs are gathered for the images dirty in any
 *       input (dirty values from the faulty buffers, clean ones from the golden cache), the node
 *       is computed on that packed batch, and the images whose output came out bit-identical
 *       drop out. When no dirty buffer is left the fault is masked for the rest of the chunk.</li>
 *   <li>While the dirty images differ from the golden ones in a single channel (after a
 *       convolution weight fault, through per-channel nodes: ReLU, batch norm, add, pooling,
 *       the option-A shortcut), the next convolution recomputes only the channel block holding
 *       that channel ({@link ConvKernels#forwardBlock}) and adds it to the chunk's golden block
 *       sums of the other blocks, in the order the forward adds them: the same bits for a
 *       fraction of the work.</li>
 *   <li>Images dirty at the output are classified from their faulty logits; every other image
 *       scores {@link GoldenRun#unchangedOutcome}.</li>
 * </ol>
 *
 * <p>The same propagation serves activation faults ({@link #evaluateValueFault}): there the
 * restart is not a recomputation but the golden output of the faulty node with one value per
 * image corrupted, each image carrying its own corrupted copy.
 *
 * <p>Each node is computed exactly as the {@link Executor} computes it with the same options
 * (a batch norm folded into its convolution, an Add fused with its ReLU) and every kernel gives
 * an image the same bits whatever its batch and position (DESIGN invariant 1), so the result is
 * the naive path's bit for bit. Buffers are released once their last consumer has run, so the
 * working memory is a few feature maps of the chunk. One instance per model instance; used by
 * one thread at a time.
 */
final class FastPathEngine {
    private final Graph graph;
    private final int n;
    private final int[] root;
    private final boolean[] computes;
    private final int[][] inputRoots;
    private final BatchNorm2d[] foldedBn;
    private final boolean[] fusedRelu;
    private final int[] sizes;
    /** For each computing node, the last computing node that reads it (the output: beyond the end). */
    private final int[] lastUse;
    private final int outputRoot;
    /** Per restart node, the computing nodes downstream of it, in order (made on first use). */
    private final int[][] downstream;
    private final List<float[]> free = new ArrayList<>();

    private int capacity;
    private int[][] dirty;
    private final int[] count;
    private final float[][] values;
    /** Per node with dirty images, the one channel in which they differ from golden, or −1 (several or unknown). */
    private final int[] dirtyChannel;
    private int[] union = new int[0];
    /** The corrupted values of the dirty images of a value fault. */
    private float[] corrupted = new float[0];
    private int[] mark = new int[0];
    private int epoch;

    FastPathEngine(Executor executor) {
        this.graph = executor.graph();
        this.n = graph.size();
        this.root = new int[n];
        this.computes = new boolean[n];
        this.inputRoots = new int[n][];
        this.foldedBn = new BatchNorm2d[n];
        this.fusedRelu = new boolean[n];
        this.sizes = new int[n];
        for (int i = 0; i < n; i++) {
            Node node = graph.node(i);
            root[i] = executor.storageOf(i);
            computes[i] = i > 0 && root[i] == i;
            sizes[i] = node.outputSize();
            inputRoots[i] = new int[node.inputCount()];
            for (int j = 0; j < node.inputCount(); j++) {
                inputRoots[i][j] = executor.storageOf(node.input(j));
            }
            int bn = executor.foldedBatchNorm(i);
            foldedBn[i] = bn >= 0 ? (BatchNorm2d) graph.node(bn).op() : null;
        }
        for (int i = 1; i < n; i++) {
            Op op = graph.node(i).op();
            if (op instanceof ReLU && root[i] != i && graph.node(root[i]).op() instanceof Add) {
                fusedRelu[root[i]] = true;
            }
        }
        this.lastUse = new int[n];
        for (int i = 1; i < n; i++) {
            if (computes[i]) {
                for (int r : inputRoots[i]) {
                    lastUse[r] = Math.max(lastUse[r], i);
                }
            }
        }
        this.outputRoot = root[graph.outputNode()];
        lastUse[outputRoot] = Integer.MAX_VALUE;
        this.downstream = new int[n][];
        this.dirty = new int[n][];
        this.count = new int[n];
        this.values = new float[n][];
        this.dirtyChannel = new int[n];
    }

    /** What a transient fault makes of one value of a node's output, given the fault-free value. */
    @FunctionalInterface
    interface ValueCorruption {
        float apply(float golden);
    }

    /**
     * Counts the outcomes of the fault (already applied to the model) on the chunk's images.
     *
     * @param golden the fault-free pass the chunk belongs to
     */
    void evaluate(CampaignFault fault, GoldenChunk chunk, GoldenRun golden, OutcomeCounts counts) {
        ensureCapacity(chunk.count());
        int f = root[fault.node()];
        propagate(f, () -> restart(fault, f, chunk), chunk, golden, counts);
    }

    /**
     * Counts the outcomes of a transient fault in a node's output on the chunk's images: in each
     * image the value at {@code offset} of node {@code node}'s stored output becomes
     * {@code corruption.apply(golden value)}, and everything downstream is recomputed from it. The
     * model itself is fault-free. Images whose value keeps its raw bits (a stuck-at that changes
     * nothing there) are clean from the start.
     *
     * @param node a node that stores its output ({@link Executor#storageOf} of itself)
     * @param offset the value's offset in one image's output
     */
    void evaluateValueFault(int node, int offset, ValueCorruption corruption, GoldenChunk chunk, GoldenRun golden,
                            OutcomeCounts counts) {
        if (!computes[node]) {
            throw new IllegalArgumentException("node " + graph.node(node).name() + " does not store its own output");
        }
        if (offset < 0 || offset >= sizes[node]) {
            throw new IllegalArgumentException("offset " + offset + " outside the " + sizes[node]
                    + " values of node " + graph.node(node).name());
        }
        ensureCapacity(chunk.count());
        propagate(node, () -> corrupt(node, offset, corruption, chunk), chunk, golden, counts);
    }

    /**
     * Runs the nodes downstream of {@code f} after {@code restart} has made f's dirty images and
     * values, classifies every image of the chunk and releases every buffer.
     */
    private void propagate(int f, IntSupplier restart, GoldenChunk chunk, GoldenRun golden, OutcomeCounts counts) {
        float[][] g = chunk.outputs();
        int[] nodes = downstreamOf(f);
        try {
            int live = restart.getAsInt() > 0 ? 1 : 0;
            for (int t = 0; t < nodes.length && live > 0; t++) {
                live += step(nodes[t], chunk);
            }
            int m = count[outputRoot];
            int[] images = dirty[outputRoot];
            float[] logits = values[outputRoot];
            int classes = sizes[outputRoot];
            for (int b = 0, p = 0; b < chunk.count(); b++) {
                int image = chunk.start() + b;
                if (p < m && images[p] == b) {
                    golden.countFaulty(image, logits, p * classes, counts);
                    p++;
                } else {
                    golden.countUnchanged(image, counts);
                }
            }
        } finally {
            release(f);
            for (int d : nodes) {
                release(d);
            }
        }
    }

    /** Corrupts one value of node f's golden output in every image; returns the number of dirty images. */
    private int corrupt(int f, int offset, ValueCorruption corruption, GoldenChunk chunk) {
        float[] gf = chunk.outputs()[f];
        int size = sizes[f];
        int[] d = dirty[f];
        int m = 0;
        for (int b = 0; b < chunk.count(); b++) {
            float v = gf[b * size + offset];
            float c = corruption.apply(v);
            if (Float.floatToRawIntBits(c) != Float.floatToRawIntBits(v)) {
                corrupted[m] = c;
                d[m++] = b;
            }
        }
        if (m > 0) {
            float[] out = take(m * size);
            for (int k = 0; k < m; k++) {
                System.arraycopy(gf, d[k] * size, out, k * size, size);
                out[k * size + offset] = corrupted[k];
            }
            values[f] = out;
        }
        int[] shape = graph.node(f).outputShape();
        dirtyChannel[f] = shape.length == 3 ? offset / (shape[1] * shape[2]) : -1;
        count[f] = m;
        return m;
    }

    /** Recomputes the faulty node for every image; returns the number of dirty images. */
    private int restart(CampaignFault fault, int f, GoldenChunk chunk) {
        float[][] g = chunk.outputs();
        int batch = chunk.count();
        int size = sizes[f];
        float[] gf = g[f];
        int[] d = dirty[f];
        int m = 0;
        dirtyChannel[f] = -1;
        if (fault.outChannel() >= 0 && fault.node() == f) {
            dirtyChannel[f] = fault.outChannel();
            Conv2d conv = (Conv2d) graph.node(f).op();
            int plane = size / conv.shape().outChannels;
            int o = fault.outChannel();
            float[] scratch = take(batch * size);
            conv.forwardChannels(foldedBn[f], g[inputRoots[f][0]], 0, batch, o, o + 1, scratch, 0);
            for (int b = 0; b < batch; b++) {
                int off = b * size + o * plane;
                if (!Arrays.equals(scratch, off, off + plane, gf, off, off + plane)) {
                    d[m++] = b;
                }
            }
            if (m > 0) {
                float[] out = take(m * size);
                for (int k = 0; k < m; k++) {
                    int b = d[k];
                    System.arraycopy(gf, b * size, out, k * size, size);
                    System.arraycopy(scratch, b * size + o * plane, out, k * size + o * plane, plane);
                }
                values[f] = out;
            }
            give(scratch);
        } else {
            int[] roots = inputRoots[f];
            float[][] ins = new float[roots.length][];
            for (int j = 0; j < roots.length; j++) {
                ins[j] = g[roots[j]];
            }
            float[] out = take(batch * size);
            compute(f, ins, batch, out);
            for (int b = 0; b < batch; b++) {
                if (!Arrays.equals(out, b * size, (b + 1) * size, gf, b * size, (b + 1) * size)) {
                    if (m != b) {
                        System.arraycopy(out, b * size, out, m * size, size);
                    }
                    d[m++] = b;
                }
            }
            if (m > 0) {
                values[f] = out;
            } else {
                give(out);
            }
        }
        count[f] = m;
        return m;
    }

    /**
     * Computes node i for the images dirty in any of its inputs; returns the change in the
     * number of live dirty buffers (+1 if i is dirty, −1 for each input buffer released).
     */
    private int step(int i, GoldenChunk chunk) {
        float[][] g = chunk.outputs();
        int[] roots = inputRoots[i];
        int u = union(roots);
        if (u == 0) {
            return 0;
        }
        float[][] ins = new float[roots.length][];
        boolean[] gathered = new boolean[roots.length];
        for (int j = 0; j < roots.length; j++) {
            int r = roots[j];
            if (count[r] == u) {
                ins[j] = values[r];
            } else {
                ins[j] = gather(r, u, g[r]);
                gathered[j] = true;
            }
        }
        int size = sizes[i];
        float[] out = take(u * size);
        int channel = singleDirtyChannel(roots);
        if (channel >= 0 && graph.node(i).op() instanceof Conv2d conv && conv.shape().channelBlocks() > 1) {
            computeOneBlock(i, conv, channel, ins[0], u, out, chunk);
        } else {
            compute(i, ins, u, out);
        }
        dirtyChannel[i] = channelAfter(i, channel);
        for (int j = 0; j < roots.length; j++) {
            if (gathered[j]) {
                give(ins[j]);
            }
        }
        float[] gi = g[i];
        int[] d = dirty[i];
        int m = 0;
        for (int k = 0; k < u; k++) {
            int b = union[k];
            if (!Arrays.equals(out, k * size, (k + 1) * size, gi, b * size, (b + 1) * size)) {
                if (m != k) {
                    System.arraycopy(out, k * size, out, m * size, size);
                }
                d[m++] = b;
            }
        }
        count[i] = m;
        int change = 0;
        if (m > 0) {
            values[i] = out;
            change++;
        } else {
            give(out);
        }
        for (int r : roots) {
            if (values[r] != null && lastUse[r] == i) {
                release(r);
                change--;
            }
        }
        return change;
    }

    /** The one channel in which every dirty input differs from golden, or −1. */
    private int singleDirtyChannel(int[] roots) {
        int channel = -1;
        for (int r : roots) {
            if (count[r] > 0) {
                if (dirtyChannel[r] < 0 || channel >= 0 && dirtyChannel[r] != channel) {
                    return -1;
                }
                channel = dirtyChannel[r];
            }
        }
        return channel;
    }

    /** The channel in which node i's output differs when its inputs differ in {@code channel} only, or −1. */
    private int channelAfter(int i, int channel) {
        if (channel < 0) {
            return -1;
        }
        Op op = graph.node(i).op();
        if (op instanceof ReLU || op instanceof ReLU6 || op instanceof BatchNorm2d || op instanceof Add
                || op instanceof MaxPool2d || op instanceof AvgPool2d || op instanceof Identity
                || op instanceof Dropout) {
            return graph.node(i).outputShape().length == 3 ? channel : -1;
        }
        if (op instanceof OptionAShortcut shortcut) {
            return channel + shortcut.padBefore();
        }
        return -1;
    }

    /**
     * Convolution node i on the u dirty images whose input differs from golden in one channel
     * only: that channel's block sum is recomputed from the dirty input, the other blocks come
     * from the chunk's golden block sums, and they are added in the forward's order.
     */
    private void computeOneBlock(int i, Conv2d conv, int channel, float[] in, int u, float[] out, GoldenChunk chunk) {
        PreparedConv prepared = conv.prepared(foldedBn[i]);
        ConvShape s = conv.shape();
        int block = (channel % s.inChannelsPerGroup()) / s.channelsPerBlock();
        int blocks = s.channelBlocks();
        int size = sizes[i];
        float[] goldenIn = chunk.outputs()[inputRoots[i][0]];
        float[][] golden = chunk.blockSums(i, node -> {
            float[][] sums = new float[blocks][chunk.count() * size];
            for (int j = 0; j < blocks; j++) {
                ConvKernels.get().forwardBlock(prepared, goldenIn, 0, chunk.count(), j, sums[j], 0);
            }
            return sums;
        });
        float[] fresh = take(u * size);
        ConvKernels.get().forwardBlock(prepared, in, 0, u, block, fresh, 0);
        for (int k = 0; k < u; k++) {
            int o = k * size;
            int gOff = union[k] * size;
            if (block == 0) {
                System.arraycopy(fresh, o, out, o, size);
            } else {
                System.arraycopy(golden[0], gOff, out, o, size);
            }
            for (int j = 1; j < blocks; j++) {
                float[] src = j == block ? fresh : golden[j];
                int so = j == block ? o : gOff;
                for (int e = 0; e < size; e++) {
                    out[o + e] = out[o + e] + src[so + e];
                }
            }
        }
        give(fresh);
    }

    /** The sorted union of the dirty images of the given nodes, into {@link #union}; returns its size. */
    private int union(int[] roots) {
        int dirtyInputs = 0;
        int single = -1;
        for (int r : roots) {
            if (count[r] > 0 && r != single) {
                dirtyInputs++;
                single = r;
            }
        }
        if (dirtyInputs == 0) {
            return 0;
        }
        if (dirtyInputs == 1) {
            System.arraycopy(dirty[single], 0, union, 0, count[single]);
            return count[single];
        }
        epoch++;
        int lo = Integer.MAX_VALUE;
        int hi = -1;
        for (int r : roots) {
            for (int k = 0; k < count[r]; k++) {
                int b = dirty[r][k];
                mark[b] = epoch;
                lo = Math.min(lo, b);
                hi = Math.max(hi, b);
            }
        }
        int u = 0;
        for (int b = lo; b <= hi; b++) {
            if (mark[b] == epoch) {
                union[u++] = b;
            }
        }
        return u;
    }

    /** Node r's values for the {@code u} images of {@link #union}: faulty where dirty, golden elsewhere. */
    private float[] gather(int r, int u, float[] golden) {
        int size = sizes[r];
        float[] out = take(u * size);
        int[] d = dirty[r];
        int m = count[r];
        float[] v = values[r];
        for (int k = 0, p = 0; k < u; k++) {
            int b = union[k];
            if (p < m && d[p] == b) {
                System.arraycopy(v, p * size, out, k * size, size);
                p++;
            } else {
                System.arraycopy(golden, b * size, out, k * size, size);
            }
        }
        return out;
    }

    /** Computes node i as the executor does (folded batch norm, fused add+ReLU). */
    private void compute(int i, float[][] ins, int batch, float[] out) {
        Op op = graph.node(i).op();
        int[] offs = new int[ins.length];
        if (foldedBn[i] != null) {
            ((Conv2d) op).forwardFolded(foldedBn[i], ins[0], 0, batch, out, 0);
        } else if (fusedRelu[i]) {
            ((Add) op).forwardRelu(ins, offs, batch, out, 0);
        } else {
            op.forward(ins, offs, batch, out, 0);
        }
    }

    private int[] downstreamOf(int f) {
        int[] d = downstream[f];
        if (d == null) {
            d = Arrays.stream(graph.downstream(f)).filter(i -> computes[i]).toArray();
            downstream[f] = d;
        }
        return d;
    }

    private void ensureCapacity(int batch) {
        if (batch <= capacity) {
            return;
        }
        capacity = batch;
        for (int i = 0; i < n; i++) {
            dirty[i] = computes[i] ? new int[batch] : null;
        }
        union = new int[batch];
        mark = new int[batch];
        corrupted = new float[batch];
        epoch = 0;
    }

    private void release(int i) {
        if (values[i] != null) {
            give(values[i]);
            values[i] = null;
        }
        count[i] = 0;
    }

    /** A free buffer of at least {@code size} floats (the smallest that fits), else a new one. */
    private float[] take(int size) {
        int best = -1;
        for (int k = 0; k < free.size(); k++) {
            int len = free.get(k).length;
            if (len >= size && (best < 0 || len < free.get(best).length)) {
                best = k;
            }
        }
        return best >= 0 ? free.remove(best) : new float[size];
    }

    private void give(float[] buffer) {
        free.add(buffer);
    }
}
