package dev.reliant.simd;

/**
 * Plain-Java twin of {@link ConvBackwardSimd}: direct loops, one fma chain per gradient value in
 * the order stated by {@link ConvBackwardKernels}; the argument checks are shared
 * ({@link ConvBackwardDriver}).
 */
public final class ConvBackwardPlain extends ConvBackwardDriver {
    public static final ConvBackwardPlain INSTANCE = new ConvBackwardPlain();

    private ConvBackwardPlain() {}

    @Override
    public String name() {
        return "conv-backward-plain";
    }

    @Override
    public ConvBackwardWeights prepare(ConvShape shape, float[] weight, int wOff) {
        return new ConvBackwardWeights(shape, null, weight, wOff);
    }

    @Override
    void addInputGradient(ConvBackwardWeights weights, float[] gradOut, int gOff, int batch, float[] gradIn,
                          int giOff) {
        ConvShape s = weights.shape;
        float[] w = weights.weight;
        int cinG = s.inChannelsPerGroup();
        int coutG = s.outChannelsPerGroup();
        int kk = s.kernelHeight * s.kernelWidth;
        Parallel.forEach(batch * s.inChannels, item -> {
            int b = item / s.inChannels;
            int ci = item % s.inChannels;
            int g = ci / cinG;
            int plane = giOff + item * s.inHeight * s.inWidth;
            for (int iy = 0; iy < s.inHeight; iy++) {
                for (int ix = 0; ix < s.inWidth; ix++) {
                    float acc = 0f;
                    for (int o = g * coutG; o < (g + 1) * coutG; o++) {
                        int wBase = (o * cinG + ci - g * cinG) * kk;
                        int gBase = gOff + (b * s.outChannels + o) * s.outPlane();
                        for (int kh = 0; kh < s.kernelHeight; kh++) {
                            int ty = iy + s.padH - kh * s.dilationH;
                            if (ty < 0 || ty % s.strideH != 0 || ty / s.strideH >= s.outHeight) {
                                continue;
                            }
                            for (int kw = 0; kw < s.kernelWidth; kw++) {
                                int tx = ix + s.padW - kw * s.dilationW;
                                if (tx < 0 || tx % s.strideW != 0 || tx / s.strideW >= s.outWidth) {
                                    continue;
                                }
                                acc = Math.fma(w[wBase + kh * s.kernelWidth + kw],
                                        gradOut[gBase + (ty / s.strideH) * s.outWidth + tx / s.strideW], acc);
                            }
                        }
                    }
                    gradIn[plane + iy * s.inWidth + ix] += acc;
                }
            }
        });
    }

    @Override
    void addWeightGradient(ConvShape s, float[] in, int inOff, float[] gradOut, int gOff, int batch,
                           float[] gradWeight, int gwOff) {
        int cinG = s.inChannelsPerGroup();
        int coutG = s.outChannelsPerGroup();
        Parallel.forEach(s.outChannels, o -> {
            int g = o / coutG;
            for (int ci = 0; ci < cinG; ci++) {
                for (int kh = 0; kh < s.kernelHeight; kh++) {
                    for (int kw = 0; kw < s.kernelWidth; kw++) {
                        float acc = 0f;
                        for (int b = 0; b < batch; b++) {
                            int gBase = gOff + (b * s.outChannels + o) * s.outPlane();
                            int xBase = inOff + (b * s.inChannels + g * cinG + ci) * s.inHeight * s.inWidth;
                            for (int oy = 0; oy < s.outHeight; oy++) {
                                int iy = oy * s.strideH - s.padH + kh * s.dilationH;
                                boolean rowInside = iy >= 0 && iy < s.inHeight;
                                for (int ox = 0; ox < s.outWidth; ox++) {
                                    int ix = ox * s.strideW - s.padW + kw * s.dilationW;
                                    float x = rowInside && ix >= 0 && ix < s.inWidth
                                            ? in[xBase + iy * s.inWidth + ix] : 0f;
                                    acc = Math.fma(gradOut[gBase + oy * s.outWidth + ox], x, acc);
                                }
                            }
                        }
                        gradWeight[gwOff + ((o * cinG + ci) * s.kernelHeight + kh) * s.kernelWidth + kw] += acc;
                    }
                }
            }
        });
    }

    @Override
    void addBiasGradient(ConvShape s, float[] gradOut, int gOff, int batch, float[] gradBias, int gbOff) {
        for (int o = 0; o < s.outChannels; o++) {
            float acc = 0f;
            for (int b = 0; b < batch; b++) {
                int base = gOff + (b * s.outChannels + o) * s.outPlane();
                for (int p = 0; p < s.outPlane(); p++) {
                    acc += gradOut[base + p];
                }
            }
            gradBias[gbOff + o] += acc;
        }
    }
}
