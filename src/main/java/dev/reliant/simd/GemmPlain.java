package dev.reliant.simd;

/** Plain-Java twin of {@link GemmSimd}: the textbook triple loop with one fma chain per element. */
public final class GemmPlain implements GemmKernels {
    public static final GemmPlain INSTANCE = new GemmPlain();

    private GemmPlain() {}

    @Override
    public String name() {
        return "gemm-plain";
    }

    @Override
    public PackedMatrix pack(float[] a, int aOff, int m, int k, int lda, float[] bias) {
        return PackedMatrix.pack(a, aOff, m, k, lda, bias, 1, Math.max(1, k));
    }

    @Override
    public void multiply(PackedMatrix a, int rowStart, int rowEnd, float[] b, int bOff, int ldb, int n,
                         float[] c, int cOff, int ldc) {
        GemmSimd.checkMultiply(a, rowStart, rowEnd, b, bOff, ldb, n, c, cOff, ldc);
        for (int i = rowStart; i < rowEnd; i++) {
            for (int j = 0; j < n; j++) {
                c[cOff + i * ldc + j] = chain(a, i, b, bOff + j, ldb);
            }
        }
    }

    @Override
    public void linear(PackedMatrix w, float[] x, int xOff, int batch, float[] y, int yOff) {
        GemmKernels.checkLinear(w, x, xOff, batch, y, yOff);
        int in = w.k;
        int out = w.m;
        Parallel.forEach(batch, b -> {
            for (int o = 0; o < out; o++) {
                y[yOff + b * out + o] = chain(w, o, x, xOff + b * in, 1);
            }
        });
    }

    /**
     * One output value: the fma chain over p = 0 … k−1 of A[row][p] · v[vOff + p·stride],
     * starting from the row's bias.
     */
    private static float chain(PackedMatrix a, int row, float[] v, int vOff, int stride) {
        int k = a.k;
        // Row-major packing (mr = 1) is read directly; any other packing through indexOf.
        boolean rowMajor = a.mr == 1 && a.kc >= k;
        float acc = a.bias[row];
        for (int p = 0; p < k; p++) {
            float aip = rowMajor ? a.data[row * k + p] : a.data[a.indexOf(row, p)];
            acc = Math.fma(aip, v[vOff + p * stride], acc);
        }
        return acc;
    }
}
