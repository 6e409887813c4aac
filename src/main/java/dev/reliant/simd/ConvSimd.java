package dev.reliant.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolution on the Vector API, three paths:
 * <ul>
 *   <li>stride 1 (any kernel, padding, dilation; 1×1 included): "shifted input" implicit GEMM.
 *       The image is copied once into a zero-padded buffer; flattened, output position
 *       n' = oy·Wp + ox reads input n' + offset(ci, kh, kw): every row of a B panel is a run of
 *       consecutive floats of that buffer, so packing B is a vector copy and no im2col exists.
 *       The Wp − outW wrap-around columns per row are computed and dropped.</li>
 *   <li>other strides: im2col columns packed straight into the GEMM's B panels.</li>
 *   <li>depthwise: a direct kernel vectorised along output columns (stride 1); other strides and
 *       edges use the reference rule.</li>
 * </ul>
 * Work is split over (image, group, block of output channels); every output value is the same
 * fma chain as in {@link ConvPlain}.
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
            return new PreparedConv(s, w, b, null, null);
        }
        int coutG = s.outChannelsPerGroup();
        PackedMatrix[] packed = new PackedMatrix[s.groups];
        for (int g = 0; g < s.groups; g++) {
            float[] groupBias = java.util.Arrays.copyOfRange(b, g * coutG, (g + 1) * coutG);
            packed[g] = GemmSimd.INSTANCE.pack(w, g * coutG * s.depth(), coutG, s.depth(), s.depth(), groupBias);
        }
        return new PreparedConv(s, w, b, packed, isShifted(s) ? shiftedOffsets(s) : null);
    }

    private static boolean isShifted(ConvShape s) {
        return s.strideH == 1 && s.strideW == 1;
    }

    private static int[] shiftedOffsets(ConvShape s) {
        int hp = s.inHeight + 2 * s.padH;
        int wp = s.inWidth + 2 * s.padW;
        int[] offsets = new int[Math.max(s.depth(), 1)];
        int p = 0;
        for (int ci = 0; ci < s.inChannelsPerGroup(); ci++) {
            for (int kh = 0; kh < s.kernelHeight; kh++) {
                for (int kw = 0; kw < s.kernelWidth; kw++) {
                    offsets[p++] = ci * hp * wp + kh * s.dilationH * wp + kw * s.dilationW;
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
            if (conv.shiftedOffsets != null) {
                shiftedGemm(conv, g, in, image, r0, r1, out, outGroup);
            } else {
                GemmSimd.multiply(conv.packed[g], r0, r1,
                        new Im2colPacker(s, in, image + g * s.inChannelsPerGroup() * s.inHeight * s.inWidth),
                        s.outPlane(), out, outGroup, s.outPlane());
            }
        });
    }

    /** Rows [r0, r1) of group g for one image through the shifted-input implicit GEMM. */
    private static void shiftedGemm(PreparedConv conv, int g, float[] in, int image, int r0, int r1,
                                     float[] out, int outGroup) {
        ConvShape s = conv.shape;
        int hp = s.inHeight + 2 * s.padH;
        int wp = s.inWidth + 2 * s.padW;
        int cinG = s.inChannelsPerGroup();
        Buffers buf = BUFFERS.get();
        float[] padded = buf.padded(cinG * hp * wp + GemmSimd.NR);
        copyPadded(s, in, image + g * cinG * s.inHeight * s.inWidth, cinG, padded, hp, wp);
        int flat = (s.outHeight - 1) * wp + s.outWidth;
        float[] wide = buf.wide((r1 - r0) * flat);
        GemmSimd.multiply(conv.packed[g], r0, r1, new ShiftedPacker(padded, conv.shiftedOffsets), flat,
                wide, -r0 * flat, flat);
        for (int r = r0; r < r1; r++) {
            int src = (r - r0) * flat;
            int dst = outGroup + r * s.outPlane();
            for (int oy = 0; oy < s.outHeight; oy++) {
                System.arraycopy(wide, src + oy * wp, out, dst + oy * s.outWidth, s.outWidth);
            }
        }
    }

    /** Copies cinG input planes into a zero-bordered buffer of hp × wp planes. */
    private static void copyPadded(ConvShape s, float[] in, int src, int cinG, float[] padded, int hp, int wp) {
        int h = s.inHeight;
        int w = s.inWidth;
        int dst = 0;
        for (int c = 0; c < cinG; c++) {
            java.util.Arrays.fill(padded, dst, dst + s.padH * wp, 0f);
            dst += s.padH * wp;
            for (int y = 0; y < h; y++, src += w, dst += wp) {
                java.util.Arrays.fill(padded, dst, dst + s.padW, 0f);
                System.arraycopy(in, src, padded, dst + s.padW, w);
                java.util.Arrays.fill(padded, dst + s.padW + w, dst + wp, 0f);
            }
            java.util.Arrays.fill(padded, dst, dst + s.padH * wp, 0f);
            dst += s.padH * wp;
        }
        java.util.Arrays.fill(padded, dst, dst + GemmSimd.NR, 0f);
    }

    /**
     * B of the shifted-input GEMM: column n' of row k is padded[n' + offsets[k]], so a panel row
     * is NR consecutive floats of the padded image: packing is a plain vector copy. Columns past
     * the block end read the buffer's slack; they only feed outputs that are dropped.
     */
    private static final class ShiftedPacker implements BPanelPacker {
        private final float[] padded;
        private final int[] offsets;

        ShiftedPacker(float[] padded, int[] offsets) {
            this.padded = padded;
            this.offsets = offsets;
        }

        @Override
        public void pack(int k0, int kb, int n0, int nb, int nr, float[] dst) {
            int d = 0;
            for (int j0 = 0; j0 < nb; j0 += nr) {
                int base = n0 + j0;
                for (int kk = 0; kk < kb; kk++, d += nr) {
                    int src = base + offsets[k0 + kk];
                    for (int v = 0; v < nr; v += LANES) {
                        FloatVector.fromArray(F, padded, src + v).intoArray(dst, d + v);
                    }
                }
            }
        }
    }

    /** Builds im2col columns of one image and group directly in panel layout. */
    private static final class Im2colPacker implements BPanelPacker {
        private final ConvShape s;
        private final float[] in;
        private final int groupBase;

        Im2colPacker(ConvShape s, float[] in, int groupBase) {
            this.s = s;
            this.in = in;
            this.groupBase = groupBase;
        }

        @Override
        public void pack(int k0, int kb, int n0, int nb, int nr, float[] dst) {
            int khw = s.kernelHeight * s.kernelWidth;
            int panels = PackedMatrix.ceilDiv(nb, nr);
            int tail = nb - (panels - 1) * nr;
            for (int kk = 0; kk < kb; kk++) {
                int p = k0 + kk;
                int ci = p / khw;
                int r = p - ci * khw;
                int kh = r / s.kernelWidth;
                int kw = r - kh * s.kernelWidth;
                int plane = groupBase + ci * s.inHeight * s.inWidth;
                int dy = kh * s.dilationH - s.padH;
                int dx = kw * s.dilationW - s.padW;
                int oy = n0 / s.outWidth;
                int ox = n0 - oy * s.outWidth;
                int rel = 0;
                while (rel < nb) {
                    int panel = rel / nr;
                    int col = rel - panel * nr;
                    int len = Math.min(Math.min(nr - col, s.outWidth - ox), nb - rel);
                    int d = panel * nr * kb + kk * nr + col;
                    int iy = oy * s.strideH + dy;
                    if (iy < 0 || iy >= s.inHeight) {
                        java.util.Arrays.fill(dst, d, d + len, 0f);
                    } else {
                        int row = plane + iy * s.inWidth;
                        for (int i = 0; i < len; i++) {
                            int ix = (ox + i) * s.strideW + dx;
                            dst[d + i] = ix >= 0 && ix < s.inWidth ? in[row + ix] : 0f;
                        }
                    }
                    rel += len;
                    ox += len;
                    if (ox == s.outWidth) {
                        ox = 0;
                        oy++;
                    }
                }
                if (tail < nr) {
                    int d = (panels - 1) * nr * kb + kk * nr;
                    java.util.Arrays.fill(dst, d + tail, d + nr, 0f);
                }
            }
        }
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
