package dev.reliant.simd;

/**
 * Tells the GEMM micro-kernel where to find the right operand B.
 *
 * <p>For the column panel that starts at block column j0, row k0 + kk of B is the NR floats at
 * {@code array[panelBase(j0) + offsets[offsetStart + kk]]}. A packed source copies each block
 * into contiguous panels (offsets 0, NR, 2·NR, …); a stride-1 convolution points straight into
 * a zero-padded copy of its input, with one offset per (channel, kernel row, kernel column),
 * so its im2col matrix is never built.
 */
abstract class BSource {
    float[] array;
    int[] offsets;
    int offsetStart;

    /** Makes B[k0, k0 + kb) × [n0, n0 + nb) available; called before the panels of the block are used. */
    abstract void block(int k0, int kb, int n0, int nb);

    /** Base index of the panel of columns n0 + j0 … n0 + j0 + NR - 1 of the current block. */
    abstract int panelBase(int j0);

    /** A source that packs each block through {@code packer} into a per-thread buffer. */
    static BSource packed(BPanelPacker packer) {
        return new Packed(packer);
    }

    private static final class Packed extends BSource {
        private static final int[] PANEL_ROW_OFFSETS = panelRowOffsets();
        private static final ThreadLocal<float[][]> BUFFER = ThreadLocal.withInitial(() -> new float[1][0]);
        private final BPanelPacker packer;
        private int kb;

        Packed(BPanelPacker packer) {
            this.packer = packer;
            this.offsets = PANEL_ROW_OFFSETS;
            this.offsetStart = 0;
        }

        private static int[] panelRowOffsets() {
            int[] o = new int[GemmSimd.KC];
            for (int i = 0; i < o.length; i++) {
                o[i] = i * GemmSimd.NR;
            }
            return o;
        }

        @Override
        void block(int k0, int kb, int n0, int nb) {
            this.kb = kb;
            int size = kb * PackedMatrix.ceilDiv(nb, GemmSimd.NR) * GemmSimd.NR;
            float[][] holder = BUFFER.get();
            if (holder[0].length < size) {
                holder[0] = new float[Math.max(size, GemmSimd.KC * (GemmSimd.NC + GemmSimd.NR))];
            }
            array = holder[0];
            packer.pack(k0, kb, n0, nb, GemmSimd.NR, array);
        }

        @Override
        int panelBase(int j0) {
            return j0 * kb;
        }
    }
}
