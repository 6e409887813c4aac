package dev.reliant.simd;

import java.util.Locale;
import java.util.Random;

/**
 * Runs every SIMD kernel family against its plain twin on shapes that hit every tail, for
 * {@code reliant selftest}. Each method returns a one-line detail or throws AssertionError
 * naming the first differing value. All twins are specified to agree bit for bit.
 */
public final class TwinComparison {
    private TwinComparison() {}

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    private static long compareBits(String what, float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + ", expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(String.format(Locale.ROOT, "%s [%d]: simd %s, plain %s", what, i,
                        actual[i], expected[i]));
            }
        }
        return expected.length;
    }

    private static String detail(long values, int cases) {
        return "bit-identical over " + values + " values in " + cases + " cases";
    }

    /** GEMM and linear over sizes 1 … 100 and K beyond one cache block. */
    public static String gemm() {
        Random rnd = new Random(11);
        int[][] shapes = {{1, 1, 1}, {3, 7, 9}, {8, 15, 17}, {33, 100, 7}, {17, 9, 300}, {100, 33, 257}};
        long values = 0;
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            float[] a = random(rnd, m * k);
            float[] b = random(rnd, k * n);
            float[] bias = random(rnd, m);
            float[] cs = new float[m * n];
            float[] cp = new float[m * n];
            GemmSimd.INSTANCE.multiply(GemmSimd.INSTANCE.pack(a, 0, m, k, k, bias), 0, m, b, 0, n, n, cs, 0, n);
            GemmPlain.INSTANCE.multiply(GemmPlain.INSTANCE.pack(a, 0, m, k, k, bias), 0, m, b, 0, n, n, cp, 0, n);
            values += compareBits("gemm " + m + "x" + n + "x" + k, cp, cs);
            float[] ys = new float[n * m];
            float[] yp = new float[n * m];
            float[] x = random(rnd, n * k);
            GemmSimd.INSTANCE.linear(GemmSimd.INSTANCE.pack(a, 0, m, k, k, bias), x, 0, n, ys, 0);
            GemmPlain.INSTANCE.linear(GemmPlain.INSTANCE.pack(a, 0, m, k, k, bias), x, 0, n, yp, 0);
            values += compareBits("linear " + k + "->" + m + " batch " + n, yp, ys);
        }
        return detail(values, 2 * shapes.length);
    }

    /** Convolutions: 3×3 stride 1 and 2, 1×1, 5×5, dilation, groups, depthwise. */
    public static String conv() {
        Random rnd = new Random(12);
        ConvShape[] shapes = {
            ConvShape.of(3, 32, 32, 16, 3, 1, 1), ConvShape.of(16, 9, 9, 33, 3, 2, 1), ConvShape.of(7, 15, 17, 9, 1, 1, 0),
            ConvShape.of(5, 17, 8, 13, 5, 1, 2), new ConvShape(6, 11, 13, 6, 3, 3, 1, 1, 2, 2, 2, 2, 1),
            ConvShape.grouped(6, 12, 10, 9, 3, 1, 1, 3), ConvShape.grouped(17, 33, 33, 17, 3, 1, 1, 17),
            ConvShape.grouped(8, 15, 15, 8, 3, 2, 1, 8), ConvShape.of(20, 7, 7, 12, 3, 1, 1)};
        long values = 0;
        for (ConvShape s : shapes) {
            int batch = 3;
            float[] w = random(rnd, s.weightCount());
            float[] bias = random(rnd, s.outChannels);
            float[] in = random(rnd, batch * s.inputSize());
            float[] os = new float[batch * s.outputSize()];
            float[] op = new float[batch * s.outputSize()];
            ConvSimd.INSTANCE.forward(ConvSimd.INSTANCE.prepare(s, w, 0, bias), in, 0, batch, os, 0);
            ConvPlain.INSTANCE.forward(ConvPlain.INSTANCE.prepare(s, w, 0, bias), in, 0, batch, op, 0);
            values += compareBits(s.toString(), op, os);
        }
        return detail(values, shapes.length);
    }

    /** Element-wise kernels and the batch-norm affine on lengths with every tail. */
    public static String elementwise() {
        Random rnd = new Random(13);
        long values = 0;
        int cases = 0;
        for (int n : new int[] {1, 7, 8, 9, 15, 17, 33, 100, 1003}) {
            float[] a = random(rnd, n);
            float[] b = random(rnd, n);
            float[][] out = new float[2][n];
            ElementwiseKernels[] impl = {ElementwisePlain.INSTANCE, ElementwiseSimd.INSTANCE};
            for (int i = 0; i < 2; i++) {
                impl[i].relu(a, 0, out[i], 0, n);
            }
            values += compareBits("relu n=" + n, out[0], out[1]);
            for (int i = 0; i < 2; i++) {
                impl[i].clamp(a, 0, out[i], 0, n, -0.5f, 0.75f);
            }
            values += compareBits("clamp n=" + n, out[0], out[1]);
            for (int i = 0; i < 2; i++) {
                impl[i].addRelu(a, 0, b, 0, out[i], 0, n);
            }
            values += compareBits("addRelu n=" + n, out[0], out[1]);
            float[] scale = random(rnd, 3);
            float[] shift = random(rnd, 3);
            float[] x = random(rnd, 2 * 3 * n);
            float[][] bn = new float[2][x.length];
            for (int i = 0; i < 2; i++) {
                impl[i].scaleShift(x, 0, bn[i], 0, 2, 3, n, scale, shift);
            }
            values += compareBits("batch-norm affine spatial=" + n, bn[0], bn[1]);
            cases += 4;
        }
        return detail(values, cases);
    }

    /** Max, average and global average pooling; softmax and log-softmax. */
    public static String poolingAndSoftmax() {
        Random rnd = new Random(14);
        long values = 0;
        int cases = 0;
        int[][] pools = {{2, 2, 0}, {3, 2, 1}, {3, 1, 1}};
        for (int[] p : pools) {
            for (int size : new int[] {5, 8, 17, 33}) {
                int k = p[0];
                int stride = p[1];
                int pad = p[2];
                int o = PoolingKernels.outSize(size, k, stride, pad, 1);
                float[] x = random(rnd, 2 * 3 * size * size);
                float[] ms = new float[2 * 3 * o * o];
                float[] mp = new float[ms.length];
                PoolingSimd.INSTANCE.maxPool2d(x, 0, 2, 3, size, size, k, k, stride, stride, pad, pad, ms, 0);
                PoolingPlain.INSTANCE.maxPool2d(x, 0, 2, 3, size, size, k, k, stride, stride, pad, pad, mp, 0);
                values += compareBits("max pool " + k + "/" + stride + "/" + pad + " " + size, mp, ms);
                PoolingSimd.INSTANCE.avgPool2d(x, 0, 2, 3, size, size, k, k, stride, stride, pad, pad, true, ms, 0);
                PoolingPlain.INSTANCE.avgPool2d(x, 0, 2, 3, size, size, k, k, stride, stride, pad, pad, true, mp, 0);
                values += compareBits("avg pool " + k + "/" + stride + "/" + pad + " " + size, mp, ms);
                cases += 2;
            }
        }
        for (int spatial : new int[] {1, 7, 16, 17, 64, 100}) {
            float[] x = random(rnd, 2 * 5 * spatial);
            float[] gs = new float[10];
            float[] gp = new float[10];
            PoolingSimd.INSTANCE.globalAvgPool(x, 0, 2, 5, spatial, gs, 0);
            PoolingPlain.INSTANCE.globalAvgPool(x, 0, 2, 5, spatial, gp, 0);
            values += compareBits("global avg pool " + spatial, gp, gs);
            cases++;
        }
        for (int cols : new int[] {1, 3, 10, 17, 100}) {
            float[] x = random(rnd, 4 * cols);
            float[] ss = new float[x.length];
            float[] sp = new float[x.length];
            SoftmaxSimd.INSTANCE.softmax(x, 0, ss, 0, 4, cols);
            SoftmaxPlain.INSTANCE.softmax(x, 0, sp, 0, 4, cols);
            values += compareBits("softmax " + cols, sp, ss);
            SoftmaxSimd.INSTANCE.logSoftmax(x, 0, ss, 0, 4, cols);
            SoftmaxPlain.INSTANCE.logSoftmax(x, 0, sp, 0, 4, cols);
            values += compareBits("log-softmax " + cols, sp, ss);
            cases += 2;
        }
        return detail(values, cases);
    }

    /**
     * The small network of {@link KernelChain}: SIMD equals plain, and batch 1 on one thread equals
     * batch 7 on the configured threads, image by image.
     */
    public static String chain() {
        int images = 21;
        Random rnd = new Random(15);
        float[] in = random(rnd, images * KernelChain.inputSize());
        KernelChain simd = new KernelChain(true, 5);
        float[] plainOut = new float[images * KernelChain.CLASSES];
        new KernelChain(false, 5).forward(in, 0, images, plainOut, 0);
        float[] batched = new float[plainOut.length];
        for (int start = 0; start < images; start += 7) {
            simd.forward(in, start * KernelChain.inputSize(), 7, batched, start * KernelChain.CLASSES);
        }
        compareBits("chain simd (batch 7) vs plain", plainOut, batched);
        int saved = Parallel.threads();
        float[] single = new float[plainOut.length];
        try {
            Parallel.setThreads(1);
            for (int i = 0; i < images; i++) {
                simd.forward(in, i * KernelChain.inputSize(), 1, single, i * KernelChain.CLASSES);
            }
        } finally {
            Parallel.setThreads(saved);
        }
        compareBits("chain batch 1 / 1 thread vs batch 7 / " + saved + " threads", batched, single);
        return images + " images bit-identical: simd = plain, batch 1 = batch 7, 1 thread = " + saved + " threads";
    }
}
