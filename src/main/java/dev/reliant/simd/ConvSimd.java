package dev.reliant.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolution on the Vector API, two paths:
 * <ul>
 *   <li>GEMM ("shifted input" implicit GEMM), any kernel, stride, padding, dilation and groups,
 *       1×1 included. The image is copied once into a zero-padded buffer split into stride
 *       phases (just the padded image for stride 1). Flattened, output position
 *       n' = oy·Wq + ox reads n' + offset(ci, kh, kw): every row of a B panel is a run of
 *       consecutive floats of that buffer, so packing B is a vector copy and no im2col exists.
 *       The Wq − outW wrap-around columns per row are computed and dropped. Calls over whole
 *       groups of a layer with many channel blocks run the same GEMM turned around
 *       ({@link ConvPositionGemm}: rows are output positions, columns output channels).</li>
 *   <li>depthwise: a direct kernel vectorised along output columns (stride 1); other strides and
 *       edges use the reference rule.</li>
 * </ul>
 * Work is split over (image, group, block of output channels); every output value is the same
 * sum of fma-chain block sums as in {@link ConvPlain}: the GEMM's K blocks are the block sums.
 */
public final class ConvSimd implements ConvKernels {
    public static final ConvSimd INSTANCE = new ConvSimd();

    private static final VectorSpecies<Float> F = GemmSimd.F;
    private static final int LANES = GemmSimd.L;
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private ConvSimd() {}

    @Override
    public String name() {
        return "conv-simd";
    }

    @Override
    public PreparedConv prepare(ConvShape s, float[] weight, int wOff, float[] bias) {
        float[][] wb = PreparedConv.copyParameters(s, weight, wOff, bias);
        float[] w = wb[0];
        float[] b = wb[1];
        if (s.isDepthwise()) {
            return new PreparedConv(s, w, b, null, null, null);
        }
        int coutG = s.outChannelsPerGroup();
        // The K blocks of the GEMM are the block sums of the arithmetic when there are several.
        boolean blockSums = s.channelBlocks() > 1;
        int kc = blockSums ? s.channelsPerBlock() * s.kernelHeight * s.kernelWidth : GemmSimd.KC;
        PackedMatrix[] packed = new PackedMatrix[s.groups];
        for (int g = 0; g < s.groups; g++) {
            float[] groupBias = java.util.Arrays.copyOfRange(b, g * coutG, (g + 1) * coutG);
            packed[g] = PackedMatrix.pack(w, g * coutG * s.depth(), coutG, s.depth(), s.depth(), groupBias,
                    GemmSimd.MR, kc, blockSums);
        }
        ConvPositionGemm positions = ConvPositionGemm.fits(s) ? ConvPositionGemm.forward(s, w, b) : null;
        return new PreparedConv(s, w, b, packed, shiftedOffsets(s), positions);
    }

    /** Geometry of the polyphase copy of one image group: s_h·s_w phase planes per channel. */
    private static final class Phases {
        final int planeH;
        final int planeW;
        final int phases;

        Phases(ConvShape s) {
            planeH = PackedMatrix.ceilDiv(s.inHeight + 2 * s.padH, s.strideH);
            planeW = PackedMatrix.ceilDiv(s.inWidth + 2 * s.padW, s.strideW);
            phases = s.strideH * s.strideW;
        }

        int channelSize() {
            return phases * planeH * planeW;
        }

        /** Length of the flattened output: rows of planeW, the last one only outW long. */
        int flatOutput(ConvShape s) {
            return (s.outHeight - 1) * planeW + s.outWidth;
        }
    }

    /**
     * Offset of each (channel, kernel row, kernel column) in the polyphase copy. Tap (kh, kw) of
     * output (oy, ox) reads padded row oy·sh + kh·dh, i.e. phase (kh·dh mod sh) at phase row
     * oy + kh·dh / sh; likewise for columns. So within a phase plane, consecutive outputs read
     * consecutive floats for every stride.
     */
    private static int[] shiftedOffsets(ConvShape s) {
        Phases ph = new Phases(s);
        int[] offsets = new int[Math.max(s.depth(), 1)];
        int p = 0;
        for (int ci = 0; ci < s.inChannelsPerGroup(); ci++) {
            for (int kh = 0; kh < s.kernelHeight; kh++) {
                int eh = kh * s.dilationH;
                for (int kw = 0; kw < s.kernelWidth; kw++) {
                    int ew = kw * s.dilationW;
                    int phase = (eh % s.strideH) * s.strideW + ew % s.strideW;
                    offsets[p++] = ci * ph.channelSize() + phase * ph.planeH * ph.planeW
                            + (eh / s.strideH) * ph.planeW + ew / s.strideW;
                }
            }
        }
        return offsets;
    }

