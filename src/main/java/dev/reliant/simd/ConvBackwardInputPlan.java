package dev.reliant.simd;

import java.util.ArrayList;
import java.util.List;

/**
 * The input gradient of a convolution as stride-1 implicit GEMMs, one per output phase.
 *
 * <p>dL/dx[iy] = Σ_kh w[kh]·g[oy] over oy·s = iy + pad − kh·d. For input rows of one phase
 * iy = py + s·i, only the taps with kh·d − pad ≡ py (mod s) contribute, and they read
 * g[i + δ(kh)] with δ(kh) = −⌊(kh·d − pad) / s⌋: a stride-1 correlation of the output gradient
 * with that subset of taps (likewise for columns). So each phase is the GEMM of
 * {@link ConvSimd} on a zero-padded copy of the output gradient (the buffer Z, {@link #extentH}
 * × {@link #extentW} per channel): row i' = i·Z_w + j of B reads Z at i' + offset(o, kh, kw),
 * and A holds the weights of the phase's taps, transposed ([in/groups] × [out/groups · taps]).
 * No multiplication by an inserted zero is ever done, whatever the stride.
 */
final class ConvBackwardInputPlan {
    final ConvShape shape;
    /** Rows and columns of one channel of Z; the output gradient sits at (marginH, marginW). */
    final int extentH;
    final int extentW;
    final int marginH;
    final int marginW;
    /** The phases that receive at least one tap. */
    final List<Phase> phases = new ArrayList<>();

    /** Input positions (py + s·i, px + s·j) and the taps reaching them. */
    static final class Phase {
        final int py;
        final int px;
        final int rows;
        final int cols;
        /** Flattened length of the phase's output in Z's row pitch: (rows − 1)·Z_w + cols. */
        final int flat;
        /** Per GEMM column (o, kh, kw): the offset in Z; o runs over the group's output channels. */
        final int[] offsets;
        /** Per tap of the phase (kh, kw ascending): kh·kw_count + kw. */
        final int[] taps;
        /** Per group, the packed [in/groups × out/groups·taps] weights; null for depthwise. */
        final PackedMatrix[] weights;
        /**
         * The same weights for the position GEMM (columns = the group's input channels, k = (o,
         * tap), one chain), when the shape takes it ({@link #usesPositions}); else null.
         */
        final ConvPositionGemm positions;

        Phase(int py, int px, int rows, int cols, int flat, int[] offsets, int[] taps, PackedMatrix[] weights,
              ConvPositionGemm positions) {
            this.py = py;
            this.px = px;
            this.rows = rows;
            this.cols = cols;
            this.flat = flat;
            this.offsets = offsets;
            this.taps = taps;
            this.weights = weights;
            this.positions = positions;
        }
    }

    /** One axis: margin, extent, and per tap its phase and its position in Z. */
    private static final class Axis {
        final int margin;
        final int extent;
        final int[] phaseOfTap;
        final int[] shiftOfTap;
        final int[] phaseSize;

        Axis(int in, int out, int kernel, int stride, int pad, int dilation) {
            margin = Math.max(0, Math.floorDiv((kernel - 1) * dilation - pad, stride));
            phaseSize = new int[stride];
            int largestPhase = 0;
            for (int p = 0; p < stride; p++) {
                phaseSize[p] = p < in ? PackedMatrix.ceilDiv(in - p, stride) : 0;
                largestPhase = Math.max(largestPhase, phaseSize[p]);
            }
            int largestShift = -Math.floorDiv(-pad, stride);
            extent = margin + Math.max(out, largestPhase + largestShift);
            phaseOfTap = new int[kernel];
            shiftOfTap = new int[kernel];
            for (int k = 0; k < kernel; k++) {
                int e = k * dilation - pad;
                phaseOfTap[k] = Math.floorMod(e, stride);
                shiftOfTap[k] = margin - Math.floorDiv(e, stride);
            }
        }

        int[] tapsOfPhase(int p) {
            return java.util.stream.IntStream.range(0, phaseOfTap.length).filter(k -> phaseOfTap[k] == p).toArray();
        }
    }

