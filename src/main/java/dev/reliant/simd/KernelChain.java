package dev.reliant.simd;

import java.util.Random;

/**
 * A small network written directly against the kernels (conv, batch-norm affine, ReLU, option-A
 * shortcut with fused add+ReLU, depthwise conv, ReLU6, max pool, global average pool, linear,
 * log-softmax), used to check whole-chain properties: determinism across batch sizes, image
 * positions and thread counts (DESIGN invariant 1) and SIMD/plain equality end to end.
 *
 * <p>Input 3×16×16, output 10 log-probabilities per image. Weights come from a seed.
 */
public final class KernelChain {
    public static final int IN_CHANNELS = 3;
    public static final int SIZE = 16;
    public static final int CLASSES = 10;

    private final GemmKernels gemm;
    private final ConvKernels convs;
    private final ElementwiseKernels ew;
    private final PoolingKernels pool;
    private final SoftmaxKernels softmax;
    private final PreparedConv stem;
    private final PreparedConv blockA;
    private final PreparedConv blockB;
    private final PreparedConv depthwise;
    private final PackedMatrix fc;
    private final float[][] bnScale = new float[3][];
    private final float[][] bnShift = new float[3][];

    /** The chain on the SIMD kernels ({@code simd = true}) or on their plain twins. */
    public KernelChain(boolean simd, long seed) {
        this.gemm = simd ? GemmSimd.INSTANCE : GemmPlain.INSTANCE;
        this.convs = simd ? ConvSimd.INSTANCE : ConvPlain.INSTANCE;
        this.ew = simd ? ElementwiseSimd.INSTANCE : ElementwisePlain.INSTANCE;
        this.pool = simd ? PoolingSimd.INSTANCE : PoolingPlain.INSTANCE;
        this.softmax = simd ? SoftmaxSimd.INSTANCE : SoftmaxPlain.INSTANCE;
        Random rnd = new Random(seed);
        stem = prepare(rnd, ConvShape.of(3, SIZE, SIZE, 16, 3, 1, 1), true);
        blockA = prepare(rnd, ConvShape.of(16, SIZE, SIZE, 32, 3, 2, 1), false);
        blockB = prepare(rnd, ConvShape.of(32, SIZE / 2, SIZE / 2, 32, 3, 1, 1), false);
        depthwise = prepare(rnd, ConvShape.grouped(32, SIZE / 2, SIZE / 2, 32, 3, 1, 1, 32), true);
        int[] bnChannels = {16, 32, 32};
        for (int i = 0; i < 3; i++) {
            int c = bnChannels[i];
            float[] gamma = values(rnd, c, 0.5, 1.5);
            float[] beta = values(rnd, c, -0.2, 0.2);
            float[] mean = values(rnd, c, -0.5, 0.5);
            float[] var = values(rnd, c, 0.5, 2.0);
            bnScale[i] = new float[c];
            bnShift[i] = new float[c];
            ElementwiseKernels.foldBatchNorm(gamma, beta, mean, var, 1e-5, c, bnScale[i], bnShift[i]);
        }
        fc = gemm.pack(values(rnd, CLASSES * 32, -0.3, 0.3), 0, CLASSES, 32, 32, values(rnd, CLASSES, -0.1, 0.1));
    }

    private PreparedConv prepare(Random rnd, ConvShape s, boolean bias) {
        double bound = Math.sqrt(6.0 / s.depth());
        return convs.prepare(s, values(rnd, s.weightCount(), -bound, bound), 0,
                bias ? values(rnd, s.outChannels, -0.1, 0.1) : null);
    }

    private static float[] values(Random rnd, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return v;
    }

    /** Values of one input image. */
    public static int inputSize() {
        return IN_CHANNELS * SIZE * SIZE;
    }

    /** Runs {@code batch} images from in (at inOff) and writes [batch, 10] log-probabilities to out. */
    public void forward(float[] in, int inOff, int batch, float[] out, int outOff) {
        int s1 = 16 * SIZE * SIZE;
        int s2 = 32 * (SIZE / 2) * (SIZE / 2);
        float[] x1 = new float[batch * s1];
        convs.forward(stem, in, inOff, batch, x1, 0);
        ew.scaleShift(x1, 0, x1, 0, batch, 16, SIZE * SIZE, bnScale[0], bnShift[0]);
        ew.relu(x1, 0, x1, 0, x1.length);
        float[] a = new float[batch * s2];
        convs.forward(blockA, x1, 0, batch, a, 0);
        ew.scaleShift(a, 0, a, 0, batch, 32, s2 / 32, bnScale[1], bnShift[1]);
        ew.relu(a, 0, a, 0, a.length);
        float[] b = new float[batch * s2];
        convs.forward(blockB, a, 0, batch, b, 0);
        ew.scaleShift(b, 0, b, 0, batch, 32, s2 / 32, bnScale[2], bnShift[2]);
        float[] shortcut = new float[batch * s2];
        ChannelOps.padChannelsSubsample(x1, 0, batch, 16, SIZE, SIZE, 2, 8, 8, shortcut, 0);
        ew.addRelu(b, 0, shortcut, 0, b, 0, b.length);
        float[] d = new float[batch * s2];
        convs.forward(depthwise, b, 0, batch, d, 0);
        ew.relu6(d, 0, d, 0, d.length);
        float[] pooled = new float[batch * 32 * 4 * 4];
        pool.maxPool2d(d, 0, batch, 32, SIZE / 2, SIZE / 2, 2, 2, 2, 2, 0, 0, pooled, 0);
        float[] features = new float[batch * 32];
        pool.globalAvgPool(pooled, 0, batch, 32, 16, features, 0);
        float[] logits = new float[batch * CLASSES];
        gemm.linear(fc, features, 0, batch, logits, 0);
        softmax.logSoftmax(logits, 0, out, outOff, batch, CLASSES);
    }
}