    @Override
    public void forwardChannels(PreparedConv conv, float[] in, int inOff, int batch, int coStart, int coEnd,
                                float[] out, int outOff) {
        ConvKernels.checkForward(conv, in, inOff, batch, coStart, coEnd, out, outOff);
        if (conv.packed == null) {
            if (!conv.shape.isDepthwise()) {
                throw new IllegalArgumentException("convolution was prepared by another implementation");
            }
            depthwise(conv, in, inOff, batch, coStart, coEnd, out, outOff);
            return;
        }
        ConvShape s = conv.shape;
        int coutG = s.outChannelsPerGroup();
        int gStart = coStart / coutG;
        int gEnd = coEnd == coStart ? gStart : (coEnd - 1) / coutG + 1;
        int groups = gEnd - gStart;
        if (batch == 0 || groups == 0) {
            return;
        }
        if (wholeGroups(conv, coStart, coEnd, batch * groups)) {
            Parallel.forEach(batch * groups, item -> {
                int g = gStart + item % groups;
                int b = item / groups;
                positionGemm(conv, g, in, inOff + b * s.inputSize(), 0, s.channelBlocks(), out,
                        outOff + (b * s.outChannels + g * coutG) * s.outPlane());
            });
            return;
        }
        // Enough row blocks to keep every thread busy; this choice never changes a result bit.
        int maxRows = Math.min(coEnd - coStart, coutG);
        int panels = PackedMatrix.ceilDiv(maxRows, GemmSimd.MR);
        int splits = Math.min(panels, Math.max(1, PackedMatrix.ceilDiv(Parallel.threads(), batch * groups)));
        int rowsPerSplit = PackedMatrix.ceilDiv(panels, splits) * GemmSimd.MR;
        Parallel.forEach(batch * groups * splits, item -> {
            int split = item % splits;
            int g = gStart + (item / splits) % groups;
            int b = item / (splits * groups);
            int rLo = Math.max(coStart, g * coutG) - g * coutG;
            int rHi = Math.min(coEnd, (g + 1) * coutG) - g * coutG;
            int r0 = rLo + split * rowsPerSplit;
            int r1 = Math.min(rHi, r0 + rowsPerSplit);
            if (r0 >= r1) {
                return;
            }
            int image = inOff + b * s.inputSize();
            int outGroup = outOff + (b * s.outChannels + g * coutG) * s.outPlane();
            shiftedGemm(conv, g, in, image, r0, r1, 0, s.channelBlocks(), out, outGroup);
        });
    }

    @Override
    public void forwardBlock(PreparedConv conv, float[] in, int inOff, int batch, int block, float[] out, int outOff) {
        ConvShape s = conv.shape;
        ConvKernels.checkForward(conv, in, inOff, batch, 0, s.outChannels, out, outOff);
        ConvKernels.checkBlock(conv, block);
        if (conv.packed == null) {
            forwardChannels(conv, in, inOff, batch, 0, s.outChannels, out, outOff); // depthwise: one block
            return;
        }
        int coutG = s.outChannelsPerGroup();
        boolean positions = wholeGroups(conv, 0, s.outChannels, batch * s.groups);
        Parallel.forEach(batch * s.groups, item -> {
            int g = item % s.groups;
            int b = item / s.groups;
            int outGroup = outOff + (b * s.outChannels + g * coutG) * s.outPlane();
            if (positions) {
                positionGemm(conv, g, in, inOff + b * s.inputSize(), block, block + 1, out, outGroup);
            } else {
                shiftedGemm(conv, g, in, inOff + b * s.inputSize(), 0, coutG, block, block + 1, out, outGroup);
            }
        });
    }

