package dev.reliant.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The convolution GEMM of {@link ConvSimd} turned around: rows are flattened positions, columns
 * channels. A register tile holds a few consecutive positions × one or two vectors of channels.
 * Per k it broadcasts the tile's values straight from the padded source at k's offset
 * (consecutive floats, so the source is never packed) and loads the weights, transposed once
 * into column panels ([k][channels]). The forward uses it with output positions × output
 * channels over the padded input (k = (ci, kh, kw)); the input gradient with one stride phase's
 * input positions × input channels over the padded output gradient (k = (o, kh, kw),
 * {@link ConvBackwardInputPlan}).
 *
 * <p>Every value is the same sum of block sums as the channel-row GEMM: each block is one fma
 * chain (block 0 from the bias, the others from +0), added in block order; a single block is
 * one chain. The result is left channels last ([position][channel], {@link #ldc} per row); the
 * caller moves it to NCHW.
 */
final class ConvPositionGemm {
    private static final VectorSpecies<Float> F = GemmSimd.F;
    private static final int LANES = GemmSimd.L;

    /** Output channels per column panel (one or two vectors). */
    final int cols;
    /** Output positions per register tile. */
    final int rows;
    /** Columns of a result row: the group's output channels rounded up to whole panels. */
    final int ldc;
    /** K values per group (the GEMM's depth). */
    private final int depth;
    /** K values per block sum. */
    private final int kc;
    /** Per group: panel p, row k holds the weights of channels p·cols … p·cols + cols − 1 for k. */
    private final float[][] panels;
    /** Per group: the bias over {@link #ldc} columns (zero past the group's channels). */
    private final float[][] bias;
    private final float[] zeros;

    /**
     * Whether the forward of a shape takes this layout: a GEMM convolution with at least one
     * vector of output channels per group and at least {@link #MIN_BLOCKS} channel blocks. With
     * fewer products per output, moving the result to NCHW costs more than it saves (JMH
     * ConvBenchmark, docs/performance.md: the 3-channel stem got slower, 16→16 at 32×32 did not
     * change, 32 and 64 channels got faster).
     */
    static boolean fits(ConvShape s) {
        return !s.isDepthwise() && s.outChannelsPerGroup() >= LANES && s.channelBlocks() >= MIN_BLOCKS;
    }

    /** Channel blocks from which the position GEMM is used. */
    static final int MIN_BLOCKS = 4;

    /**
     * An empty layout for {@code groups} GEMMs of {@code channels} columns and {@code depth}
     * rows k, summed in blocks of {@code kc} (a single chain when kc ≥ depth); {@code biasValues}
     * ([groups · channels], null = zero) starts block 0. Weights are set with {@link #set}.
     */
    ConvPositionGemm(int groups, int channels, int depth, int kc, float[] biasValues) {
        cols = channels > LANES ? 2 * LANES : LANES;
        rows = cols == LANES ? 8 : 6;
        ldc = PackedMatrix.ceilDiv(channels, cols) * cols;
        this.depth = depth;
        this.kc = Math.max(1, Math.min(kc, depth));
        panels = new float[groups][ldc * depth];
        bias = new float[groups][ldc];
        zeros = new float[ldc];
        if (biasValues != null) {
            for (int g = 0; g < groups; g++) {
                System.arraycopy(biasValues, g * channels, bias[g], 0, channels);
            }
        }
    }

    /** The forward of a convolution: columns are its output channels, k = (ci, kh, kw), blocks of channels. */
    static ConvPositionGemm forward(ConvShape s, float[] weight, float[] biasValues) {
        int taps = s.kernelHeight * s.kernelWidth;
        ConvPositionGemm pg = new ConvPositionGemm(s.groups, s.outChannelsPerGroup(), s.depth(),
                s.channelsPerBlock() * taps, biasValues);
        for (int o = 0; o < s.outChannels; o++) {
            for (int k = 0; k < s.depth(); k++) {
                pg.setForward(s, o, k, weight[o * s.depth() + k]);
            }
        }
        return pg;
    }

    /** Sets the forward weight of output channel o (of the whole layer) at k = (ci, kh, kw) of its group. */
    void setForward(ConvShape s, int o, int k, float value) {
        int coutG = s.outChannelsPerGroup();
        set(o / coutG, o % coutG, k, value);
    }

    /** Sets column j of group g at row k. */
    void set(int g, int j, int k, float value) {
        int p = j / cols;
        panels[g][(p * depth + k) * cols + j - p * cols] = value;
    }

    /** Rows of the result for a flattened output of {@code flat} positions: whole tiles. */
    int paddedRows(int flat) {
        return PackedMatrix.ceilDiv(flat, rows) * rows;
    }

    /**
     * Group g's channel blocks [firstBlock, endBlock) summed into {@code c} ([position][ldc],
     * {@link #paddedRows} rows): position n, tap k reads {@code x[offsets[k] + n]}. The first
     * block starts from the bias when it is block 0 and from +0 otherwise, so a single block
     * gives exactly the block sum the full output adds. {@code x} must hold {@link #rows} floats
     * of slack past the last tap's run.
     */
    void multiply(int g, float[] x, int[] offsets, int flat, int firstBlock, int endBlock, float[] c) {
        int tiles = PackedMatrix.ceilDiv(flat, rows);
        float[] w = panels[g];
        for (int block = firstBlock; block < endBlock; block++) {
            int k0 = block * kc;
            int kb = Math.min(kc, depth - k0);
            boolean add = block > firstBlock;
            float[] start = block == 0 ? bias[g] : zeros;
            for (int p = 0; p * cols < ldc; p++) {
                int wo = (p * depth + k0) * cols;
                for (int t = 0; t < tiles; t++) {
                    int co = t * rows * ldc + p * cols;
                    if (cols == LANES) {
                        kernel8x1v(x, t * rows, offsets, k0, kb, w, wo, start, p * cols, c, co, ldc, add);
                    } else {
                        kernel6x2v(x, t * rows, offsets, k0, kb, w, wo, start, p * cols, c, co, ldc, add);
                    }
                }
            }
        }
    }

    /**
     * Positions n0 … n0 + 5 × two vectors of channels: the chain starts from {@code start} (the
     * bias or zeros) and, with {@code add}, is added to what c holds.
     */
    private static void kernel6x2v(float[] x, int n0, int[] offsets, int k0, int kb, float[] w, int wo,
                                   float[] start, int so, float[] c, int co, int ldc, boolean add) {
        FloatVector s0 = FloatVector.fromArray(F, start, so);
        FloatVector s1 = FloatVector.fromArray(F, start, so + LANES);
        FloatVector c0_0 = s0, c1_0 = s0, c2_0 = s0, c3_0 = s0, c4_0 = s0, c5_0 = s0;
        FloatVector c0_1 = s1, c1_1 = s1, c2_1 = s1, c3_1 = s1, c4_1 = s1, c5_1 = s1;
        for (int kk = 0; kk < kb; kk++) {
            int xo = offsets[k0 + kk] + n0;
            FloatVector w0 = FloatVector.fromArray(F, w, wo);
            FloatVector w1 = FloatVector.fromArray(F, w, wo + LANES);
            FloatVector a0 = FloatVector.broadcast(F, x[xo]);
            c0_0 = a0.fma(w0, c0_0);
            c0_1 = a0.fma(w1, c0_1);
            FloatVector a1 = FloatVector.broadcast(F, x[xo + 1]);
            c1_0 = a1.fma(w0, c1_0);
            c1_1 = a1.fma(w1, c1_1);
            FloatVector a2 = FloatVector.broadcast(F, x[xo + 2]);
            c2_0 = a2.fma(w0, c2_0);
            c2_1 = a2.fma(w1, c2_1);
            FloatVector a3 = FloatVector.broadcast(F, x[xo + 3]);
            c3_0 = a3.fma(w0, c3_0);
            c3_1 = a3.fma(w1, c3_1);
            FloatVector a4 = FloatVector.broadcast(F, x[xo + 4]);
            c4_0 = a4.fma(w0, c4_0);
            c4_1 = a4.fma(w1, c4_1);
            FloatVector a5 = FloatVector.broadcast(F, x[xo + 5]);
            c5_0 = a5.fma(w0, c5_0);
            c5_1 = a5.fma(w1, c5_1);
            wo += 2 * LANES;
        }
        if (add) {
            c0_0 = FloatVector.fromArray(F, c, co).add(c0_0);
            c0_1 = FloatVector.fromArray(F, c, co + LANES).add(c0_1);
            c1_0 = FloatVector.fromArray(F, c, co + ldc).add(c1_0);
            c1_1 = FloatVector.fromArray(F, c, co + ldc + LANES).add(c1_1);
            c2_0 = FloatVector.fromArray(F, c, co + 2 * ldc).add(c2_0);
            c2_1 = FloatVector.fromArray(F, c, co + 2 * ldc + LANES).add(c2_1);
            c3_0 = FloatVector.fromArray(F, c, co + 3 * ldc).add(c3_0);
            c3_1 = FloatVector.fromArray(F, c, co + 3 * ldc + LANES).add(c3_1);
            c4_0 = FloatVector.fromArray(F, c, co + 4 * ldc).add(c4_0);
            c4_1 = FloatVector.fromArray(F, c, co + 4 * ldc + LANES).add(c4_1);
            c5_0 = FloatVector.fromArray(F, c, co + 5 * ldc).add(c5_0);
            c5_1 = FloatVector.fromArray(F, c, co + 5 * ldc + LANES).add(c5_1);
        }
        c0_0.intoArray(c, co);
        c0_1.intoArray(c, co + LANES);
        c1_0.intoArray(c, co + ldc);
        c1_1.intoArray(c, co + ldc + LANES);
        c2_0.intoArray(c, co + 2 * ldc);
        c2_1.intoArray(c, co + 2 * ldc + LANES);
        c3_0.intoArray(c, co + 3 * ldc);
        c3_1.intoArray(c, co + 3 * ldc + LANES);
        c4_0.intoArray(c, co + 4 * ldc);
        c4_1.intoArray(c, co + 4 * ldc + LANES);
        c5_0.intoArray(c, co + 5 * ldc);
        c5_1.intoArray(c, co + 5 * ldc + LANES);
    }

    /** Positions n0 … n0 + 7 × one vector of channels, as {@link #kernel6x2v}. */
    private static void kernel8x1v(float[] x, int n0, int[] offsets, int k0, int kb, float[] w, int wo,
                                   float[] start, int so, float[] c, int co, int ldc, boolean add) {
        FloatVector s = FloatVector.fromArray(F, start, so);
        FloatVector c0 = s, c1 = s, c2 = s, c3 = s, c4 = s, c5 = s, c6 = s, c7 = s;
        for (int kk = 0; kk < kb; kk++) {
            int xo = offsets[k0 + kk] + n0;
            FloatVector w0 = FloatVector.fromArray(F, w, wo);
            c0 = FloatVector.broadcast(F, x[xo]).fma(w0, c0);
            c1 = FloatVector.broadcast(F, x[xo + 1]).fma(w0, c1);
            c2 = FloatVector.broadcast(F, x[xo + 2]).fma(w0, c2);
            c3 = FloatVector.broadcast(F, x[xo + 3]).fma(w0, c3);
            c4 = FloatVector.broadcast(F, x[xo + 4]).fma(w0, c4);
            c5 = FloatVector.broadcast(F, x[xo + 5]).fma(w0, c5);
            c6 = FloatVector.broadcast(F, x[xo + 6]).fma(w0, c6);
            c7 = FloatVector.broadcast(F, x[xo + 7]).fma(w0, c7);
            wo += LANES;
        }
        if (add) {
            c0 = FloatVector.fromArray(F, c, co).add(c0);
            c1 = FloatVector.fromArray(F, c, co + ldc).add(c1);
            c2 = FloatVector.fromArray(F, c, co + 2 * ldc).add(c2);
            c3 = FloatVector.fromArray(F, c, co + 3 * ldc).add(c3);
            c4 = FloatVector.fromArray(F, c, co + 4 * ldc).add(c4);
            c5 = FloatVector.fromArray(F, c, co + 5 * ldc).add(c5);
            c6 = FloatVector.fromArray(F, c, co + 6 * ldc).add(c6);
            c7 = FloatVector.fromArray(F, c, co + 7 * ldc).add(c7);
        }
        c0.intoArray(c, co);
        c1.intoArray(c, co + ldc);
        c2.intoArray(c, co + 2 * ldc);
        c3.intoArray(c, co + 3 * ldc);
        c4.intoArray(c, co + 4 * ldc);
        c5.intoArray(c, co + 5 * ldc);
        c6.intoArray(c, co + 6 * ldc);
        c7.intoArray(c, co + 7 * ldc);
    }
}
