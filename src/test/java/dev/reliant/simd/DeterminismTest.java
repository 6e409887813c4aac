package dev.reliant.simd;

import static dev.reliant.simd.TestArrays.gaussian;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DESIGN invariant 1: an image's output bits do not depend on the batch size, its position in
 * the batch or the number of threads. Every run is compared with batch 1 on one thread.
 */
class DeterminismTest {
    private static final int IMAGES = 64;
    private static final int[] BATCHES = {1, 7, 64};
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** Something that maps a batch of inputs to a batch of outputs. */
    interface BatchFunction {
        void apply(float[] in, int inOff, int batch, float[] out, int outOff);
    }

    /** Runs all images in chunks of {@code batch} (the last chunk shorter) on {@code threads} threads. */
    private static float[] runInChunks(BatchFunction f, float[] in, int inSize, int outSize, int batch, int threads) {
        Parallel.setThreads(threads);
        float[] out = new float[IMAGES * outSize];
        for (int start = 0; start < IMAGES; start += batch) {
            int n = Math.min(batch, IMAGES - start);
            // Copy the chunk to a fresh array so images also sit at different array offsets.
            float[] chunk = new float[n * inSize + 1];
            System.arraycopy(in, start * inSize, chunk, 1, n * inSize);
            f.apply(chunk, 1, n, out, start * outSize);
        }
        return out;
    }

    private static void assertDeterministic(BatchFunction f, int inSize, int outSize) {
        float[] in = gaussian(new Random(42), IMAGES * inSize);
        float[] reference = runInChunks(f, in, inSize, outSize, 1, 1);
        for (int threads : new int[] {1, 2}) {
            for (int batch : BATCHES) {
                float[] out = runInChunks(f, in, inSize, outSize, batch, threads);
                BitAssert.assertBitIdentical(reference, out, "batch " + batch + ", " + threads + " threads");
            }
        }
    }

    @Test
    void convolutionIsDeterministic() {
        for (ConvShape s : new ConvShape[] {
                ConvShape.of(16, 32, 32, 16, 3, 1, 1), ConvShape.of(16, 32, 32, 32, 3, 2, 1),
                ConvShape.grouped(32, 16, 16, 32, 3, 1, 1, 32), ConvShape.of(32, 16, 16, 64, 1, 2, 0)}) {
            float[] w = gaussian(new Random(1), s.weightCount());
            PreparedConv conv = ConvKernels.get().prepare(s, w, 0, null);
            assertDeterministic((in, inOff, batch, out, outOff) ->
                    ConvKernels.get().forward(conv, in, inOff, batch, out, outOff), s.inputSize(), s.outputSize());
        }
    }

    @Test
    void gemmAndLinearAreDeterministic() {
        int in = 300;
        int outFeatures = 70;
        float[] w = gaussian(new Random(2), outFeatures * in);
        PackedMatrix packed = GemmKernels.get().pack(w, 0, outFeatures, in, in, null);
        assertDeterministic((x, xOff, batch, y, yOff) ->
                GemmKernels.get().linear(packed, x, xOff, batch, y, yOff), in, outFeatures);
        // A batch of images as the columns of B: C = W·Bᵀ, one column per image.
        assertDeterministic((x, xOff, batch, y, yOff) -> {
            float[] c = new float[outFeatures * batch];
            float[] b = new float[in * batch];
            for (int n = 0; n < batch; n++) {
                for (int k = 0; k < in; k++) {
                    b[k * batch + n] = x[xOff + n * in + k];
                }
            }
            GemmKernels.get().sgemm(outFeatures, batch, in, w, 0, in, b, 0, batch, c, 0, batch);
            for (int n = 0; n < batch; n++) {
                for (int m = 0; m < outFeatures; m++) {
                    y[yOff + n * outFeatures + m] = c[m * batch + n];
                }
            }
        }, in, outFeatures);
    }

    @Test
    void multiLayerChainIsDeterministicAndSimdEqualsPlain() {
        KernelChain simd = new KernelChain(true, 7);
        KernelChain plain = new KernelChain(false, 7);
        assertDeterministic(simd::forward, KernelChain.inputSize(), KernelChain.CLASSES);
        float[] in = gaussian(new Random(3), IMAGES * KernelChain.inputSize());
        float[] a = new float[IMAGES * KernelChain.CLASSES];
        float[] b = new float[IMAGES * KernelChain.CLASSES];
        simd.forward(in, 0, IMAGES, a, 0);
        plain.forward(in, 0, IMAGES, b, 0);
        BitAssert.assertBitIdentical(b, a, "simd vs plain");
    }

}
