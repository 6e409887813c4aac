package dev.reliant.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The B operand of an implicit-GEMM convolution (forward, and the input gradient of the
 * backward): column n of row k is {@code source[n + offsets[k]]} in a zero-padded copy, so a
 * panel row is NR consecutive floats and packing is a plain vector copy. Columns past the block
 * end read the buffer's slack; they only feed outputs that are dropped.
 */
final class ShiftedPanelPacker implements BPanelPacker {
    private static final VectorSpecies<Float> F = GemmSimd.F;
    private static final int LANES = GemmSimd.L;

    private final float[] source;
    private final int[] offsets;

    ShiftedPanelPacker(float[] source, int[] offsets) {
        this.source = source;
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
                    FloatVector.fromArray(F, source, src + v).intoArray(dst, d + v);
                }
            }
        }
    }
}
