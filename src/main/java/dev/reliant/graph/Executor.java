package dev.reliant.graph;

import dev.reliant.ops.Add;
import dev.reliant.ops.BatchNorm2d;
import dev.reliant.ops.Conv2d;
import dev.reliant.ops.Op;
import dev.reliant.ops.ReLU;
import dev.reliant.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs batches through a {@link Graph} in topological order.
 *
 * <ul>
 *   <li>{@link #run(float[], int, int, float[], int)}: inference. Intermediate results live in
 *       reusable buffers assigned by liveness (a buffer is reused once its value is dead, and an
 *       element-wise operator writes into its input's buffer when that input is not needed
 *       later), so memory is a few feature maps, not one per node, and nothing is allocated
 *       per call while the batch size does not grow.</li>
 *   <li>{@link #run(float[], int, int, Activations)}: also keeps every node's output
 *       ({@link Activations}, the golden cache of the fault engine).</li>
 *   <li>{@link #runFrom(int, Activations, float[], int)}: recomputes one node and everything
 *       downstream of it, reading every other input from captured activations (which it does
 *       not modify): after a parameter of that node changed, this gives the new output; with
 *       nothing changed, the captured output bit for bit.</li>
 * </ul>
 *
 * <p>{@link Options}: {@code foldBatchNorm} folds a BatchNorm2d into the Conv2d before it when
 * the convolution's output feeds only that batch norm (the fold is remade when either one's
 * parameters change); {@code fuseAddRelu} computes an Add whose only consumer is a ReLU as one
 * add+ReLU pass. Without them every operator is computed as PyTorch computes it; with folding
 * results differ from PyTorch by rounding.
 *
 * <p>The kernels run in parallel over images and output values; an executor itself is used by
 * one thread at a time (so is its graph).
 */
public final class Executor {

    /** Execution options; immutable. */
    public static final class Options {
        private static final Options EXACT = new Options(false, false);
        private final boolean foldBatchNorm;
        private final boolean fuseAddRelu;

        private Options(boolean foldBatchNorm, boolean fuseAddRelu) {
            this.foldBatchNorm = foldBatchNorm;
            this.fuseAddRelu = fuseAddRelu;
        }

        /** Every operator on its own, as PyTorch computes them (the default). */
        public static Options exact() {
            return EXACT;
        }

        /** Batch norms folded into convolutions and add+ReLU fused. */
        public static Options fast() {
            return new Options(true, true);
        }

        public Options foldBatchNorm(boolean on) {
            return new Options(on, fuseAddRelu);
        }

        public Options fuseAddRelu(boolean on) {
            return new Options(foldBatchNorm, on);
        }

        public boolean foldBatchNorm() {
            return foldBatchNorm;
        }

        public boolean fuseAddRelu() {
            return fuseAddRelu;
        }

        @Override
        public String toString() {
            return "foldBatchNorm=" + foldBatchNorm + ", fuseAddRelu=" + fuseAddRelu;
        }
    }

    private final Graph graph;
    private final Options options;
    private final int n;
    /** -1 when the node computes its output, else the node whose storage it shares. */
    private final int[] aliasOf;
    /** The node that computes the values a node's output shares (itself when it computes). */
    private final int[] root;
    /** For a convolution: the batch norm folded into it, else -1. */
    private final int[] foldedBn;
    /** For an Add: true when it also applies the ReLU that follows. */
    private final boolean[] fusedRelu;
    private final Plan[] plans;
    /** Reusable buffers, indexed by the plans' slot numbers. */
    private float[][] pool = new float[0][];
    private long bufferFloats;

    // External operands of the plan being executed.
    private float[] extInput;
    private int extInputOff;
    private float[][] extActs;

    public Executor(Graph graph) {
        this(graph, Options.exact());
    }

    public Executor(Graph graph, Options options) {
        this.graph = graph;
        this.options = options;
        this.n = graph.size();
        this.aliasOf = new int[n];
        this.root = new int[n];
        this.foldedBn = new int[n];
        this.fusedRelu = new boolean[n];
        Arrays.fill(aliasOf, -1);
        Arrays.fill(foldedBn, -1);
        for (int i = 1; i < n; i++) {
            Node node = graph.node(i);
            Op op = node.op();
            int p = node.inputCount() == 1 ? node.input(0) : -1;
            boolean soleConsumer = p >= 0 && graph.consumersUnsafe(p).length == 1;
            if (op.isView()) {
                aliasOf[i] = p;
            } else if (options.foldBatchNorm && op instanceof BatchNorm2d && soleConsumer
                    && graph.node(p).op() instanceof Conv2d && foldedBn[p] < 0) {
                foldedBn[p] = i;
                aliasOf[i] = p;
            } else if (options.fuseAddRelu && op instanceof ReLU && soleConsumer && graph.node(p).op() instanceof Add) {
                fusedRelu[p] = true;
                aliasOf[i] = p;
            }
            root[i] = aliasOf[i] < 0 ? i : root[aliasOf[i]];
        }
        this.plans = new Plan[n];
    }

    public Graph graph() {
        return graph;
    }

    public Options options() {
        return options;
    }

    /**
     * The node whose output array a node's output is (itself, or for views, folded batch norms
     * and fused ReLUs the node that computes the shared values).
     */
    public int storageOf(int node) {
        graph.node(node);
        return root[node];
    }

    /** For a convolution with a batch norm folded in, that batch norm's node; else -1. */
    public int foldedBatchNorm(int node) {
        graph.node(node);
        return foldedBn[node];
    }

    /** Total floats of the reusable buffers (grows only when a batch or plan needs more). */
    public long bufferFloats() {
        return bufferFloats;
    }

    /** New, empty activations for this executor. */
    public Activations newActivations() {
        return new Activations(this);
    }

    // ------------------------------------------------------------------ running

    /**
     * Runs {@code batch} images ({@code batch × inputSize} values from inOff) and writes the
     * outputs ({@code batch × outputSize} values) to out from outOff.
     */
    public void run(float[] input, int inOff, int batch, float[] out, int outOff) {
        checkInput(input, inOff, batch);
        checkOutput(out, outOff, batch);
        execute(plan(0), batch, input, inOff, null, out, outOff);
    }

    /** Runs a batch {@code [N, ...inputShape]} and returns {@code [N, ...outputShape]}. */
    public Tensor run(Tensor input) {
        int batch = batchOf(input);
        int[] os = graph.outputShape();
        int[] shape = new int[os.length + 1];
        shape[0] = batch;
        System.arraycopy(os, 0, shape, 1, os.length);
        Tensor out = Tensor.zeros(shape);
        run(input.data(), 0, batch, out.data(), 0);
        return out;
    }

    /** Runs a batch and keeps every node's output in {@code acts} (made by this executor). */
    public void run(float[] input, int inOff, int batch, Activations acts) {
        checkInput(input, inOff, batch);
        checkOwn(acts);
        if (batch == 0) {
            throw new IllegalArgumentException("batch must be at least 1 to capture activations");
        }
        acts.ensure(batch);
        float[][] a = acts.arrays();
        System.arraycopy(input, inOff, a[0], 0, batch * graph.node(0).outputSize());
        Plan full = plan(0);
        for (int t = 0; t < full.steps.length; t++) {
            int i = full.steps[t];
            float[][] ins = full.inArrays[t];
            int[] offs = full.inOffsets[t];
            Node node = graph.node(i);
            for (int j = 0; j < ins.length; j++) {
                ins[j] = a[root[node.input(j)]];
                offs[j] = 0;
            }
            compute(i, ins, offs, batch, a[i], 0);
            Arrays.fill(ins, null);
        }
    }

    /** Runs a batch {@code [N, ...inputShape]} and returns new activations holding every node's output. */
    public Activations capture(Tensor input) {
        Activations acts = newActivations();
        run(input.data(), 0, batchOf(input), acts);
        return acts;
    }

    /**
     * Recomputes node {@code node} and every node downstream of it for the batch captured in
     * {@code acts}, reading the other nodes' outputs from {@code acts} (not modified), and writes
     * the model output to out from outOff. For a batch norm folded into its convolution (or a
     * ReLU fused into its Add) the computation starts at the node that computes it.
     */
    public void runFrom(int node, Activations acts, float[] out, int outOff) {
        graph.node(node);
        checkOwn(acts);
        acts.requireCaptured();
        checkOutput(out, outOff, acts.batch());
        execute(plan(node), acts.batch(), null, 0, acts.arrays(), out, outOff);
    }

    /** {@link #runFrom(int, Activations, float[], int)} into a new array. */
    public float[] runFrom(int node, Activations acts) {
        acts.requireCaptured();
        float[] out = new float[acts.batch() * graph.node(graph.outputNode()).outputSize()];
        runFrom(node, acts, out, 0);
        return out;
    }

    /**
     * Computes one node's output from its inputs' captured values into out (from outOff), as
     * this executor computes it (a folded convolution includes its batch norm; a node that only
     * shares storage copies its source's captured values).
     */
    public void computeNode(int node, Activations acts, float[] out, int outOff) {
        Node nd = graph.node(node);
        checkOwn(acts);
        acts.requireCaptured();
        float[][] a = acts.arrays();
        int batch = acts.batch();
        if (root[node] != node) {
            System.arraycopy(a[node], 0, out, outOff, batch * nd.outputSize());
            return;
        }
        float[][] ins = new float[nd.inputCount()][];
        int[] offs = new int[nd.inputCount()];
        for (int j = 0; j < ins.length; j++) {
            ins[j] = a[root[nd.input(j)]];
        }
        compute(node, ins, offs, batch, out, outOff);
    }

    private void compute(int i, float[][] ins, int[] offs, int batch, float[] out, int outOff) {
        Op op = graph.node(i).op();
        if (foldedBn[i] >= 0) {
            ((Conv2d) op).forwardFolded((BatchNorm2d) graph.node(foldedBn[i]).op(), ins[0], offs[0], batch, out, outOff);
        } else if (fusedRelu[i]) {
            ((Add) op).forwardRelu(ins, offs, batch, out, outOff);
        } else {
            op.forward(ins, offs, batch, out, outOff);
        }
    }

    private void execute(Plan p, int batch, float[] input, int inOff, float[][] acts, float[] out, int outOff) {
        if (batch == 0) {
            return;
        }
        ensurePool(p, batch);
        extInput = input;
        extInputOff = inOff;
        extActs = acts;
        try {
            for (int t = 0; t < p.steps.length; t++) {
                int[] refs = p.inRefs[t];
                float[][] ins = p.inArrays[t];
                int[] offs = p.inOffsets[t];
                for (int j = 0; j < refs.length; j++) {
                    ins[j] = array(refs[j]);
                    offs[j] = offset(refs[j]);
                }
                compute(p.steps[t], ins, offs, batch, pool[p.outSlot[t]], 0);
                Arrays.fill(ins, null);
            }
            int size = graph.node(graph.outputNode()).outputSize();
            System.arraycopy(array(p.outputRef), offset(p.outputRef), out, outOff, batch * size);
        } finally {
            extInput = null;
            extActs = null;
        }
    }

    /** A reference is a buffer slot (>= 0) or an external node's output (-1 - node). */
    private float[] array(int ref) {
        if (ref >= 0) {
            return pool[ref];
        }
        int node = -1 - ref;
        return node == 0 && extInput != null ? extInput : extActs[node];
    }

    private int offset(int ref) {
        return ref < 0 && -1 - ref == 0 && extInput != null ? extInputOff : 0;
    }

    private void ensurePool(Plan p, int batch) {
        if (pool.length < p.slotSizes.length) {
            pool = Arrays.copyOf(pool, p.slotSizes.length);
        }
        for (int s = 0; s < p.slotSizes.length; s++) {
            long need = (long) p.slotSizes[s] * batch;
            if (need > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("batch of " + batch + " images needs a buffer of " + need
                        + " floats; use smaller batches");
            }
            if (pool[s] == null || pool[s].length < need) {
                bufferFloats += need - (pool[s] == null ? 0 : pool[s].length);
                pool[s] = new float[(int) need];
            }
        }
    }

    private void checkInput(float[] input, int inOff, int batch) {
        if (batch < 0) {
            throw new IllegalArgumentException("batch must be >= 0, got " + batch);
        }
        long need = (long) batch * graph.node(0).outputSize();
        if (input == null || inOff < 0 || inOff + need > input.length) {
            throw new IllegalArgumentException("input of model '" + graph.name() + "': " + batch + " images of "
                    + dev.reliant.tensor.Shapes.toString(graph.inputShape()) + " need " + need + " values from offset "
                    + inOff + ", the array has " + (input == null ? "none" : input.length));
        }
    }

    private void checkOutput(float[] out, int outOff, int batch) {
        long need = (long) batch * graph.node(graph.outputNode()).outputSize();
        if (out == null || outOff < 0 || outOff + need > out.length) {
            throw new IllegalArgumentException("output of model '" + graph.name() + "': " + batch + " images need "
                    + need + " values from offset " + outOff + ", the array has " + (out == null ? "none" : out.length));
        }
    }

    private int batchOf(Tensor input) {
        int[] s = input.shape();
        int[] is = graph.inputShape();
        boolean ok = s.length == is.length + 1;
        for (int d = 0; ok && d < is.length; d++) {
            ok = s[d + 1] == is[d];
        }
        if (!ok) {
            throw new IllegalArgumentException("input of model '" + graph.name() + "': expected shape [N, "
                    + dev.reliant.tensor.Shapes.toString(is).substring(1) + ", got " + input.shapeString());
        }
        return s[0];
    }

    private void checkOwn(Activations acts) {
        if (acts.executor() != this) {
            throw new IllegalArgumentException("these activations were captured by another executor");
        }
    }

    // ------------------------------------------------------------------ plans

    private Plan plan(int start) {
        Plan p = plans[start];
        if (p == null) {
            p = new Plan(start);
            plans[start] = p;
        }
        return p;
    }

    /**
     * What to compute from a start node on, and in which buffers: the start node and its
     * downstream nodes (the input node is never computed), each computing node writing into a
     * slot chosen by liveness.
     */
    private final class Plan {
        final int[] steps;
        final int[][] inRefs;
        final int[] outSlot;
        final int outputRef;
        final int[] slotSizes;
        final float[][][] inArrays;
        final int[][] inOffsets;

        Plan(int start) {
            int s = start;
            if (aliasOf[s] >= 0 && !graph.node(s).op().isView()) {
                s = aliasOf[s]; // a folded batch norm or fused ReLU is computed by its source node
            }
            boolean[] inR = new boolean[n];
            inR[s] = s != 0;
            for (int d : graph.downstreamUnsafe(s)) {
                inR[d] = true;
            }
            List<Integer> stepList = new ArrayList<>();
            for (int i = 1; i < n; i++) {
                if (inR[i] && aliasOf[i] < 0) {
                    stepList.add(i);
                }
            }
            steps = stepList.stream().mapToInt(Integer::intValue).toArray();
            int[] stepOf = new int[n];
            Arrays.fill(stepOf, -1);
            for (int t = 0; t < steps.length; t++) {
                stepOf[steps[t]] = t;
            }
            // Last step reading each computed node's values (through any alias); the output lives to the end.
            int[] lastUse = new int[n];
            Arrays.fill(lastUse, -1);
            for (int t = 0; t < steps.length; t++) {
                for (int in : graph.node(steps[t]).inputs()) {
                    int r = root[in];
                    if (inR[r]) {
                        lastUse[r] = t;
                    }
                }
            }
            int outRoot = root[n - 1];
            if (inR[outRoot]) {
                lastUse[outRoot] = Integer.MAX_VALUE;
            }
            // Slot assignment.
            List<Integer> sizes = new ArrayList<>();
            List<Integer> free = new ArrayList<>();
            int[] slotOf = new int[n];
            Arrays.fill(slotOf, -1);
            outSlot = new int[steps.length];
            inRefs = new int[steps.length][];
            inArrays = new float[steps.length][][];
            inOffsets = new int[steps.length][];
            for (int t = 0; t < steps.length; t++) {
                int i = steps[t];
                Node node = graph.node(i);
                int[] inputs = node.inputs();
                inRefs[t] = new int[inputs.length];
                for (int j = 0; j < inputs.length; j++) {
                    int r = root[inputs[j]];
                    inRefs[t][j] = inR[r] ? slotOf[r] : -1 - r;
                }
                inArrays[t] = new float[inputs.length][];
                inOffsets[t] = new int[inputs.length];
                int need = node.outputSize();
                int chosen = -1;
                int k = foldedBn[i] >= 0 ? -1 : node.op().inPlaceInput();
                if (k >= 0) {
                    int r = root[inputs[k]];
                    if (inR[r] && lastUse[r] == t && sizes.get(slotOf[r]) >= need) {
                        chosen = slotOf[r];
                    }
                }
                if (chosen < 0) {
                    chosen = takeFree(free, sizes, need);
                }
                slotOf[i] = chosen;
                outSlot[t] = chosen;
                for (int in : inputs) {
                    int r = root[in];
                    if (inR[r] && lastUse[r] == t && slotOf[r] != chosen && !free.contains(slotOf[r])) {
                        free.add(slotOf[r]);
                    }
                }
            }
            int r = root[n - 1];
            outputRef = inR[r] ? slotOf[r] : -1 - r;
            slotSizes = sizes.stream().mapToInt(Integer::intValue).toArray();
        }

        /** The smallest free slot that fits, else the largest free slot grown to fit, else a new slot. */
        private int takeFree(List<Integer> free, List<Integer> sizes, int need) {
            int best = -1;
            int largest = -1;
            for (int f : free) {
                int size = sizes.get(f);
                if (size >= need && (best < 0 || size < sizes.get(best))) {
                    best = f;
                }
                if (largest < 0 || size > sizes.get(largest)) {
                    largest = f;
                }
            }
            int chosen = best >= 0 ? best : largest;
            if (chosen < 0) {
                sizes.add(need);
                return sizes.size() - 1;
            }
            free.remove(Integer.valueOf(chosen));
            sizes.set(chosen, Math.max(sizes.get(chosen), need));
            return chosen;
        }
    }
}