    /** The geometry of {@code s}; with {@code packed}, also room for the weights of each phase and group. */
    ConvBackwardInputPlan(ConvShape s, boolean packed) {
        this.shape = s;
        Axis rows = new Axis(s.inHeight, s.outHeight, s.kernelHeight, s.strideH, s.padH, s.dilationH);
        Axis cols = new Axis(s.inWidth, s.outWidth, s.kernelWidth, s.strideW, s.padW, s.dilationW);
        extentH = rows.extent;
        extentW = cols.extent;
        marginH = rows.margin;
        marginW = cols.margin;
        int coutG = s.outChannelsPerGroup();
        int plane = extentH * extentW;
        for (int py = 0; py < s.strideH; py++) {
            for (int px = 0; px < s.strideW; px++) {
                int[] th = rows.tapsOfPhase(py);
                int[] tw = cols.tapsOfPhase(px);
                if (th.length == 0 || tw.length == 0 || rows.phaseSize[py] == 0 || cols.phaseSize[px] == 0) {
                    continue;
                }
                int[] taps = new int[th.length * tw.length];
                int[] tapOffsets = new int[taps.length];
                int t = 0;
                for (int kh : th) {
                    for (int kw : tw) {
                        taps[t] = kh * s.kernelWidth + kw;
                        tapOffsets[t++] = rows.shiftOfTap[kh] * extentW + cols.shiftOfTap[kw];
                    }
                }
                int[] offsets = new int[coutG * taps.length];
                for (int o = 0; o < coutG; o++) {
                    for (t = 0; t < taps.length; t++) {
                        offsets[o * taps.length + t] = o * plane + tapOffsets[t];
                    }
                }
                PackedMatrix[] weights = null;
                ConvPositionGemm positions = null;
                if (packed && usesPositions(s)) {
                    positions = new ConvPositionGemm(s.groups, s.inChannelsPerGroup(), offsets.length, offsets.length,
                            null);
                }
                if (packed) {
                    weights = new PackedMatrix[s.groups];
                    int k = offsets.length;
                    int paddedRows = PackedMatrix.ceilDiv(s.inChannelsPerGroup(), GemmSimd.MR) * GemmSimd.MR;
                    for (int g = 0; g < s.groups; g++) {
                        weights[g] = new PackedMatrix(s.inChannelsPerGroup(), k, GemmSimd.MR, GemmSimd.KC,
                                new float[paddedRows * k], new float[paddedRows], false);
                    }
                }
                int rowsOut = rows.phaseSize[py];
                int colsOut = cols.phaseSize[px];
                phases.add(new Phase(py, px, rowsOut, colsOut, (rowsOut - 1) * extentW + colsOut, offsets, taps,
                        weights, positions));
            }
        }
    }

    /**
     * Whether the input gradient of a shape takes the position GEMM for whole-group calls: at
     * least one vector of input channels per group, and the layers whose forward takes it.
     */
    static boolean usesPositions(ConvShape s) {
        return !s.isDepthwise() && s.inChannelsPerGroup() >= GemmSimd.L
                && s.channelBlocks() >= ConvPositionGemm.MIN_BLOCKS;
    }

    /** Values of Z for {@code channels} channels, with slack for reads past the last phase row. */
    int zSize(int channels) {
        return channels * extentH * extentW + GemmSimd.NR;
    }

    /** Largest flattened phase output. */
    int maxFlat() {
        int m = 0;
        for (Phase p : phases) {
            m = Math.max(m, p.flat);
        }
        return m;
    }

    /** Rearranges OIHW weights into every phase's packed A: A_g[ci][(o, tap)] = w[g·coutG + o][ci][tap]. */
    void pack(float[] weight) {
        ConvShape s = shape;
        int coutG = s.outChannelsPerGroup();
        int cinG = s.inChannelsPerGroup();
        int kk = s.kernelHeight * s.kernelWidth;
        for (Phase ph : phases) {
            if (ph.weights == null) {
                continue;
            }
            int nt = ph.taps.length;
            for (int g = 0; g < s.groups; g++) {
                PackedMatrix a = ph.weights[g];
                for (int o = 0; o < coutG; o++) {
                    for (int t = 0; t < nt; t++) {
                        int col = o * nt + t;
                        int src = ((g * coutG + o) * cinG) * kk + ph.taps[t];
                        for (int ci = 0; ci < cinG; ci++) {
                            a.data[a.indexOf(ci, col)] = weight[src + ci * kk];
                        }
                        if (ph.positions != null) {
                            for (int ci = 0; ci < cinG; ci++) {
                                ph.positions.set(g, ci, col, weight[src + ci * kk]);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Copies {@code channels} planes of the output gradient (from src) into Z: zeros around,
     * each plane at (marginH, marginW) (the extents make room for it), and zero slack at the end.
     */
    void copyToZ(float[] gradOut, int src, int channels, float[] z) {
        ConvShape s = shape;
        int plane = extentH * extentW;
        java.util.Arrays.fill(z, 0, channels * plane + GemmSimd.NR, 0f);
        for (int c = 0; c < channels; c++) {
            int d = c * plane + marginH * extentW + marginW;
            int from = src + c * s.outPlane();
            for (int y = 0; y < s.outHeight; y++, d += extentW, from += s.outWidth) {
                System.arraycopy(gradOut, from, z, d, s.outWidth);
            }
        }
    }
}
