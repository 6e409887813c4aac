package dev.reliant.simd;

/**
 * Supplies the right operand B of a GEMM block by block, already in the micro-kernel's layout.
 *
 * <p>A dense matrix copies its values; a convolution copies runs of its padded, phase-split
 * input into the panels (see {@link ConvSimd}), so no im2col matrix exists.
 */
interface BPanelPacker {
    /**
     * Writes B[k0, k0 + kb) × [n0, n0 + nb) to {@code dst} as consecutive panels of {@code nr}
     * columns: panel j occupies {@code dst[j·nr·kb, (j+1)·nr·kb)} and stores, for each k, its
     * {@code nr} values; columns past nb are zero.
     */
    void pack(int k0, int kb, int n0, int nb, int nr, float[] dst);

    /** B as a row-major k × n matrix with leading dimension ldb. */
    static BPanelPacker dense(float[] b, int bOff, int ldb) {
        return (k0, kb, n0, nb, nr, dst) -> {
            int dst0 = 0;
            for (int j0 = 0; j0 < nb; j0 += nr) {
                int cols = Math.min(nr, nb - j0);
                int src = bOff + k0 * ldb + n0 + j0;
                for (int kk = 0; kk < kb; kk++, src += ldb, dst0 += nr) {
                    System.arraycopy(b, src, dst, dst0, cols);
                    for (int c = cols; c < nr; c++) {
                        dst[dst0 + c] = 0f;
                    }
                }
            }
        };
    }
}