    /**
     * Whether a call takes the output-position GEMM ({@link ConvPositionGemm}): it computes
     * whole groups, and there are enough (image, group) tasks for every thread. Both paths give
     * the same bits.
     */
    private static boolean wholeGroups(PreparedConv conv, int coStart, int coEnd, int tasks) {
        int coutG = conv.shape.outChannelsPerGroup();
        return conv.positions != null && coStart % coutG == 0 && coEnd % coutG == 0 && tasks >= Parallel.threads();
    }

    /** Every channel of group g for one image through {@link ConvPositionGemm}, channel blocks [firstBlock, endBlock). */
    private static void positionGemm(PreparedConv conv, int g, float[] in, int image, int firstBlock, int endBlock,
                                     float[] out, int outGroup) {
        ConvShape s = conv.shape;
        ConvPositionGemm pg = conv.positions;
        Phases ph = new Phases(s);
        Buffers buf = BUFFERS.get();
        float[] phases = paddedGroup(s, ph, in, image, g, buf);
        int flat = ph.flatOutput(s);
        float[] wide = buf.wide(pg.paddedRows(flat) * pg.ldc);
        pg.multiply(g, phases, conv.shiftedOffsets, flat, firstBlock, endBlock, wide);
        // Channels last to NCHW: one pass over the result, one output row of every channel at a time.
        int coutG = s.outChannelsPerGroup();
        int ldc = pg.ldc;
        int plane = s.outPlane();
        for (int oy = 0; oy < s.outHeight; oy++) {
            for (int ox = 0; ox < s.outWidth; ox++) {
                int src = (oy * ph.planeW + ox) * ldc;
                int dst = outGroup + oy * s.outWidth + ox;
                for (int o = 0; o < coutG; o++) {
                    out[dst + o * plane] = wide[src + o];
                }
            }
        }
    }

    /**
     * Rows [r0, r1) of group g for one image through the shifted-input implicit GEMM, summing
     * channel blocks [firstBlock, endBlock) only.
     */
    private static void shiftedGemm(PreparedConv conv, int g, float[] in, int image, int r0, int r1,
                                     int firstBlock, int endBlock, float[] out, int outGroup) {
        ConvShape s = conv.shape;
        Phases ph = new Phases(s);
        Buffers buf = BUFFERS.get();
        float[] phases = paddedGroup(s, ph, in, image, g, buf);
        int flat = ph.flatOutput(s);
        float[] wide = buf.wide((r1 - r0) * flat);
        GemmSimd.multiplyBlocks(conv.packed[g], firstBlock, endBlock, r0, r1,
                new ShiftedPanelPacker(phases, conv.shiftedOffsets), flat, wide, -r0 * flat, flat);
        for (int r = r0; r < r1; r++) {
            int src = (r - r0) * flat;
            int dst = outGroup + r * s.outPlane();
            for (int oy = 0; oy < s.outHeight; oy++) {
                System.arraycopy(wide, src + oy * ph.planeW, out, dst + oy * s.outWidth, s.outWidth);
            }
        }
    }

    /** Group g's input channels of one image, padded and phase-split into the thread's buffer ({@link #copyPolyphase}). */
    private static float[] paddedGroup(ConvShape s, Phases ph, float[] in, int image, int g, Buffers buf) {
        int cinG = s.inChannelsPerGroup();
        float[] phases = buf.padded(cinG * ph.channelSize() + GemmSimd.NR);
        copyPolyphase(s, in, image + g * cinG * s.inHeight * s.inWidth, cinG, ph, phases);
        return phases;
    }

