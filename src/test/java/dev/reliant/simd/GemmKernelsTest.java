package dev.reliant.simd;

import static dev.reliant.simd.TestArrays.gaussian;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import java.util.stream.Stream;

class GemmKernelsTest {

    static Stream<Arguments> shapes() {
        int[] sizes = {1, 3, 7, 8, 9, 15, 17, 33, 100};
        Stream.Builder<Arguments> b = Stream.builder();
        for (int m : sizes) {
            for (int n : sizes) {
                b.add(Arguments.of(m, n, sizes[(m + n) % sizes.length]));
            }
        }
        // K longer than one K block, N longer than one column block, M longer than one row block.
        b.add(Arguments.of(16, 1024, 576));
        b.add(Arguments.of(97, 300, 513));
        b.add(Arguments.of(5, 17, 257));
        return b.build();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("shapes")
    void simdEqualsPlainBitForBitAndMatchesDoubleReference(int m, int n, int k) {
        Random rnd = new Random(31L * m + 7L * n + k);
        float[] a = gaussian(rnd, m * k);
        float[] b = gaussian(rnd, k * n);
        float[] bias = gaussian(rnd, m);
        float[] simd = new float[m * n];
        float[] plain = new float[m * n];
        GemmSimd.INSTANCE.multiply(GemmSimd.INSTANCE.pack(a, 0, m, k, k, bias), 0, m, b, 0, n, n, simd, 0, n);
        GemmPlain.INSTANCE.multiply(GemmPlain.INSTANCE.pack(a, 0, m, k, k, bias), 0, m, b, 0, n, n, plain, 0, n);
        BitAssert.assertBitIdentical(plain, simd, "simd vs plain");

        DMatrixRMaj da = new DMatrixRMaj(m, k);
        DMatrixRMaj db = new DMatrixRMaj(k, n);
        for (int i = 0; i < a.length; i++) da.data[i] = a[i];
        for (int i = 0; i < b.length; i++) db.data[i] = b[i];
        DMatrixRMaj dc = new DMatrixRMaj(m, n);
        CommonOps_DDRM.mult(da, db, dc);
        // fp32 fma chain of length k on N(0,1) data: error grows like sqrt(k)·eps·|terms|.
        double tol = 1e-6 * (k + 1) * 4;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                assertThat((double) simd[i * n + j]).isCloseTo(dc.get(i, j) + bias[i], org.assertj.core.data.Offset.offset(tol));
            }
        }
    }

    @Test
    void rowRangeWritesOnlyThoseRows() {
        int m = 20, n = 37, k = 300;
        Random rnd = new Random(5);
        float[] a = gaussian(rnd, m * k);
        float[] b = gaussian(rnd, k * n);
        float[] full = new float[m * n];
        GemmSimd.INSTANCE.multiply(GemmSimd.INSTANCE.pack(a, 0, m, k, k, null), 0, m, b, 0, n, n, full, 0, n);
        for (int start = 0; start < m; start += 3) {
            int end = Math.min(m, start + 1 + start % 4);
            float[] part = new float[m * n];
            java.util.Arrays.fill(part, Float.NaN);
            GemmSimd.INSTANCE.multiply(GemmSimd.INSTANCE.pack(a, 0, m, k, k, null), start, end, b, 0, n, n, part, 0, n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    if (i >= start && i < end) {
                        assertThat(part[i * n + j]).isEqualTo(full[i * n + j]);
                    } else {
                        assertThat(part[i * n + j]).isNaN();
                    }
                }
            }
        }
    }

    @Test
    void parallelSgemmEqualsSingleThreadedAndStridedOperandsWork() {
        int m = 33, n = 700, k = 129, lda = k + 3, ldb = n + 5, ldc = n + 1;
        Random rnd = new Random(9);
        float[] a = gaussian(rnd, 2 + m * lda);
        float[] b = gaussian(rnd, 1 + k * ldb);
        float[] c1 = new float[m * ldc];
        float[] c2 = new float[m * ldc];
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            GemmSimd.INSTANCE.sgemm(m, n, k, a, 2, lda, b, 1, ldb, c1, 0, ldc);
            Parallel.setThreads(2);
            GemmSimd.INSTANCE.sgemm(m, n, k, a, 2, lda, b, 1, ldb, c2, 0, ldc);
        } finally {
            Parallel.setThreads(saved);
        }
        BitAssert.assertBitIdentical(c1, c2, "2 threads vs 1");
        float[] plain = new float[m * ldc];
        GemmPlain.INSTANCE.sgemm(m, n, k, a, 2, lda, b, 1, ldb, plain, 0, ldc);
        BitAssert.assertBitIdentical(plain, c1, "simd vs plain");
    }

    @Test
    void badArgumentsNameTheOperand() {
        float[] a = new float[6];
        PackedMatrix p = GemmSimd.INSTANCE.pack(a, 0, 2, 3, 3, null);
        assertThatThrownBy(() -> GemmSimd.INSTANCE.multiply(p, 0, 2, new float[5], 0, 2, 2, new float[4], 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("B [3 x 2]");
        assertThatThrownBy(() -> GemmSimd.INSTANCE.multiply(p, 0, 2, new float[6], 0, 2, 2, new float[3], 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("C rows");
        assertThatThrownBy(() -> GemmSimd.INSTANCE.pack(a, 0, 3, 3, 3, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A [3 x 3]");
        assertThatThrownBy(() -> GemmSimd.INSTANCE.multiply(p, 1, 3, new float[6], 0, 2, 2, new float[4], 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows [1, 3)");
    }

    @ParameterizedTest(name = "batch={0} in={1} out={2}")
    @MethodSource("shapes")
    void linearSimdEqualsPlainAndReference(int batch, int out, int in) {
        Random rnd = new Random(17L * batch + out + 3L * in);
        float[] w = gaussian(rnd, out * in);
        float[] bias = gaussian(rnd, out);
        float[] x = gaussian(rnd, batch * in + 1);
        float[] simd = new float[batch * out + 2];
        float[] plain = new float[batch * out + 2];
        GemmSimd.INSTANCE.linear(GemmSimd.INSTANCE.pack(w, 0, out, in, in, bias), x, 1, batch, simd, 2);
        GemmPlain.INSTANCE.linear(GemmPlain.INSTANCE.pack(w, 0, out, in, in, bias), x, 1, batch, plain, 2);
        BitAssert.assertBitIdentical(plain, simd, "simd vs plain");
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < out; o++) {
                double acc = bias[o];
                for (int i = 0; i < in; i++) {
                    acc += (double) w[o * in + i] * x[1 + b * in + i];
                }
                assertThat((double) simd[2 + b * out + o]).isCloseTo(acc, org.assertj.core.data.Offset.offset(4e-6 * (in + 1)));
            }
        }
    }

    @Test
    void linearRejectsShortArrays() {
        PackedMatrix w = GemmSimd.INSTANCE.pack(new float[12], 0, 3, 4, 4, null);
        assertThatThrownBy(() -> GemmSimd.INSTANCE.linear(w, new float[7], 0, 2, new float[6], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linear input [2, 4]");
        assertThatThrownBy(() -> GemmPlain.INSTANCE.linear(w, new float[8], 0, 2, new float[5], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linear output [2, 3]");
    }
}
