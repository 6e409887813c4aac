package dev.reliant.simd;

/** Plain-Java twin of {@link ConvSimd}: the direct seven-loop convolution, block sums as {@link ConvKernels} defines. */
public final class ConvPlain implements ConvKernels {
    public static final ConvPlain INSTANCE = new ConvPlain();

    private ConvPlain() {}

    @Override
    public String name() {
        return "conv-plain";
    }

    @Override
    public PreparedConv prepare(ConvShape shape, float[] weight, int wOff, float[] bias) {
        float[][] wb = PreparedConv.copyParameters(shape, weight, wOff, bias);
        return new PreparedConv(shape, wb[0], wb[1], null, null, null);
    }

    @Override
    public void forwardChannels(PreparedConv conv, float[] in, int inOff, int batch, int coStart, int coEnd,
                                float[] out, int outOff) {
        ConvKernels.checkForward(conv, in, inOff, batch, coStart, coEnd, out, outOff);
        int channels = coEnd - coStart;
        Parallel.forEach(batch * channels, item -> {
            int b = item / channels;
            int co = coStart + item % channels;
            outputPlane(conv, in, inOff + b * conv.shape.inputSize(), co, out,
                    outOff + (b * conv.shape.outChannels + co) * conv.shape.outPlane());
        });
    }

    @Override
    public void forwardBlock(PreparedConv conv, float[] in, int inOff, int batch, int block, float[] out, int outOff) {
        ConvKernels.checkForward(conv, in, inOff, batch, 0, conv.shape.outChannels, out, outOff);
        ConvKernels.checkBlock(conv, block);
        ConvShape s = conv.shape;
        int channels = s.outChannels;
        Parallel.forEach(batch * channels, item -> {
            int b = item / channels;
            int co = item % channels;
            int imageOff = inOff + b * s.inputSize();
            int planeOff = outOff + (b * channels + co) * s.outPlane();
            for (int oy = 0; oy < s.outHeight; oy++) {
                for (int ox = 0; ox < s.outWidth; ox++) {
                    out[planeOff + oy * s.outWidth + ox] = blockSum(conv, in, imageOff, co, oy, ox, block);
                }
            }
        });
    }

    /** One output channel of one image, every value by the reference rule. */
    static void outputPlane(PreparedConv conv, float[] in, int imageOff, int co, float[] out, int planeOff) {
        ConvShape s = conv.shape;
        for (int oy = 0; oy < s.outHeight; oy++) {
            for (int ox = 0; ox < s.outWidth; ox++) {
                out[planeOff + oy * s.outWidth + ox] = outputValue(conv, in, imageOff, co, oy, ox);
            }
        }
    }

    /** The reference rule for one output value; the SIMD paths use it at their edges. */
    static float outputValue(PreparedConv conv, float[] in, int imageOff, int co, int oy, int ox) {
        float acc = blockSum(conv, in, imageOff, co, oy, ox, 0);
        for (int block = 1, blocks = conv.shape.channelBlocks(); block < blocks; block++) {
            acc = acc + blockSum(conv, in, imageOff, co, oy, ox, block);
        }
        return acc;
    }

    /** One block sum of one output value: the fma chain over the block's channels, block 0 from the bias. */
    static float blockSum(PreparedConv conv, float[] in, int imageOff, int co, int oy, int ox, int block) {
        ConvShape s = conv.shape;
        int cinG = s.inChannelsPerGroup();
        int per = s.channelsPerBlock();
        int g = co / s.outChannelsPerGroup();
        int taps = s.kernelHeight * s.kernelWidth;
        int ciEnd = Math.min(cinG, (block + 1) * per);
        float acc = block == 0 ? conv.bias[co] : 0f;
        for (int ci = block * per; ci < ciEnd; ci++) {
            int plane = imageOff + (g * cinG + ci) * s.inHeight * s.inWidth;
            int w = co * s.depth() + ci * taps;
            for (int kh = 0; kh < s.kernelHeight; kh++) {
                int iy = oy * s.strideH - s.padH + kh * s.dilationH;
                boolean rowInside = iy >= 0 && iy < s.inHeight;
                for (int kw = 0; kw < s.kernelWidth; kw++, w++) {
                    int ix = ox * s.strideW - s.padW + kw * s.dilationW;
                    float x = rowInside && ix >= 0 && ix < s.inWidth ? in[plane + iy * s.inWidth + ix] : 0f;
                    acc = Math.fma(conv.weight[w], x, acc);
                }
            }
        }
        return acc;
    }
}