    /**
     * Copies cinG input planes, zero-padded, split into stride phases: phase (py, px) of a
     * channel holds padded pixels (i·sh + py, j·sw + px). With stride 1 this is just the padded
     * image. The buffer ends with NR zeros of slack.
     */
    private static void copyPolyphase(ConvShape s, float[] in, int src, int cinG, Phases ph, float[] dst) {
        int h = s.inHeight;
        int w = s.inWidth;
        if (s.strideH == 1 && s.strideW == 1) {
            // One fill of the whole buffer and one copy per input row: many tiny fills of the
            // border columns cost more than zeroing everything once.
            int planeSize = ph.planeH * ph.planeW;
            java.util.Arrays.fill(dst, 0, cinG * planeSize + GemmSimd.NR, 0f);
            for (int c = 0; c < cinG; c++, src += h * w) {
                int d = c * planeSize + s.padH * ph.planeW + s.padW;
                for (int y = 0; y < h; y++, d += ph.planeW) {
                    System.arraycopy(in, src + y * w, dst, d, w);
                }
            }
            return;
        }
        int d = 0;
        for (int c = 0; c < cinG; c++, src += h * w) {
            for (int py = 0; py < s.strideH; py++) {
                for (int px = 0; px < s.strideW; px++) {
                    for (int i = 0; i < ph.planeH; i++, d += ph.planeW) {
                        int y = i * s.strideH + py - s.padH;
                        if (y < 0 || y >= h) {
                            java.util.Arrays.fill(dst, d, d + ph.planeW, 0f);
                            continue;
                        }
                        int row = src + y * w;
                        for (int j = 0; j < ph.planeW; j++) {
                            int x = j * s.strideW + px - s.padW;
                            dst[d + j] = x >= 0 && x < w ? in[row + x] : 0f;
                        }
                    }
                }
            }
        }
        java.util.Arrays.fill(dst, d, d + GemmSimd.NR, 0f);
    }

    /** Depthwise: one plane per (image, channel). */
    private static void depthwise(PreparedConv conv, float[] in, int inOff, int batch, int coStart, int coEnd,
                                  float[] out, int outOff) {
        ConvShape s = conv.shape;
        int channels = coEnd - coStart;
        Parallel.forEach(batch * channels, item -> {
            int b = item / channels;
            int c = coStart + item % channels;
            int image = inOff + b * s.inputSize();
            int plane = outOff + (b * s.outChannels + c) * s.outPlane();
            if (s.strideW != 1) {
                ConvPlain.outputPlane(conv, in, image, c, out, plane);
            } else {
                depthwisePlaneStride1(conv, in, image, c, out, plane);
            }
        });
    }

    private static void depthwisePlaneStride1(PreparedConv conv, float[] in, int image, int c, float[] out, int plane) {
        ConvShape s = conv.shape;
        int h = s.inHeight;
        int w = s.inWidth;
        int kH = s.kernelHeight;
        int kW = s.kernelWidth;
        int inPlane = image + c * h * w;
        int wBase = c * kH * kW;
        // Columns whose every tap lies inside the row: ox - padW >= 0 and ox - padW + (kW-1)·dil < w.
        int oxLo = s.padW;
        int oxHi = w + s.padW - (kW - 1) * s.dilationW; // exclusive
        FloatVector zero = FloatVector.zero(F);
        FloatVector biasV = FloatVector.broadcast(F, conv.bias[c]);
        for (int oy = 0; oy < s.outHeight; oy++) {
            int rowOut = plane + oy * s.outWidth;
            int ox = 0;
            for (; ox < Math.min(oxLo, s.outWidth); ox++) {
                out[rowOut + ox] = ConvPlain.outputValue(conv, in, image, c, oy, ox);
            }
            for (; ox + LANES <= Math.min(oxHi, s.outWidth); ox += LANES) {
                FloatVector acc = biasV;
                for (int kh = 0; kh < kH; kh++) {
                    int iy = oy * s.strideH - s.padH + kh * s.dilationH;
                    boolean inside = iy >= 0 && iy < h;
                    int src = inPlane + iy * w + ox - s.padW;
                    for (int kw = 0; kw < kW; kw++) {
                        FloatVector wv = FloatVector.broadcast(F, conv.weight[wBase + kh * kW + kw]);
                        FloatVector x = inside ? FloatVector.fromArray(F, in, src + kw * s.dilationW) : zero;
                        acc = wv.fma(x, acc);
                    }
                }
                acc.intoArray(out, rowOut + ox);
            }
            for (; ox < s.outWidth; ox++) {
                out[rowOut + ox] = ConvPlain.outputValue(conv, in, image, c, oy, ox);
            }
        }
    }

    /** Per-thread scratch for the shifted path. */
    private static final class Buffers {
        float[] padded = new float[0];
        float[] wide = new float[0];

        float[] padded(int size) {
            if (padded.length < size) {
                padded = new float[size];
            }
            return padded;
        }

        float[] wide(int size) {
            if (wide.length < size) {
                wide = new float[size];
            }
            return wide;
        }
    }
}
