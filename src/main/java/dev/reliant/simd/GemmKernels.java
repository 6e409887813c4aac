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

    /** C (m × n) = A (m × k) · B (k × n), packing A and splitting columns over the thread pool. */
    default void sgemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc) {
        PackedMatrix packed = pack(a, aOff, m, k, lda, null);
        Checks.matrix("B", b, bOff, k, n, ldb);
        Checks.matrix("C", c, cOff, m, n, ldc);
        int chunk = GemmSimd.NC;
        Parallel.forRange(n, chunk, (n0, n1) ->
                multiply(packed, 0, m, b, bOff + n0, ldb, n1 - n0, c, cOff + n0, ldc));
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
