package dev.reliant.simd;

/**
 * Single-precision matrix multiplication C = A·B (+ bias per row of A), row-major.
 *
 * <p>Every output element is one fused multiply-add chain along k, in order k = 0 … K-1,
 * starting from the row's bias (or +0). Both implementations follow that order, so they agree
 * bit for bit, and no blocking or threading choice can change a result (DESIGN invariant 1).
 */
public interface GemmKernels {

    /** The active implementation (SIMD unless {@code -Dreliant.simd=off}). */
    static GemmKernels get() {
        return Holder.ACTIVE;
    }

    /** Packs the left operand A (m × k) and an optional bias (length ≥ m) once, for many calls. */
    PackedMatrix pack(float[] a, int aOff, int m, int k, int lda, float[] bias);

    /**
     * Computes rows [rowStart, rowEnd) of C = A·B for B (k × n, leading dimension ldb), on the
     * calling thread. Other rows of C are not touched.
     */
    void multiply(PackedMatrix a, int rowStart, int rowEnd, float[] b, int bOff, int ldb, int n,
                  float[] c, int cOff, int ldc);

    /** C (m × n) = A (m × k) · B (k × n), packing A and splitting the work over the thread pool. */
    default void sgemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc) {
        multiplyParallel(pack(a, aOff, m, k, lda, null), b, bOff, ldb, n, c, cOff, ldc);
    }

    /**
     * C = A·B on the thread pool: blocks of 256 columns, and when there are fewer column blocks
     * than threads, also blocks of whole row panels. Each C value is computed by one task, so the
     * split never changes a bit.
     */
    default void multiplyParallel(PackedMatrix a, float[] b, int bOff, int ldb, int n, float[] c, int cOff, int ldc) {
        Checks.matrix("B", b, bOff, a.k, n, ldb);
        Checks.matrix("C", c, cOff, a.m, n, ldc);
        int colBlocks = PackedMatrix.ceilDiv(n, GemmSimd.NC);
        int panels = PackedMatrix.ceilDiv(a.m, a.mr);
        int rowBlocks = Math.max(1, Math.min(panels, PackedMatrix.ceilDiv(Parallel.threads(), colBlocks)));
        int rowsPerBlock = PackedMatrix.ceilDiv(panels, rowBlocks) * a.mr;
        Parallel.forEach(colBlocks * rowBlocks, item -> {
            int n0 = (item / rowBlocks) * GemmSimd.NC;
            int n1 = Math.min(n, n0 + GemmSimd.NC);
            int r0 = (item % rowBlocks) * rowsPerBlock;
            int r1 = Math.min(a.m, r0 + rowsPerBlock);
            if (r0 < r1) {
                multiply(a, r0, r1, b, bOff + n0, ldb, n1 - n0, c, cOff + n0, ldc);
            }
        });
    }

    /**
     * A fully connected layer, PyTorch layout: y[b][o] = bias[o] + Σ_i x[b][i]·W[o][i] for
     * {@code batch} rows of x ([batch, in] from xOff) into y ([batch, out] from yOff), with
     * {@code w} = pack(W, 0, out, in, in, bias). Parallel over rows of x.
     */
    void linear(PackedMatrix w, float[] x, int xOff, int batch, float[] y, int yOff);

    /** Checks the operands of {@link #linear}. */
    static void checkLinear(PackedMatrix w, float[] x, int xOff, int batch, float[] y, int yOff) {
        Checks.nonNegative("batch", batch);
        Checks.span("linear input [" + batch + ", " + w.k + "]", x, xOff, (long) batch * w.k);
        Checks.span("linear output [" + batch + ", " + w.m + "]", y, yOff, (long) batch * w.m);
    }

    /** Name shown by {@code reliant selftest}. */
    String name();

    /** Holds the choice so the JIT treats it as a constant. */
    final class Holder {
        private Holder() {}

        static final GemmKernels ACTIVE = Simd.enabled() ? GemmSimd.INSTANCE : GemmPlain.INSTANCE;
    }
}
