package dev.reliant.simd;

import static dev.reliant.simd.TestArrays.gaussian;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConvBackwardKernelsTest {
    /** Unit roundoff of float32. */
    private static final double U = 0x1p-24;

    /** cin, h, w, cout, kh, kw, stride, pad, dilation, groups, batch. */
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1),       // smallest
                Arguments.of(3, 8, 8, 16, 3, 3, 1, 1, 1, 1, 2),      // stem-like
                Arguments.of(16, 8, 8, 16, 3, 3, 1, 1, 1, 1, 3),     // ResNet block
                Arguments.of(16, 9, 9, 32, 3, 3, 2, 1, 1, 1, 2),     // stride-2 downsampling
                Arguments.of(7, 5, 7, 17, 3, 3, 1, 0, 1, 1, 3),      // no padding, odd sizes
                Arguments.of(17, 7, 6, 7, 3, 3, 2, 2, 1, 1, 2),      // stride 2, pad 2
                Arguments.of(3, 9, 9, 5, 5, 5, 1, 2, 1, 1, 1),       // 5x5
                Arguments.of(7, 9, 8, 3, 3, 3, 2, 2, 2, 1, 2),       // dilation 2, stride 2
                Arguments.of(6, 9, 9, 6, 3, 3, 1, 2, 2, 1, 2),       // dilation 2
                Arguments.of(9, 9, 9, 17, 1, 1, 1, 0, 1, 1, 3),      // 1x1
                Arguments.of(8, 9, 8, 15, 1, 1, 2, 0, 1, 1, 2),      // 1x1 stride 2: phases without taps
                Arguments.of(4, 5, 5, 3, 1, 1, 1, 1, 1, 1, 2),       // pad larger than the kernel reach
                Arguments.of(6, 7, 5, 4, 3, 3, 1, 1, 1, 2, 3),       // groups 2
                Arguments.of(16, 6, 6, 16, 3, 3, 2, 1, 1, 2, 2),     // groups 2, stride 2
                Arguments.of(7, 9, 9, 7, 3, 3, 1, 1, 1, 7, 3),       // depthwise
                Arguments.of(17, 9, 8, 17, 3, 3, 2, 1, 1, 17, 2),    // depthwise stride 2
                Arguments.of(3, 9, 9, 3, 3, 3, 1, 2, 2, 3, 1),       // depthwise dilation 2
                Arguments.of(4, 7, 7, 8, 3, 3, 1, 1, 1, 4, 2),       // depthwise multiplier 2 (grouped GEMM)
                Arguments.of(33, 4, 4, 20, 3, 3, 1, 1, 1, 1, 1),     // 297 columns, over one column block
                Arguments.of(2, 5, 5, 3, 2, 3, 2, 1, 1, 1, 2),       // rectangular kernel
                Arguments.of(1, 3, 3, 1, 3, 3, 3, 0, 1, 1, 5),       // output 1x1
                Arguments.of(32, 8, 8, 32, 3, 3, 1, 1, 1, 1, 2),     // 4 channel blocks: position GEMM
                Arguments.of(32, 9, 9, 64, 3, 3, 2, 1, 1, 1, 2),     // position GEMM, stride 2 phases
                Arguments.of(64, 7, 6, 10, 3, 3, 1, 2, 2, 2, 2),     // position GEMM, dilation 2, groups 2
                Arguments.of(256, 5, 5, 8, 1, 1, 2, 0, 1, 1, 2));    // position GEMM, 1x1 stride 2
    }

    /** The shapes whose weight gradient is a GEMM (not depthwise). */
    static Stream<Arguments> gemmShapes() {
        return shapes().filter(a -> {
            Object[] v = a.get();
            return !shape((int) v[0], (int) v[1], (int) v[2], (int) v[3], (int) v[4], (int) v[5], (int) v[6],
                    (int) v[7], (int) v[8], (int) v[9]).isDepthwise();
        });
    }

    static ConvShape shape(int cin, int h, int w, int cout, int kh, int kw, int stride, int pad, int dil, int groups) {
        return new ConvShape(cin, h, w, cout, kh, kw, stride, stride, pad, pad, dil, dil, groups);
    }

    @ParameterizedTest(name = "cin={0} {1}x{2} cout={3} k={4}x{5} s={6} p={7} d={8} g={9} batch={10}")
    @MethodSource("shapes")
    void simdAndPlainAddTheDoubleReferenceGradients(int cin, int h, int w, int cout, int kh, int kw, int stride,
                                                    int pad, int dil, int groups, int batch) {
        ConvShape s = shape(cin, h, w, cout, kh, kw, stride, pad, dil, groups);
        checkAgainstReference(s, batch, new Random(s.toString().hashCode()));
    }

    /** A batch larger than one chunk of the SIMD weight gradient: chunk sums are added in order. */
    @Test
    void weightGradientOverSeveralChunksMatchesTheReference() {
        ConvShape s = shape(1, 200, 200, 2, 3, 3, 1, 1, 1, 1);
        long perImage = 202L * 202 + 4L * (199 * 202 + 200);
        assertThat(ConvBackwardWeightGemm.CHUNK_FLOATS / perImage).as("images per chunk").isLessThan(11);
        checkAgainstReference(s, 11, new Random(5));
    }

    private static void checkAgainstReference(ConvShape s, int batch, Random rnd) {
        float[] weight = gaussian(rnd, s.weightCount());
        float[] in = gaussian(rnd, batch * s.inputSize() + 3);
        float[] gradOut = gaussian(rnd, batch * s.outputSize() + 2);
        float[] gradIn0 = gaussian(rnd, batch * s.inputSize() + 1);
        float[] gradW0 = gaussian(rnd, s.weightCount() + 4);
        float[] gradB0 = gaussian(rnd, s.outChannels);
        Reference ref = new Reference(s, batch, weight, in, 3, gradOut, 2);

        for (ConvBackwardKernels k : new ConvBackwardKernels[] {ConvBackwardSimd.INSTANCE, ConvBackwardPlain.INSTANCE}) {
            float[] gradIn = gradIn0.clone();
            float[] gradW = gradW0.clone();
            float[] gradB = gradB0.clone();
            k.inputGradient(k.prepare(s, weight, 0), gradOut, 2, batch, gradIn, 1);
            k.weightGradient(s, in, 3, gradOut, 2, batch, gradW, 4);
            k.biasGradient(s, gradOut, 2, batch, gradB, 0);
            assertClose(k.name() + " input gradient", gradIn0, 1, ref.gradIn, ref.gradInAbs, ref.inputTerms, gradIn);
            assertClose(k.name() + " weight gradient", gradW0, 4, ref.gradW, ref.gradWAbs, ref.weightTerms, gradW);
            assertClose(k.name() + " bias gradient", gradB0, 0, ref.gradB, ref.gradBAbs, ref.biasTerms, gradB);
            assertThat(gradIn[0]).as("value before the input gradient").isEqualTo(gradIn0[0]);
            assertThat(gradW[3]).as("value before the weight gradient").isEqualTo(gradW0[3]);
        }
    }

    /**
     * got[off + i] must equal before[off + i] + ref[i] within the error of a sum of n terms of
     * absolute sum abs[i] (n·u·Σ|terms|) plus the rounding of the final add.
     */
    private static void assertClose(String what, float[] before, int off, double[] ref, double[] abs, int n,
                                    float[] got) {
        for (int i = 0; i < ref.length; i++) {
            double expected = before[off + i] + ref[i];
            double tol = (n + 2) * U * (abs[i] + Math.abs(before[off + i])) + Float.MIN_NORMAL;
            if (Math.abs(got[off + i] - expected) > tol) {
                throw new AssertionError(what + " [" + i + "]: " + got[off + i] + ", expected " + expected
                        + " within " + tol);
            }
        }
    }

    /** The input gradient is the same fma chain in both implementations: bit for bit equal. */
    @ParameterizedTest(name = "cin={0} {1}x{2} cout={3} k={4}x{5} s={6} p={7} d={8} g={9} batch={10}")
    @MethodSource("shapes")
    void inputGradientOfSimdEqualsPlainBitForBit(int cin, int h, int w, int cout, int kh, int kw, int stride,
                                                  int pad, int dil, int groups, int batch) {
        ConvShape s = shape(cin, h, w, cout, kh, kw, stride, pad, dil, groups);
        Random rnd = new Random(s.toString().hashCode() + 1);
        float[] weight = gaussian(rnd, s.weightCount());
        float[] gradOut = gaussian(rnd, batch * s.outputSize());
        float[] simd = gaussian(rnd, batch * s.inputSize());
        float[] plain = simd.clone();
        ConvBackwardSimd.INSTANCE.inputGradient(ConvBackwardSimd.INSTANCE.prepare(s, weight, 0), gradOut, 0, batch,
                simd, 0);
        ConvBackwardPlain.INSTANCE.inputGradient(ConvBackwardPlain.INSTANCE.prepare(s, weight, 0), gradOut, 0, batch,
                plain, 0);
        BitAssert.assertBitIdentical(plain, simd, "input gradient simd vs plain");
    }

    /**
     * Within one chunk of images the SIMD weight gradient is the plain twin's fma chain (the
     * wrap-around columns it adds are 0·x, which changes no bit of a non-zero sum). Depthwise
     * convolutions are left out: their SIMD weight gradient accumulates in vector lanes.
     */
    @ParameterizedTest(name = "cin={0} {1}x{2} cout={3} k={4}x{5} s={6} p={7} d={8} g={9} batch={10}")
    @MethodSource("gemmShapes")
    void weightGradientOfSimdEqualsPlainBitForBitWithinOneChunk(int cin, int h, int w, int cout, int kh, int kw,
                                                                int stride, int pad, int dil, int groups, int batch) {
        ConvShape s = shape(cin, h, w, cout, kh, kw, stride, pad, dil, groups);
        Random rnd = new Random(s.toString().hashCode() + 2);
        float[] in = gaussian(rnd, batch * s.inputSize());
        float[] gradOut = gaussian(rnd, batch * s.outputSize());
        float[] simd = gaussian(rnd, s.weightCount());
        float[] plain = simd.clone();
        ConvBackwardSimd.INSTANCE.weightGradient(s, in, 0, gradOut, 0, batch, simd, 0);
        ConvBackwardPlain.INSTANCE.weightGradient(s, in, 0, gradOut, 0, batch, plain, 0);
        BitAssert.assertBitIdentical(plain, simd, "weight gradient simd vs plain");
    }

    /**
     * The input gradient takes the position GEMM when every thread gets an (image, group) task
     * and the channel-row GEMM otherwise: the same bits, also after an update of the weights.
     */
    @Test
    void inputGradientPositionAndChannelPathsGiveTheSameBits() {
        ConvShape[] shapes = {shape(32, 8, 8, 32, 3, 3, 1, 1, 1, 1), shape(32, 9, 9, 64, 3, 3, 2, 1, 1, 1),
            shape(64, 7, 6, 10, 3, 3, 1, 2, 2, 2), shape(256, 5, 5, 8, 1, 1, 2, 0, 1, 1),
            shape(48, 7, 7, 16, 3, 3, 2, 2, 1, 1)};
        int saved = Parallel.threads();
        try {
            for (ConvShape s : shapes) {
                assertThat(ConvBackwardInputPlan.usesPositions(s)).as(s + " takes the position GEMM").isTrue();
                Random rnd = new Random(s.toString().hashCode() + 3);
                ConvBackwardWeights w = ConvBackwardSimd.INSTANCE.prepare(s, gaussian(rnd, s.weightCount()), 0);
                w.update(gaussian(rnd, s.weightCount()), 0);
                float[] gradOut = gaussian(rnd, 2 * s.outputSize());
                float[] start = gaussian(rnd, 2 * s.inputSize());
                float[][] results = new float[2][];
                for (int pass = 0; pass < 2; pass++) {
                    Parallel.setThreads(pass == 0 ? 1 : 64); // 64 threads > 2 tasks: the channel-row path
                    results[pass] = start.clone();
                    ConvBackwardSimd.INSTANCE.inputGradient(w, gradOut, 0, 2, results[pass], 0);
                }
                BitAssert.assertBitIdentical(results[1], results[0], s + ": position vs channel-row GEMM");
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void updateRearrangesTheWeightsLikeANewPrepare() {
        ConvShape s = shape(6, 7, 7, 10, 3, 3, 2, 1, 1, 2);
        Random rnd = new Random(7);
        float[] gradOut = gaussian(rnd, 2 * s.outputSize());
        for (ConvBackwardKernels k : new ConvBackwardKernels[] {ConvBackwardSimd.INSTANCE, ConvBackwardPlain.INSTANCE}) {
            ConvBackwardWeights prepared = k.prepare(s, gaussian(rnd, s.weightCount()), 0);
            float[] changed = gaussian(rnd, s.weightCount() + 5);
            prepared.update(changed, 5);
            float[] viaUpdate = new float[2 * s.inputSize()];
            float[] viaPrepare = new float[2 * s.inputSize()];
            k.inputGradient(prepared, gradOut, 0, 2, viaUpdate, 0);
            k.inputGradient(k.prepare(s, changed, 5), gradOut, 0, 2, viaPrepare, 0);
            BitAssert.assertBitIdentical(viaPrepare, viaUpdate, k.name() + " update vs prepare");
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        ConvShape[] shapes = {shape(16, 12, 12, 32, 3, 3, 1, 1, 1, 1), shape(16, 12, 12, 16, 3, 3, 2, 1, 1, 16),
            shape(8, 10, 10, 12, 3, 3, 2, 1, 1, 2)};
        int saved = Parallel.threads();
        try {
            for (ConvShape s : shapes) {
                Random rnd = new Random(9);
                float[] weight = gaussian(rnd, s.weightCount());
                float[] in = gaussian(rnd, 5 * s.inputSize());
                float[] gradOut = gaussian(rnd, 5 * s.outputSize());
                float[][] results = new float[3][];
                for (int threads = 1; threads <= 3; threads++) {
                    Parallel.setThreads(threads);
                    float[] gradIn = new float[5 * s.inputSize()];
                    float[] gradW = new float[s.weightCount()];
                    float[] gradB = new float[s.outChannels];
                    ConvBackwardKernels k = ConvBackwardSimd.INSTANCE;
                    k.inputGradient(k.prepare(s, weight, 0), gradOut, 0, 5, gradIn, 0);
                    k.weightGradient(s, in, 0, gradOut, 0, 5, gradW, 0);
                    k.biasGradient(s, gradOut, 0, 5, gradB, 0);
                    float[] all = new float[gradIn.length + gradW.length + gradB.length];
                    System.arraycopy(gradIn, 0, all, 0, gradIn.length);
                    System.arraycopy(gradW, 0, all, gradIn.length, gradW.length);
                    System.arraycopy(gradB, 0, all, gradIn.length + gradW.length, gradB.length);
                    results[threads - 1] = all;
                }
                BitAssert.assertBitIdentical(results[0], results[1], s + ": 1 vs 2 threads");
                BitAssert.assertBitIdentical(results[0], results[2], s + ": 1 vs 3 threads");
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void activeImplementationFollowsTheSimdSwitch() {
        assertThat(ConvBackwardKernels.get())
                .isSameAs(Simd.enabled() ? ConvBackwardSimd.INSTANCE : ConvBackwardPlain.INSTANCE);
    }

    @Test
    void badOperandsAreRejectedWithNames() {
        ConvShape s = shape(3, 8, 8, 4, 3, 3, 1, 1, 1, 1);
        for (ConvBackwardKernels k : new ConvBackwardKernels[] {ConvBackwardSimd.INSTANCE, ConvBackwardPlain.INSTANCE}) {
            assertThatThrownBy(() -> k.prepare(s, new float[107], 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv weight [4, 3, 3, 3]");
            ConvBackwardWeights w = k.prepare(s, new float[108], 0);
            assertThatThrownBy(() -> k.inputGradient(w, new float[255], 0, 1, new float[192], 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("conv output gradient [1, 4, 8, 8]");
            assertThatThrownBy(() -> k.inputGradient(w, new float[256], 0, 1, new float[192], 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("conv input gradient [1, 3, 8, 8]");
            assertThatThrownBy(() -> k.weightGradient(s, new float[191], 0, new float[256], 0, 1, new float[108], 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv input [1, 3, 8, 8]");
            assertThatThrownBy(() -> k.weightGradient(s, new float[192], 0, new float[256], 0, 1, new float[100], 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("conv weight gradient [4, 3, 3, 3]");
            assertThatThrownBy(() -> k.biasGradient(s, new float[256], 0, 1, new float[3], 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv bias gradient [4]");
            assertThatThrownBy(() -> k.biasGradient(s, new float[256], 0, -1, new float[4], 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch");
        }
        ConvBackwardWeights plainWeights = ConvBackwardPlain.INSTANCE.prepare(s, new float[108], 0);
        assertThatThrownBy(() -> ConvBackwardSimd.INSTANCE.inputGradient(plainWeights, new float[256], 0, 1,
                new float[192], 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another implementation");
    }

    /** The three gradients in double precision from the definition, with Σ|terms| per value. */
    private static final class Reference {
        final double[] gradIn;
        final double[] gradInAbs;
        final double[] gradW;
        final double[] gradWAbs;
        final double[] gradB;
        final double[] gradBAbs;
        final int inputTerms;
        final int weightTerms;
        final int biasTerms;

        Reference(ConvShape s, int batch, float[] weight, float[] in, int inOff, float[] gradOut, int gOff) {
            gradIn = new double[batch * s.inputSize()];
            gradInAbs = new double[gradIn.length];
            gradW = new double[s.weightCount()];
            gradWAbs = new double[gradW.length];
            gradB = new double[s.outChannels];
            gradBAbs = new double[gradB.length];
            int cinG = s.inChannelsPerGroup();
            inputTerms = s.outChannelsPerGroup() * s.kernelHeight * s.kernelWidth;
            weightTerms = batch * s.outPlane();
            biasTerms = batch * s.outPlane();
            for (int b = 0; b < batch; b++) {
                for (int co = 0; co < s.outChannels; co++) {
                    int g = co / s.outChannelsPerGroup();
                    for (int oy = 0; oy < s.outHeight; oy++) {
                        for (int ox = 0; ox < s.outWidth; ox++) {
                            double dy = gradOut[gOff + ((b * s.outChannels + co) * s.outHeight + oy) * s.outWidth + ox];
                            gradB[co] += dy;
                            gradBAbs[co] += Math.abs(dy);
                            for (int ci = 0; ci < cinG; ci++) {
                                for (int kh = 0; kh < s.kernelHeight; kh++) {
                                    for (int kw = 0; kw < s.kernelWidth; kw++) {
                                        int iy = oy * s.strideH - s.padH + kh * s.dilationH;
                                        int ix = ox * s.strideW - s.padW + kw * s.dilationW;
                                        if (iy < 0 || iy >= s.inHeight || ix < 0 || ix >= s.inWidth) {
                                            continue;
                                        }
                                        int xi = ((b * s.inChannels + g * cinG + ci) * s.inHeight + iy) * s.inWidth + ix;
                                        int wi = ((co * cinG + ci) * s.kernelHeight + kh) * s.kernelWidth + kw;
                                        double wv = weight[wi];
                                        double x = in[inOff + xi];
                                        gradIn[xi] += wv * dy;
                                        gradInAbs[xi] += Math.abs(wv * dy);
                                        gradW[wi] += dy * x;
                                        gradWAbs[wi] += Math.abs(dy * x);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
