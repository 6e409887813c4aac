package dev.reliant.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolution backward on the Vector API.
 * <ul>
 *   <li>Input gradient: per output phase a stride-1 implicit GEMM on the packed GEMM kernel
 *       ({@link ConvBackwardInputPlan}), or for layers with many channel blocks the same GEMM
 *       turned around ({@link ConvPositionGemm}); depthwise: the same taps, vectorised along
 *       the flattened phase output.</li>
 *   <li>Weight gradient: {@link ConvBackwardWeightGemm}.</li>
 *   <li>Bias gradient: vector lanes summed vertically, then in lane order.</li>
 * </ul>
 * Threads split the input gradient over (image, group, block of input channels), the weight
 * and bias gradients over output values; every value is computed by one task, and the path
 * taken never changes a bit.
 */
public final class ConvBackwardSimd extends ConvBackwardDriver {
    public static final ConvBackwardSimd INSTANCE = new ConvBackwardSimd();

    private static final VectorSpecies<Float> F = GemmSimd.F;
    private static final int LANES = GemmSimd.L;
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private ConvBackwardSimd() {}

    @Override
    public String name() {
        return "conv-backward-simd";
    }

    @Override
    public ConvBackwardWeights prepare(ConvShape shape, float[] weight, int wOff) {
        return new ConvBackwardWeights(shape, new ConvBackwardInputPlan(shape, !shape.isDepthwise()), weight, wOff);
    }

    @Override
    void addInputGradient(ConvBackwardWeights weights, float[] gradOut, int gOff, int batch, float[] gradIn,
                          int giOff) {
        ConvShape s = weights.shape;
        ConvBackwardInputPlan plan = weights.plan;
        if (plan == null) {
            throw new IllegalArgumentException("conv backward weights were prepared by another implementation");
        }
        if (batch == 0) {
            return;
        }
        if (s.isDepthwise()) {
            depthwiseInput(weights, gradOut, gOff, batch, gradIn, giOff);
            return;
        }
        int cinG = s.inChannelsPerGroup();
        int coutG = s.outChannelsPerGroup();
        if (ConvBackwardInputPlan.usesPositions(s) && batch * s.groups >= Parallel.threads()) {
            Parallel.forEach(batch * s.groups, item -> positionInput(weights, gradOut, gOff, item / s.groups,
                    item % s.groups, gradIn, giOff));
            return;
        }
        // Enough row blocks to keep every thread busy; this choice never changes a result bit.
        int panels = PackedMatrix.ceilDiv(cinG, GemmSimd.MR);
        int splits = Math.min(panels, Math.max(1, PackedMatrix.ceilDiv(Parallel.threads(), batch * s.groups)));
        int rowsPerSplit = PackedMatrix.ceilDiv(panels, splits) * GemmSimd.MR;
        Parallel.forEach(batch * s.groups * splits, item -> {
            int split = item % splits;
            int g = (item / splits) % s.groups;
            int b = item / (splits * s.groups);
            int r0 = split * rowsPerSplit;
            int r1 = Math.min(cinG, r0 + rowsPerSplit);
            if (r0 >= r1) {
                return;
            }
            Buffers buf = BUFFERS.get();
            float[] z = buf.z(plan.zSize(coutG));
            plan.copyToZ(gradOut, gOff + (b * s.outChannels + g * coutG) * s.outPlane(), coutG, z);
            float[] wide = buf.wide((r1 - r0) * plan.maxFlat());
            for (ConvBackwardInputPlan.Phase ph : plan.phases) {
                GemmSimd.multiply(ph.weights[g], r0, r1, new ShiftedPanelPacker(z, ph.offsets), ph.flat, wide,
                        -r0 * ph.flat, ph.flat);
                for (int r = r0; r < r1; r++) {
                    addPhase(s, plan, ph, wide, (r - r0) * ph.flat, gradIn,
                            giOff + (b * s.inChannels + g * cinG + r) * s.inHeight * s.inWidth);
                }
            }
        });
    }

    /**
     * Image b, group g through the position GEMM ({@link ConvPositionGemm}): per phase, rows are
     * the phase's input positions, columns the group's input channels; the channels-last result
     * is added into the NCHW gradient. Same chains as the channel-row GEMM, so the same bits.
     */
    private static void positionInput(ConvBackwardWeights weights, float[] gradOut, int gOff, int b, int g,
                                      float[] gradIn, int giOff) {
        ConvShape s = weights.shape;
        ConvBackwardInputPlan plan = weights.plan;
        int cinG = s.inChannelsPerGroup();
        int coutG = s.outChannelsPerGroup();
        int plane = s.inHeight * s.inWidth;
        Buffers buf = BUFFERS.get();
        float[] z = buf.z(plan.zSize(coutG));
        plan.copyToZ(gradOut, gOff + (b * s.outChannels + g * coutG) * s.outPlane(), coutG, z);
        int groupOff = giOff + (b * s.inChannels + g * cinG) * plane;
        for (ConvBackwardInputPlan.Phase ph : plan.phases) {
            ConvPositionGemm pg = ph.positions;
            int ldc = pg.ldc;
            float[] wide = buf.wide(pg.paddedRows(ph.flat) * ldc);
            pg.multiply(g, z, ph.offsets, ph.flat, 0, 1, wide);
            for (int i = 0; i < ph.rows; i++) {
                for (int j = 0; j < ph.cols; j++) {
                    int src = (i * plan.extentW + j) * ldc;
                    int dst = groupOff + (ph.py + s.strideH * i) * s.inWidth + ph.px + s.strideW * j;
                    for (int ci = 0; ci < cinG; ci++) {
                        gradIn[dst + ci * plane] += wide[src + ci];
                    }
                }
            }
        }
    }

