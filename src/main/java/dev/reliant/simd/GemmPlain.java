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
        int k = a.k;
        for (int i = rowStart; i < rowEnd; i++) {
            // Row-major packing (mr = 1) is read directly; any other packing through indexOf.
            boolean rowMajor = a.mr == 1 && a.kc >= k;
            for (int j = 0; j < n; j++) {
                float acc = a.bias[i];
                for (int p = 0; p < k; p++) {
                    float aip = rowMajor ? a.data[i * k + p] : a.data[a.indexOf(i, p)];
                    acc = Math.fma(aip, b[bOff + p * ldb + j], acc);
                }
                c[cOff + i * ldc + j] = acc;
            }
        }
    }


    @Override
    public void linear(PackedMatrix w, float[] x, int xOff, int batch, float[] y, int yOff) {
        GemmKernels.checkLinear(w, x, xOff, batch, y, yOff);
        int in = w.k;
        int out = w.m;
        boolean rowMajor = w.mr == 1 && w.kc >= in;
        Parallel.forEach(batch, b -> {
            for (int o = 0; o < out; o++) {
                float acc = w.bias[o];
                for (int i = 0; i < in; i++) {
                    float wv = rowMajor ? w.data[o * in + i] : w.data[w.indexOf(o, i)];
                    acc = Math.fma(wv, x[xOff + b * in + i], acc);
                }
                y[yOff + b * out + o] = acc;
            }
        });
    }
}
