package dev.reliant.simd;

/**
 * The left operand A (m × k) of a GEMM, rearranged once so the micro-kernel streams it.
 *
 * <p>Weights are A: a convolution's [cout, cin·kh·kw] matrix or a linear layer's [out, in].
 * Packing happens once per layer (again after a fault or a weight update changes it), not
 * per call. Layout: K is cut into blocks of {@code kc}; inside a block, rows are grouped in
 * panels of {@code mr} rows, and a panel stores, for each k of the block, its {@code mr}
 * values next to each other. Rows past {@code m} are zero. The plain twin uses
 * {@code mr = 1, kc = k}, i.e. ordinary row-major storage.
 *
 * <p>An optional per-row bias (zero-padded to whole panels) is the starting value of every
 * dot product, which folds the bias add into the GEMM.
 *
 * <p>With {@code blockSums} the K blocks are also the blocks of the arithmetic: each block after
 * the first is summed from +0 on its own and then added to the running value, instead of
 * continuing one fma chain through all of K (the convolution's block sums, {@link ConvKernels}).
 */
public final class PackedMatrix {
    final int m;
    final int k;
    final int mr;
    final int kc;
    final int paddedRows;
    final float[] data;
    final float[] bias;
    final boolean blockSums;

    PackedMatrix(int m, int k, int mr, int kc, float[] data, float[] bias, boolean blockSums) {
        this.blockSums = blockSums;
        this.m = m;
        this.k = k;
        this.mr = mr;
        this.kc = kc;
        this.paddedRows = ceilDiv(m, mr) * mr;
        this.data = data;
        this.bias = bias;
    }

    /** Packs A (m × k, row-major with leading dimension lda, from aOff) and an optional bias. */
    static PackedMatrix pack(float[] a, int aOff, int m, int k, int lda, float[] bias, int mr, int kc) {
        return pack(a, aOff, m, k, lda, bias, mr, kc, false);
    }

    /** As {@link #pack(float[], int, int, int, int, float[], int, int)}, with K blocks that are block sums. */
    static PackedMatrix pack(float[] a, int aOff, int m, int k, int lda, float[] bias, int mr, int kc,
                             boolean blockSums) {
        Checks.matrix("A", a, aOff, m, k, lda);
        if (bias != null && bias.length < m) {
            throw new IllegalArgumentException("bias: expected at least " + m + " values, got " + bias.length);
        }
        int paddedRows = ceilDiv(m, mr) * mr;
        float[] data = new float[paddedRows * k];
        int dst = 0;
        for (int k0 = 0; k0 < k; k0 += kc) {
            int kb = Math.min(kc, k - k0);
            for (int r0 = 0; r0 < paddedRows; r0 += mr) {
                for (int kk = 0; kk < kb; kk++) {
                    for (int r = 0; r < mr; r++) {
                        int row = r0 + r;
                        data[dst++] = row < m ? a[aOff + row * lda + k0 + kk] : 0f;
                    }
                }
            }
        }
        float[] paddedBias = new float[paddedRows];
        if (bias != null) {
            System.arraycopy(bias, 0, paddedBias, 0, m);
        }
        return new PackedMatrix(m, k, mr, kc, data, paddedBias, blockSums);
    }

    /** Offset of the panel starting at row {@code r0} within the K block starting at {@code k0}. */
    int panelOffset(int k0, int r0) {
        int kb = Math.min(kc, k - k0);
        return k0 * paddedRows + r0 * kb;
    }

    /** Index in {@link #data} of A[i][p]. */
    int indexOf(int i, int p) {
        int k0 = (p / kc) * kc;
        int r0 = (i / mr) * mr;
        return panelOffset(k0, r0) + (p - k0) * mr + (i - r0);
    }

    /** A[row][col] as packed. */
    public float get(int row, int col) {
        checkElement(row, col);
        return data[indexOf(row, col)];
    }

    /**
     * Replaces A[row][col] in place, so a fault injector can change one weight of a packed layer
     * and restore it without repacking.
     */
    public void set(int row, int col, float value) {
        checkElement(row, col);
        data[indexOf(row, col)] = value;
    }

    private void checkElement(int row, int col) {
        if (row < 0 || row >= m || col < 0 || col >= k) {
            throw new IllegalArgumentException("element (" + row + ", " + col + ") outside the packed [" + m + " x "
                    + k + "] matrix");
        }
    }

    /** Number of rows. */
    public int rows() {
        return m;
    }

    /** Reduction length. */
    public int depth() {
        return k;
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
