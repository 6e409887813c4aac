package dev.reliant.simd;

import static dev.reliant.simd.TestArrays.gaussian;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConvKernelsTest {

    /** cin, h, w, cout, kh, kw, stride, pad, dilation, groups, batch. */
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(3, 32, 32, 16, 3, 3, 1, 1, 1, 1, 2),    // ResNet stem
                Arguments.of(16, 8, 8, 32, 3, 3, 2, 1, 1, 1, 3),     // stride-2 downsampling
                Arguments.of(1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1),       // smallest
                Arguments.of(3, 7, 9, 5, 3, 3, 1, 1, 1, 1, 7),       // odd sizes, tails everywhere
                Arguments.of(7, 15, 17, 9, 3, 3, 1, 0, 1, 1, 2),     // no padding
                Arguments.of(5, 17, 33, 13, 5, 5, 1, 2, 1, 1, 1),    // 5x5
                Arguments.of(9, 9, 9, 17, 1, 1, 1, 0, 1, 1, 3),      // 1x1 = plain GEMM
                Arguments.of(8, 9, 8, 15, 1, 1, 2, 0, 1, 1, 2),      // 1x1 stride 2 (projection shortcut)
                Arguments.of(6, 11, 13, 6, 3, 3, 1, 2, 2, 1, 2),     // dilation 2
                Arguments.of(6, 12, 10, 9, 3, 3, 1, 1, 1, 3, 2),     // groups 3
                Arguments.of(8, 15, 15, 8, 3, 3, 1, 1, 1, 8, 3),     // depthwise stride 1
                Arguments.of(17, 33, 33, 17, 3, 3, 2, 1, 1, 17, 2),  // depthwise stride 2
                Arguments.of(3, 20, 20, 3, 5, 5, 1, 2, 1, 3, 1),     // depthwise 5x5
                Arguments.of(4, 9, 9, 8, 3, 3, 1, 1, 1, 4, 2),       // depthwise multiplier 2 (grouped GEMM)
                Arguments.of(33, 9, 7, 100, 3, 3, 1, 1, 1, 1, 1),    // K = 297 > one K block, M = 100, 5 block sums
                Arguments.of(16, 8, 8, 32, 3, 3, 1, 1, 1, 1, 2),     // 2 block sums of 8 channels
                Arguments.of(20, 6, 6, 8, 3, 3, 1, 1, 1, 2, 2),      // groups 2, 10 channels each: blocks of 8 and 2
                Arguments.of(130, 5, 5, 7, 1, 1, 1, 0, 1, 1, 2),     // 1x1, blocks of 64, 64 and 2 channels
                Arguments.of(3, 15, 15, 8, 7, 7, 2, 3, 1, 1, 1),     // 7x7 stem: blocks of 2 and 1 channels
                Arguments.of(3, 3, 3, 4, 3, 3, 3, 0, 1, 1, 1),       // output 1x1
                Arguments.of(2, 5, 5, 3, 2, 3, 2, 1, 1, 1, 2));      // rectangular kernel, stride 2
    }

    static ConvShape shape(int cin, int h, int w, int cout, int kh, int kw, int stride, int pad, int dil, int groups) {
        return new ConvShape(cin, h, w, cout, kh, kw, stride, stride, pad, pad, dil, dil, groups);
    }

    @ParameterizedTest(name = "cin={0} {1}x{2} cout={3} k={4}x{5} s={6} p={7} d={8} g={9} batch={10}")
    @MethodSource("shapes")
    void simdEqualsPlainBitForBitAndMatchesDoubleReference(int cin, int h, int w, int cout, int kh, int kw,
                                                           int stride, int pad, int dil, int groups, int batch) {
        ConvShape s = shape(cin, h, w, cout, kh, kw, stride, pad, dil, groups);
        Random rnd = new Random(s.toString().hashCode());
        float[] weight = gaussian(rnd, s.weightCount());
        float[] bias = gaussian(rnd, cout);
        float[] in = gaussian(rnd, batch * s.inputSize() + 3);
        float[] simd = new float[batch * s.outputSize() + 5];
        float[] plain = new float[batch * s.outputSize() + 5];
        ConvSimd.INSTANCE.forward(ConvSimd.INSTANCE.prepare(s, weight, 0, bias), in, 3, batch, simd, 5);
        ConvPlain.INSTANCE.forward(ConvPlain.INSTANCE.prepare(s, weight, 0, bias), in, 3, batch, plain, 5);
        BitAssert.assertBitIdentical(plain, simd, "simd vs plain");

        double[] ref = reference(s, weight, bias, in, 3, batch);
        double tol = 4e-6 * (s.depth() + 1);
        for (int i = 0; i < ref.length; i++) {
            assertThat((double) simd[5 + i]).as("output %d", i).isCloseTo(ref[i], org.assertj.core.data.Offset.offset(tol));
        }
    }

    /** Direct convolution in double precision. */
    static double[] reference(ConvShape s, float[] weight, float[] bias, float[] in, int inOff, int batch) {
        double[] out = new double[batch * s.outputSize()];
        int cinG = s.inChannelsPerGroup();
        for (int b = 0; b < batch; b++) {
            for (int co = 0; co < s.outChannels; co++) {
                int g = co / s.outChannelsPerGroup();
                for (int oy = 0; oy < s.outHeight; oy++) {
                    for (int ox = 0; ox < s.outWidth; ox++) {
                        double acc = bias[co];
                        for (int ci = 0; ci < cinG; ci++) {
                            for (int kh = 0; kh < s.kernelHeight; kh++) {
                                for (int kw = 0; kw < s.kernelWidth; kw++) {
                                    int iy = oy * s.strideH - s.padH + kh * s.dilationH;
                                    int ix = ox * s.strideW - s.padW + kw * s.dilationW;
                                    if (iy < 0 || iy >= s.inHeight || ix < 0 || ix >= s.inWidth) {
                                        continue;
                                    }
                                    double x = in[inOff + ((b * s.inChannels + g * cinG + ci) * s.inHeight + iy) * s.inWidth + ix];
                                    double wv = weight[((co * cinG + ci) * s.kernelHeight + kh) * s.kernelWidth + kw];
                                    acc += wv * x;
                                }
                            }
                        }
                        out[((b * s.outChannels + co) * s.outHeight + oy) * s.outWidth + ox] = acc;
                    }
                }
            }
        }
        return out;
    }

    @Test
    void blockSumsAddedInOrderGiveTheForwardBitForBit() {
        for (ConvShape s : new ConvShape[] {shape(16, 8, 8, 32, 3, 3, 1, 1, 1, 1), shape(33, 9, 7, 20, 3, 3, 2, 1, 1, 1),
                shape(20, 6, 6, 8, 3, 3, 1, 1, 1, 2), shape(130, 5, 5, 7, 1, 1, 1, 0, 1, 1),
                shape(8, 7, 7, 8, 3, 3, 1, 1, 1, 8), shape(3, 9, 9, 4, 3, 3, 1, 1, 1, 1)}) {
            Random rnd = new Random(s.toString().hashCode());
            float[] weight = gaussian(rnd, s.weightCount());
            float[] bias = gaussian(rnd, s.outChannels);
            float[] in = gaussian(rnd, 3 * s.inputSize() + 1);
            float[][] blocks = new float[s.channelBlocks()][];
            for (ConvKernels k : new ConvKernels[] {ConvSimd.INSTANCE, ConvPlain.INSTANCE}) {
                PreparedConv conv = k.prepare(s, weight, 0, bias);
                float[] full = new float[3 * s.outputSize()];
                k.forward(conv, in, 1, 3, full, 0);
                float[] sum = null;
                for (int block = 0; block < s.channelBlocks(); block++) {
                    float[] part = new float[full.length + 2];
                    k.forwardBlock(conv, in, 1, 3, block, part, 2);
                    float[] p = Arrays.copyOfRange(part, 2, part.length);
                    if (blocks[block] == null) {
                        blocks[block] = p;
                    } else {
                        BitAssert.assertBitIdentical(blocks[block], p, s + " block " + block + ": simd vs plain");
                    }
                    if (sum == null) {
                        sum = p.clone();
                    } else {
                        for (int i = 0; i < sum.length; i++) {
                            sum[i] = sum[i] + p[i];
                        }
                    }
                }
                BitAssert.assertBitIdentical(full, sum, s + " " + k.name() + ": blocks summed vs forward");
                assertThatThrownBy(() -> k.forwardBlock(conv, in, 1, 3, s.channelBlocks(), full, 0))
                        .hasMessageContaining("channel block");
            }
        }
        assertThat(shape(16, 8, 8, 32, 3, 3, 1, 1, 1, 1).channelBlocks()).isEqualTo(2);
        assertThat(shape(64, 8, 8, 64, 3, 3, 1, 1, 1, 1).channelBlocks()).isEqualTo(8);
        assertThat(shape(3, 8, 8, 16, 3, 3, 1, 1, 1, 1).channelBlocks()).isEqualTo(1);
        assertThat(shape(130, 5, 5, 7, 1, 1, 1, 0, 1, 1).channelBlocks()).isEqualTo(3);
    }

    /**
     * Whole-layer calls take the output-position GEMM when every thread gets an (image, group)
     * task, the channel-row GEMM otherwise: both give the same bits, full forward and each block.
     */
    @Test
    void positionAndChannelPathsGiveTheSameBits() {
        ConvShape[] shapes = {shape(32, 16, 16, 32, 3, 3, 1, 1, 1, 1), shape(32, 9, 9, 64, 3, 3, 2, 1, 1, 1),
            shape(33, 9, 7, 100, 3, 3, 1, 1, 1, 1), shape(260, 5, 5, 8, 1, 1, 1, 0, 1, 1),
            shape(12, 15, 15, 12, 7, 7, 2, 3, 1, 1), shape(64, 6, 7, 18, 3, 3, 1, 2, 2, 2)};
        int saved = Parallel.threads();
        try {
            for (ConvShape s : shapes) {
                assertThat(ConvPositionGemm.fits(s)).as(s + " fits the position GEMM").isTrue();
                Random rnd = new Random(s.toString().hashCode() + 7);
                float[] weight = gaussian(rnd, s.weightCount());
                float[] bias = gaussian(rnd, s.outChannels);
                float[] in = gaussian(rnd, 2 * s.inputSize());
                PreparedConv conv = ConvSimd.INSTANCE.prepare(s, weight, 0, bias);
                float[][] results = new float[2][];
                for (int pass = 0; pass < 2; pass++) {
                    Parallel.setThreads(pass == 0 ? 1 : 64); // 64 threads > 2 tasks: the channel-row path
                    float[] all = new float[(1 + s.channelBlocks()) * 2 * s.outputSize()];
                    ConvSimd.INSTANCE.forward(conv, in, 0, 2, all, 0);
                    for (int block = 0; block < s.channelBlocks(); block++) {
                        ConvSimd.INSTANCE.forwardBlock(conv, in, 0, 2, block, all, (1 + block) * 2 * s.outputSize());
                    }
                    results[pass] = all;
                }
                BitAssert.assertBitIdentical(results[1], results[0], s + ": position vs channel-row GEMM");
                float[] plain = new float[2 * s.outputSize()];
                ConvPlain.INSTANCE.forward(ConvPlain.INSTANCE.prepare(s, weight, 0, bias), in, 0, 2, plain, 0);
                BitAssert.assertBitIdentical(plain, Arrays.copyOf(results[0], plain.length), s + ": vs plain");
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void setWeightReachesThePositionGemm() {
        ConvShape s = shape(64, 9, 9, 20, 3, 3, 1, 1, 1, 2);
        Random rnd = new Random(5);
        float[] weight = gaussian(rnd, s.weightCount());
        float[] in = gaussian(rnd, 3 * s.inputSize());
        PreparedConv conv = ConvSimd.INSTANCE.prepare(s, weight, 0, null);
        assertThat(conv.positions).isNotNull();
        int index = 17 * s.depth() + 222;
        conv.setWeight(index, 3.0e37f);
        float[] changed = weight.clone();
        changed[index] = 3.0e37f;
        float[] viaSet = new float[3 * s.outputSize()];
        float[] viaPrepare = new float[3 * s.outputSize()];
        ConvSimd.INSTANCE.forward(conv, in, 0, 3, viaSet, 0);
        ConvSimd.INSTANCE.forward(ConvSimd.INSTANCE.prepare(s, changed, 0, null), in, 0, 3, viaPrepare, 0);
        BitAssert.assertBitIdentical(viaPrepare, viaSet, "setWeight vs prepare");
    }

    @Test
    void forwardChannelsTouchesOnlyTheRequestedChannels() {
        ConvShape s = shape(16, 8, 8, 32, 3, 3, 1, 1, 1, 1);
        Random rnd = new Random(3);
        float[] weight = gaussian(rnd, s.weightCount());
        float[] in = gaussian(rnd, 2 * s.inputSize());
        for (ConvKernels k : new ConvKernels[] {ConvSimd.INSTANCE, ConvPlain.INSTANCE}) {
            PreparedConv conv = k.prepare(s, weight, 0, null);
            float[] full = new float[2 * s.outputSize()];
            k.forward(conv, in, 0, 2, full, 0);
            for (int[] range : new int[][] {{0, 1}, {13, 14}, {5, 19}, {31, 32}, {0, 32}}) {
                float[] part = new float[full.length];
                Arrays.fill(part, Float.NaN);
                k.forwardChannels(conv, in, 0, 2, range[0], range[1], part, 0);
                for (int i = 0; i < full.length; i++) {
                    int c = (i / s.outPlane()) % s.outChannels;
                    if (c >= range[0] && c < range[1]) {
                        assertThat(part[i]).isEqualTo(full[i]);
                    } else {
                        assertThat(part[i]).isNaN();
                    }
                }
            }
        }
    }

    @Test
    void setWeightChangesTheResultLikeRepreparing() {
        ConvShape s = shape(6, 9, 9, 10, 3, 3, 1, 1, 1, 2);
        Random rnd = new Random(4);
        float[] weight = gaussian(rnd, s.weightCount());
        float[] in = gaussian(rnd, s.inputSize());
        for (ConvKernels k : new ConvKernels[] {ConvSimd.INSTANCE, ConvPlain.INSTANCE}) {
            PreparedConv conv = k.prepare(s, weight, 0, null);
            int index = 7 * s.depth() + 13;
            conv.setWeight(index, -1.489e38f);
            float[] changed = weight.clone();
            changed[index] = -1.489e38f;
            float[] viaSet = new float[s.outputSize()];
            float[] viaPrepare = new float[s.outputSize()];
            k.forward(conv, in, 0, 1, viaSet, 0);
            k.forward(k.prepare(s, changed, 0, null), in, 0, 1, viaPrepare, 0);
            BitAssert.assertBitIdentical(viaPrepare, viaSet, "setWeight vs prepare");
            assertThat(conv.weight(index)).isEqualTo(-1.489e38f);
        }
    }

    @Test
    void badShapesAndOperandsAreRejectedWithNames() {
        assertThatThrownBy(() -> shape(6, 9, 9, 10, 3, 3, 1, 1, 1, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("groups 4");
        assertThatThrownBy(() -> shape(3, 2, 2, 4, 5, 5, 1, 0, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("larger than the padded input");
        assertThatThrownBy(() -> shape(3, 8, 8, 4, 3, 3, 0, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride");
        ConvShape s = shape(3, 8, 8, 4, 3, 3, 1, 1, 1, 1);
        assertThatThrownBy(() -> ConvSimd.INSTANCE.prepare(s, new float[10], 0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv weight [4, 3, 3, 3]");
        assertThatThrownBy(() -> ConvSimd.INSTANCE.prepare(s, new float[108], 0, new float[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv bias");
        PreparedConv conv = ConvSimd.INSTANCE.prepare(s, new float[108], 0, null);
        assertThatThrownBy(() -> ConvSimd.INSTANCE.forward(conv, new float[191], 0, 1, new float[256], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv input [1, 3, 8, 8]");
        assertThatThrownBy(() -> ConvSimd.INSTANCE.forward(conv, new float[192], 0, 1, new float[255], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv output [1, 4, 8, 8]");
        assertThatThrownBy(() -> conv.setWeight(108, 1f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 108");
    }
}