    /** Depthwise input gradient: per (image, channel), each phase's taps vectorised along the flat output. */
    private static void depthwiseInput(ConvBackwardWeights weights, float[] gradOut, int gOff, int batch,
                                       float[] gradIn, int giOff) {
        ConvShape s = weights.shape;
        ConvBackwardInputPlan plan = weights.plan;
        int channels = s.inChannels;
        int taps = s.kernelHeight * s.kernelWidth;
        Parallel.forEach(batch * channels, item -> {
            int b = item / channels;
            int c = item % channels;
            Buffers buf = BUFFERS.get();
            float[] z = buf.z(plan.zSize(1));
            plan.copyToZ(gradOut, gOff + (b * channels + c) * s.outPlane(), 1, z);
            float[] wide = buf.wide(plan.maxFlat() + LANES);
            for (ConvBackwardInputPlan.Phase ph : plan.phases) {
                int[] offsets = ph.offsets;
                int nt = offsets.length;
                float[] w = buf.taps(nt);
                for (int t = 0; t < nt; t++) {
                    w[t] = weights.weight[c * taps + ph.taps[t]];
                }
                for (int n = 0; n < ph.flat; n += LANES) {
                    FloatVector acc = FloatVector.zero(F);
                    for (int t = 0; t < nt; t++) {
                        acc = FloatVector.broadcast(F, w[t]).fma(FloatVector.fromArray(F, z, n + offsets[t]), acc);
                    }
                    acc.intoArray(wide, n);
                }
                addPhase(s, plan, ph, wide, 0, gradIn, giOff + (b * channels + c) * s.inHeight * s.inWidth);
            }
        });
    }

    /** Adds one channel's flattened phase output (row pitch Z_w) into its input-gradient plane. */
    private static void addPhase(ConvShape s, ConvBackwardInputPlan plan, ConvBackwardInputPlan.Phase ph,
                                 float[] wide, int src, float[] gradIn, int planeOff) {
        int w = s.inWidth;
        if (s.strideW == 1) {
            for (int i = 0; i < ph.rows; i++) {
                addRun(wide, src + i * plan.extentW, gradIn, planeOff + (ph.py + s.strideH * i) * w + ph.px, ph.cols);
            }
            return;
        }
        for (int i = 0; i < ph.rows; i++) {
            int from = src + i * plan.extentW;
            int to = planeOff + (ph.py + s.strideH * i) * w + ph.px;
            for (int j = 0; j < ph.cols; j++) {
                gradIn[to + j * s.strideW] += wide[from + j];
            }
        }
    }

    /** dst[dOff + i] += src[sOff + i] for i < n (element-wise adds: the same bits as scalar ones). */
    static void addRun(float[] src, int sOff, float[] dst, int dOff, int n) {
        int i = 0;
        for (; i + LANES <= n; i += LANES) {
            FloatVector.fromArray(F, dst, dOff + i).add(FloatVector.fromArray(F, src, sOff + i)).intoArray(dst, dOff + i);
        }
        for (; i < n; i++) {
            dst[dOff + i] += src[sOff + i];
        }
    }

    @Override
    void addWeightGradient(ConvShape shape, float[] in, int inOff, float[] gradOut, int gOff, int batch,
                           float[] gradWeight, int gwOff) {
        if (batch == 0) {
            return;
        }
        if (shape.isDepthwise()) {
            ConvBackwardWeightGemm.depthwise(shape, in, inOff, gradOut, gOff, batch, gradWeight, gwOff);
        } else {
            ConvBackwardWeightGemm.gemm(shape, in, inOff, gradOut, gOff, batch, gradWeight, gwOff);
        }
    }

    @Override
    void addBiasGradient(ConvShape s, float[] gradOut, int gOff, int batch, float[] gradBias, int gbOff) {
        int plane = s.outPlane();
        Parallel.forEach(s.outChannels, o -> {
            float[] lanes = BUFFERS.get().taps(LANES);
            gradBias[gbOff + o] += laneSum(gradOut, gOff + o * plane, s.outputSize(), batch, plane, lanes);
        });
    }

    /**
     * Σ over {@code count} runs of {@code length} values (run r starts at off + r·pitch): vector
     * lanes accumulate vertically, the scalar tail apart; then lanes in order, then the tail.
     */
    static float laneSum(float[] a, int off, int pitch, int count, int length, float[] lanes) {
        FloatVector acc = FloatVector.zero(F);
        float tail = 0f;
        int vectorEnd = length - length % LANES;
        for (int r = 0; r < count; r++) {
            int base = off + r * pitch;
            for (int i = 0; i < vectorEnd; i += LANES) {
                acc = acc.add(FloatVector.fromArray(F, a, base + i));
            }
            for (int i = vectorEnd; i < length; i++) {
                tail += a[base + i];
            }
        }
        acc.intoArray(lanes, 0);
        float sum = 0f;
        for (int l = 0; l < LANES; l++) {
            sum += lanes[l];
        }
        return sum + tail;
    }

    /** Per-thread scratch of the input and bias gradients. */
    private static final class Buffers {
        float[] z = new float[0];
        float[] wide = new float[0];
        float[] taps = new float[0];

        float[] z(int size) {
            if (z.length < size) {
                z = new float[size];
            }
            return z;
        }

        float[] wide(int size) {
            if (wide.length < size) {
                wide = new float[size];
            }
            return wide;
        }

        float[] taps(int size) {
            if (taps.length < size) {
                taps = new float[Math.max(size, LANES)];
            }
            return taps;
        }
    }
}
