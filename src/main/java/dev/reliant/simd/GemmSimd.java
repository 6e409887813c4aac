package dev.reliant.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SGEMM on the Vector API: packed operands, cache blocking and a register-blocked micro-kernel
 * (GotoBLAS / BLIS structure).
 *
 * <p>Loops, outer to inner: column blocks of {@link #NC} (B block of KC × NC in L2), K blocks of
 * {@link #KC}, row blocks of {@link #MC}, then micro-panels of NR columns (kept in L1) against
 * panels of MR rows. The micro-kernel holds an MR × NR tile of C in registers and runs the
 * k-loop with one broadcast of A and NR/8 vector loads of B per row step, all fused
 * multiply-adds vertical (no horizontal reduction, so the result is exactly the fma chain of
 * {@link GemmPlain}). Partial tiles at the edges go through a small scratch tile.
 *
 * <p>The tile (6×16 by default, 4×24 selectable with {@code -Dreliant.gemm.tile=4x24}) was
 * picked by measurement; see docs/performance.md.
 */
public final class GemmSimd implements GemmKernels {
    public static final GemmSimd INSTANCE = new GemmSimd();

    static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    static final String TILE = System.getProperty("reliant.gemm.tile", "4x24");
    /** Rows per register tile. */
    static final int MR = Integer.parseInt(TILE.split("x")[0]);
    /** Columns per register tile. */
    static final int NR = Integer.parseInt(TILE.split("x")[1]);
    /** K block: an NR-column B micro-panel of KC rows stays in L1. */
    static final int KC = 256;
    /** Row block: MC × KC of packed A stays in L2. */
    static final int MC = 96;
    /** Column block, also the grain of parallel splits over columns. */
    static final int NC = 256;

    private static final ThreadLocal<float[]> TILE_BUFFER = ThreadLocal.withInitial(() -> new float[MR * NR]);

    private GemmSimd() {}

    @Override
    public String name() {
        return "gemm-simd " + MR + "x" + NR;
    }

    @Override
    public PackedMatrix pack(float[] a, int aOff, int m, int k, int lda, float[] bias) {
        return PackedMatrix.pack(a, aOff, m, k, lda, bias, MR, KC);
    }

    @Override
    public void multiply(PackedMatrix a, int rowStart, int rowEnd, float[] b, int bOff, int ldb, int n,
                         float[] c, int cOff, int ldc) {
        checkMultiply(a, rowStart, rowEnd, b, bOff, ldb, n, c, cOff, ldc);
        multiply(a, rowStart, rowEnd, BSource.packed(BPanelPacker.dense(b, bOff, ldb)), n, c, cOff, ldc);
    }

    static void checkMultiply(PackedMatrix a, int rowStart, int rowEnd, float[] b, int bOff, int ldb, int n,
                              float[] c, int cOff, int ldc) {
        if (rowStart < 0 || rowEnd > a.m || rowStart > rowEnd) {
            throw new IllegalArgumentException("rows [" + rowStart + ", " + rowEnd + ") outside A's " + a.m + " rows");
        }
        Checks.matrix("B", b, bOff, a.k, n, ldb);
        if (rowEnd > rowStart) {
            Checks.matrix("C rows " + rowStart + ".." + rowEnd, c, cOff + rowStart * ldc, rowEnd - rowStart, n, ldc);
        }
    }

    /**
     * Computes rows [rowStart, rowEnd) of C = A·B (n columns) with B supplied by a source; the
     * caller has checked the sizes. A must have been packed by this class (MR-row panels, KC blocks).
     */
    static void multiply(PackedMatrix a, int rowStart, int rowEnd, BSource b, int n,
                         float[] c, int cOff, int ldc) {
        if (a.mr != MR || a.kc != KC) {
            throw new IllegalArgumentException("A was packed for another kernel (mr " + a.mr + ", kc " + a.kc + ")");
        }
        if (rowEnd <= rowStart || n <= 0) {
            return;
        }
        int k = a.k;
        if (k == 0) {
            for (int i = rowStart; i < rowEnd; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, a.bias[i]);
            }
            return;
        }
        float[] tile = TILE_BUFFER.get();
        int firstPanel = (rowStart / MR) * MR;
        for (int n0 = 0; n0 < n; n0 += NC) {
            int nb = Math.min(NC, n - n0);
            for (int k0 = 0; k0 < k; k0 += KC) {
                int kb = Math.min(KC, k - k0);
                b.block(k0, kb, n0, nb);
                float[] bArray = b.array;
                int[] bOffsets = b.offsets;
                int o0 = b.offsetStart;
                boolean load = k0 > 0;
                for (int m0 = firstPanel; m0 < rowEnd; m0 += MC) {
                    int mEnd = Math.min(rowEnd, m0 + MC);
                    for (int j0 = 0; j0 < nb; j0 += NR) {
                        int bBase = b.panelBase(j0);
                        int cols = Math.min(NR, nb - j0);
                        int cTile = cOff + n0 + j0;
                        for (int r0 = m0; r0 < mEnd; r0 += MR) {
                            int ao = a.panelOffset(k0, r0);
                            int rLo = Math.max(r0, rowStart);
                            int rHi = Math.min(r0 + MR, rowEnd);
                            if (rLo == r0 && rHi == r0 + MR && cols == NR) {
                                kernel(a.data, ao, bArray, bBase, bOffsets, o0, kb, c, cTile + r0 * ldc, ldc,
                                        load, a.bias, r0);
                            } else {
                                if (load) {
                                    for (int r = rLo; r < rHi; r++) {
                                        System.arraycopy(c, cTile + r * ldc, tile, (r - r0) * NR, cols);
                                    }
                                }
                                kernel(a.data, ao, bArray, bBase, bOffsets, o0, kb, tile, 0, NR, load, a.bias, r0);
                                for (int r = rLo; r < rHi; r++) {
                                    System.arraycopy(tile, (r - r0) * NR, c, cTile + r * ldc, cols);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void kernel(float[] a, int ao, float[] b, int bBase, int[] bOffsets, int o0, int kb,
                               float[] c, int co, int ldc, boolean load, float[] bias, int biasOff) {
        switch (TILE) {
            case "6x16": kernel6x16(a, ao, b, bBase, bOffsets, o0, kb, c, co, ldc, load, bias, biasOff); break;
            case "4x24": kernel4x24(a, ao, b, bBase, bOffsets, o0, kb, c, co, ldc, load, bias, biasOff); break;
            case "3x24": kernel3x24(a, ao, b, bBase, bOffsets, o0, kb, c, co, ldc, load, bias, biasOff); break;
            case "5x16": kernel5x16(a, ao, b, bBase, bOffsets, o0, kb, c, co, ldc, load, bias, biasOff); break;
            case "2x32": kernel2x32(a, ao, b, bBase, bOffsets, o0, kb, c, co, ldc, load, bias, biasOff); break;
            case "8x8": kernel8x8(a, ao, b, bBase, bOffsets, o0, kb, c, co, ldc, load, bias, biasOff); break;
            case "3x32": kernel3x32(a, ao, b, bBase, bOffsets, o0, kb, c, co, ldc, load, bias, biasOff); break;
            default: throw new IllegalStateException(TILE);
        }
    }

    /** 6×16 register tile: 12 accumulators, k-loop of broadcast A × vector B. */
    private static void kernel6x16(float[] a, int ao, float[] b, int bBase, int[] bOffsets, int o0, int kb,
                                  float[] c, int co, int ldc, boolean load, float[] bias, int biasOff) {
        FloatVector c00;
        FloatVector c01;
        FloatVector c10;
        FloatVector c11;
        FloatVector c20;
        FloatVector c21;
        FloatVector c30;
        FloatVector c31;
        FloatVector c40;
        FloatVector c41;
        FloatVector c50;
        FloatVector c51;
        if (load) {
            c00 = FloatVector.fromArray(F, c, co + 0 * ldc + 0);
            c01 = FloatVector.fromArray(F, c, co + 0 * ldc + 8);
            c10 = FloatVector.fromArray(F, c, co + 1 * ldc + 0);
            c11 = FloatVector.fromArray(F, c, co + 1 * ldc + 8);
            c20 = FloatVector.fromArray(F, c, co + 2 * ldc + 0);
            c21 = FloatVector.fromArray(F, c, co + 2 * ldc + 8);
            c30 = FloatVector.fromArray(F, c, co + 3 * ldc + 0);
            c31 = FloatVector.fromArray(F, c, co + 3 * ldc + 8);
            c40 = FloatVector.fromArray(F, c, co + 4 * ldc + 0);
            c41 = FloatVector.fromArray(F, c, co + 4 * ldc + 8);
            c50 = FloatVector.fromArray(F, c, co + 5 * ldc + 0);
            c51 = FloatVector.fromArray(F, c, co + 5 * ldc + 8);
        } else {
            FloatVector bias0 = FloatVector.broadcast(F, bias[biasOff + 0]);
            c00 = bias0;
            c01 = bias0;
            FloatVector bias1 = FloatVector.broadcast(F, bias[biasOff + 1]);
            c10 = bias1;
            c11 = bias1;
            FloatVector bias2 = FloatVector.broadcast(F, bias[biasOff + 2]);
            c20 = bias2;
            c21 = bias2;
            FloatVector bias3 = FloatVector.broadcast(F, bias[biasOff + 3]);
            c30 = bias3;
            c31 = bias3;
            FloatVector bias4 = FloatVector.broadcast(F, bias[biasOff + 4]);
            c40 = bias4;
            c41 = bias4;
            FloatVector bias5 = FloatVector.broadcast(F, bias[biasOff + 5]);
            c50 = bias5;
            c51 = bias5;
        }
        for (int kk = 0; kk < kb; kk++) {
            int bo = bBase + bOffsets[o0 + kk];
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + 8);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(F, a[ao + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(F, a[ao + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            ao += 6;
        }
        c00.intoArray(c, co + 0 * ldc + 0);
        c01.intoArray(c, co + 0 * ldc + 8);
        c10.intoArray(c, co + 1 * ldc + 0);
        c11.intoArray(c, co + 1 * ldc + 8);
        c20.intoArray(c, co + 2 * ldc + 0);
        c21.intoArray(c, co + 2 * ldc + 8);
        c30.intoArray(c, co + 3 * ldc + 0);
        c31.intoArray(c, co + 3 * ldc + 8);
        c40.intoArray(c, co + 4 * ldc + 0);
        c41.intoArray(c, co + 4 * ldc + 8);
        c50.intoArray(c, co + 5 * ldc + 0);
        c51.intoArray(c, co + 5 * ldc + 8);
    }

    /** 4×24 register tile: 12 accumulators, k-loop of broadcast A × vector B. */
    private static void kernel4x24(float[] a, int ao, float[] b, int bBase, int[] bOffsets, int o0, int kb,
                                  float[] c, int co, int ldc, boolean load, float[] bias, int biasOff) {
        FloatVector c00;
        FloatVector c01;
        FloatVector c02;
        FloatVector c10;
        FloatVector c11;
        FloatVector c12;
        FloatVector c20;
        FloatVector c21;
        FloatVector c22;
        FloatVector c30;
        FloatVector c31;
        FloatVector c32;
        if (load) {
            c00 = FloatVector.fromArray(F, c, co + 0 * ldc + 0);
            c01 = FloatVector.fromArray(F, c, co + 0 * ldc + 8);
            c02 = FloatVector.fromArray(F, c, co + 0 * ldc + 16);
            c10 = FloatVector.fromArray(F, c, co + 1 * ldc + 0);
            c11 = FloatVector.fromArray(F, c, co + 1 * ldc + 8);
            c12 = FloatVector.fromArray(F, c, co + 1 * ldc + 16);
            c20 = FloatVector.fromArray(F, c, co + 2 * ldc + 0);
            c21 = FloatVector.fromArray(F, c, co + 2 * ldc + 8);
            c22 = FloatVector.fromArray(F, c, co + 2 * ldc + 16);
            c30 = FloatVector.fromArray(F, c, co + 3 * ldc + 0);
            c31 = FloatVector.fromArray(F, c, co + 3 * ldc + 8);
            c32 = FloatVector.fromArray(F, c, co + 3 * ldc + 16);
        } else {
            FloatVector bias0 = FloatVector.broadcast(F, bias[biasOff + 0]);
            c00 = bias0;
            c01 = bias0;
            c02 = bias0;
            FloatVector bias1 = FloatVector.broadcast(F, bias[biasOff + 1]);
            c10 = bias1;
            c11 = bias1;
            c12 = bias1;
            FloatVector bias2 = FloatVector.broadcast(F, bias[biasOff + 2]);
            c20 = bias2;
            c21 = bias2;
            c22 = bias2;
            FloatVector bias3 = FloatVector.broadcast(F, bias[biasOff + 3]);
            c30 = bias3;
            c31 = bias3;
            c32 = bias3;
        }
        for (int kk = 0; kk < kb; kk++) {
            int bo = bBase + bOffsets[o0 + kk];
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + 8);
            FloatVector b2 = FloatVector.fromArray(F, b, bo + 16);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            ao += 4;
        }
        c00.intoArray(c, co + 0 * ldc + 0);
        c01.intoArray(c, co + 0 * ldc + 8);
        c02.intoArray(c, co + 0 * ldc + 16);
        c10.intoArray(c, co + 1 * ldc + 0);
        c11.intoArray(c, co + 1 * ldc + 8);
        c12.intoArray(c, co + 1 * ldc + 16);
        c20.intoArray(c, co + 2 * ldc + 0);
        c21.intoArray(c, co + 2 * ldc + 8);
        c22.intoArray(c, co + 2 * ldc + 16);
        c30.intoArray(c, co + 3 * ldc + 0);
        c31.intoArray(c, co + 3 * ldc + 8);
        c32.intoArray(c, co + 3 * ldc + 16);
    }

    /** 3×24 register tile: 9 accumulators, k-loop of broadcast A × vector B. */
    private static void kernel3x24(float[] a, int ao, float[] b, int bBase, int[] bOffsets, int o0, int kb,
                                  float[] c, int co, int ldc, boolean load, float[] bias, int biasOff) {
        FloatVector c00;
        FloatVector c01;
        FloatVector c02;
        FloatVector c10;
        FloatVector c11;
        FloatVector c12;
        FloatVector c20;
        FloatVector c21;
        FloatVector c22;
        if (load) {
            c00 = FloatVector.fromArray(F, c, co + 0 * ldc + 0);
            c01 = FloatVector.fromArray(F, c, co + 0 * ldc + 8);
            c02 = FloatVector.fromArray(F, c, co + 0 * ldc + 16);
            c10 = FloatVector.fromArray(F, c, co + 1 * ldc + 0);
            c11 = FloatVector.fromArray(F, c, co + 1 * ldc + 8);
            c12 = FloatVector.fromArray(F, c, co + 1 * ldc + 16);
            c20 = FloatVector.fromArray(F, c, co + 2 * ldc + 0);
            c21 = FloatVector.fromArray(F, c, co + 2 * ldc + 8);
            c22 = FloatVector.fromArray(F, c, co + 2 * ldc + 16);
        } else {
            FloatVector bias0 = FloatVector.broadcast(F, bias[biasOff + 0]);
            c00 = bias0;
            c01 = bias0;
            c02 = bias0;
            FloatVector bias1 = FloatVector.broadcast(F, bias[biasOff + 1]);
            c10 = bias1;
            c11 = bias1;
            c12 = bias1;
            FloatVector bias2 = FloatVector.broadcast(F, bias[biasOff + 2]);
            c20 = bias2;
            c21 = bias2;
            c22 = bias2;
        }
        for (int kk = 0; kk < kb; kk++) {
            int bo = bBase + bOffsets[o0 + kk];
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + 8);
            FloatVector b2 = FloatVector.fromArray(F, b, bo + 16);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            ao += 3;
        }
        c00.intoArray(c, co + 0 * ldc + 0);
        c01.intoArray(c, co + 0 * ldc + 8);
        c02.intoArray(c, co + 0 * ldc + 16);
        c10.intoArray(c, co + 1 * ldc + 0);
        c11.intoArray(c, co + 1 * ldc + 8);
        c12.intoArray(c, co + 1 * ldc + 16);
        c20.intoArray(c, co + 2 * ldc + 0);
        c21.intoArray(c, co + 2 * ldc + 8);
        c22.intoArray(c, co + 2 * ldc + 16);
    }

    /** 5×16 register tile: 10 accumulators, k-loop of broadcast A × vector B. */
    private static void kernel5x16(float[] a, int ao, float[] b, int bBase, int[] bOffsets, int o0, int kb,
                                  float[] c, int co, int ldc, boolean load, float[] bias, int biasOff) {
        FloatVector c00;
        FloatVector c01;
        FloatVector c10;
        FloatVector c11;
        FloatVector c20;
        FloatVector c21;
        FloatVector c30;
        FloatVector c31;
        FloatVector c40;
        FloatVector c41;
        if (load) {
            c00 = FloatVector.fromArray(F, c, co + 0 * ldc + 0);
            c01 = FloatVector.fromArray(F, c, co + 0 * ldc + 8);
            c10 = FloatVector.fromArray(F, c, co + 1 * ldc + 0);
            c11 = FloatVector.fromArray(F, c, co + 1 * ldc + 8);
            c20 = FloatVector.fromArray(F, c, co + 2 * ldc + 0);
            c21 = FloatVector.fromArray(F, c, co + 2 * ldc + 8);
            c30 = FloatVector.fromArray(F, c, co + 3 * ldc + 0);
            c31 = FloatVector.fromArray(F, c, co + 3 * ldc + 8);
            c40 = FloatVector.fromArray(F, c, co + 4 * ldc + 0);
            c41 = FloatVector.fromArray(F, c, co + 4 * ldc + 8);
        } else {
            FloatVector bias0 = FloatVector.broadcast(F, bias[biasOff + 0]);
            c00 = bias0;
            c01 = bias0;
            FloatVector bias1 = FloatVector.broadcast(F, bias[biasOff + 1]);
            c10 = bias1;
            c11 = bias1;
            FloatVector bias2 = FloatVector.broadcast(F, bias[biasOff + 2]);
            c20 = bias2;
            c21 = bias2;
            FloatVector bias3 = FloatVector.broadcast(F, bias[biasOff + 3]);
            c30 = bias3;
            c31 = bias3;
            FloatVector bias4 = FloatVector.broadcast(F, bias[biasOff + 4]);
            c40 = bias4;
            c41 = bias4;
        }
        for (int kk = 0; kk < kb; kk++) {
            int bo = bBase + bOffsets[o0 + kk];
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + 8);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(F, a[ao + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            ao += 5;
        }
        c00.intoArray(c, co + 0 * ldc + 0);
        c01.intoArray(c, co + 0 * ldc + 8);
        c10.intoArray(c, co + 1 * ldc + 0);
        c11.intoArray(c, co + 1 * ldc + 8);
        c20.intoArray(c, co + 2 * ldc + 0);
        c21.intoArray(c, co + 2 * ldc + 8);
        c30.intoArray(c, co + 3 * ldc + 0);
        c31.intoArray(c, co + 3 * ldc + 8);
        c40.intoArray(c, co + 4 * ldc + 0);
        c41.intoArray(c, co + 4 * ldc + 8);
    }

    /** 2×32 register tile: 8 accumulators, k-loop of broadcast A × vector B. */
    private static void kernel2x32(float[] a, int ao, float[] b, int bBase, int[] bOffsets, int o0, int kb,
                                  float[] c, int co, int ldc, boolean load, float[] bias, int biasOff) {
        FloatVector c00;
        FloatVector c01;
        FloatVector c02;
        FloatVector c03;
        FloatVector c10;
        FloatVector c11;
        FloatVector c12;
        FloatVector c13;
        if (load) {
            c00 = FloatVector.fromArray(F, c, co + 0 * ldc + 0);
            c01 = FloatVector.fromArray(F, c, co + 0 * ldc + 8);
            c02 = FloatVector.fromArray(F, c, co + 0 * ldc + 16);
            c03 = FloatVector.fromArray(F, c, co + 0 * ldc + 24);
            c10 = FloatVector.fromArray(F, c, co + 1 * ldc + 0);
            c11 = FloatVector.fromArray(F, c, co + 1 * ldc + 8);
            c12 = FloatVector.fromArray(F, c, co + 1 * ldc + 16);
            c13 = FloatVector.fromArray(F, c, co + 1 * ldc + 24);
        } else {
            FloatVector bias0 = FloatVector.broadcast(F, bias[biasOff + 0]);
            c00 = bias0;
            c01 = bias0;
            c02 = bias0;
            c03 = bias0;
            FloatVector bias1 = FloatVector.broadcast(F, bias[biasOff + 1]);
            c10 = bias1;
            c11 = bias1;
            c12 = bias1;
            c13 = bias1;
        }
        for (int kk = 0; kk < kb; kk++) {
            int bo = bBase + bOffsets[o0 + kk];
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + 8);
            FloatVector b2 = FloatVector.fromArray(F, b, bo + 16);
            FloatVector b3 = FloatVector.fromArray(F, b, bo + 24);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            c13 = a1.fma(b3, c13);
            ao += 2;
        }
        c00.intoArray(c, co + 0 * ldc + 0);
        c01.intoArray(c, co + 0 * ldc + 8);
        c02.intoArray(c, co + 0 * ldc + 16);
        c03.intoArray(c, co + 0 * ldc + 24);
        c10.intoArray(c, co + 1 * ldc + 0);
        c11.intoArray(c, co + 1 * ldc + 8);
        c12.intoArray(c, co + 1 * ldc + 16);
        c13.intoArray(c, co + 1 * ldc + 24);
    }

    /** 8×8 register tile: 8 accumulators, k-loop of broadcast A × vector B. */
    private static void kernel8x8(float[] a, int ao, float[] b, int bBase, int[] bOffsets, int o0, int kb,
                                  float[] c, int co, int ldc, boolean load, float[] bias, int biasOff) {
        FloatVector c00;
        FloatVector c10;
        FloatVector c20;
        FloatVector c30;
        FloatVector c40;
        FloatVector c50;
        FloatVector c60;
        FloatVector c70;
        if (load) {
            c00 = FloatVector.fromArray(F, c, co + 0 * ldc + 0);
            c10 = FloatVector.fromArray(F, c, co + 1 * ldc + 0);
            c20 = FloatVector.fromArray(F, c, co + 2 * ldc + 0);
            c30 = FloatVector.fromArray(F, c, co + 3 * ldc + 0);
            c40 = FloatVector.fromArray(F, c, co + 4 * ldc + 0);
            c50 = FloatVector.fromArray(F, c, co + 5 * ldc + 0);
            c60 = FloatVector.fromArray(F, c, co + 6 * ldc + 0);
            c70 = FloatVector.fromArray(F, c, co + 7 * ldc + 0);
        } else {
            FloatVector bias0 = FloatVector.broadcast(F, bias[biasOff + 0]);
            c00 = bias0;
            FloatVector bias1 = FloatVector.broadcast(F, bias[biasOff + 1]);
            c10 = bias1;
            FloatVector bias2 = FloatVector.broadcast(F, bias[biasOff + 2]);
            c20 = bias2;
            FloatVector bias3 = FloatVector.broadcast(F, bias[biasOff + 3]);
            c30 = bias3;
            FloatVector bias4 = FloatVector.broadcast(F, bias[biasOff + 4]);
            c40 = bias4;
            FloatVector bias5 = FloatVector.broadcast(F, bias[biasOff + 5]);
            c50 = bias5;
            FloatVector bias6 = FloatVector.broadcast(F, bias[biasOff + 6]);
            c60 = bias6;
            FloatVector bias7 = FloatVector.broadcast(F, bias[biasOff + 7]);
            c70 = bias7;
        }
        for (int kk = 0; kk < kb; kk++) {
            int bo = bBase + bOffsets[o0 + kk];
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]);
            c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(F, a[ao + 4]);
            c40 = a4.fma(b0, c40);
            FloatVector a5 = FloatVector.broadcast(F, a[ao + 5]);
            c50 = a5.fma(b0, c50);
            FloatVector a6 = FloatVector.broadcast(F, a[ao + 6]);
            c60 = a6.fma(b0, c60);
            FloatVector a7 = FloatVector.broadcast(F, a[ao + 7]);
            c70 = a7.fma(b0, c70);
            ao += 8;
        }
        c00.intoArray(c, co + 0 * ldc + 0);
        c10.intoArray(c, co + 1 * ldc + 0);
        c20.intoArray(c, co + 2 * ldc + 0);
        c30.intoArray(c, co + 3 * ldc + 0);
        c40.intoArray(c, co + 4 * ldc + 0);
        c50.intoArray(c, co + 5 * ldc + 0);
        c60.intoArray(c, co + 6 * ldc + 0);
        c70.intoArray(c, co + 7 * ldc + 0);
    }

    /** 3×32 register tile: 12 accumulators, k-loop of broadcast A × vector B. */
    private static void kernel3x32(float[] a, int ao, float[] b, int bBase, int[] bOffsets, int o0, int kb,
                                  float[] c, int co, int ldc, boolean load, float[] bias, int biasOff) {
        FloatVector c00;
        FloatVector c01;
        FloatVector c02;
        FloatVector c03;
        FloatVector c10;
        FloatVector c11;
        FloatVector c12;
        FloatVector c13;
        FloatVector c20;
        FloatVector c21;
        FloatVector c22;
        FloatVector c23;
        if (load) {
            c00 = FloatVector.fromArray(F, c, co + 0 * ldc + 0);
            c01 = FloatVector.fromArray(F, c, co + 0 * ldc + 8);
            c02 = FloatVector.fromArray(F, c, co + 0 * ldc + 16);
            c03 = FloatVector.fromArray(F, c, co + 0 * ldc + 24);
            c10 = FloatVector.fromArray(F, c, co + 1 * ldc + 0);
            c11 = FloatVector.fromArray(F, c, co + 1 * ldc + 8);
            c12 = FloatVector.fromArray(F, c, co + 1 * ldc + 16);
            c13 = FloatVector.fromArray(F, c, co + 1 * ldc + 24);
            c20 = FloatVector.fromArray(F, c, co + 2 * ldc + 0);
            c21 = FloatVector.fromArray(F, c, co + 2 * ldc + 8);
            c22 = FloatVector.fromArray(F, c, co + 2 * ldc + 16);
            c23 = FloatVector.fromArray(F, c, co + 2 * ldc + 24);
        } else {
            FloatVector bias0 = FloatVector.broadcast(F, bias[biasOff + 0]);
            c00 = bias0;
            c01 = bias0;
            c02 = bias0;
            c03 = bias0;
            FloatVector bias1 = FloatVector.broadcast(F, bias[biasOff + 1]);
            c10 = bias1;
            c11 = bias1;
            c12 = bias1;
            c13 = bias1;
            FloatVector bias2 = FloatVector.broadcast(F, bias[biasOff + 2]);
            c20 = bias2;
            c21 = bias2;
            c22 = bias2;
            c23 = bias2;
        }
        for (int kk = 0; kk < kb; kk++) {
            int bo = bBase + bOffsets[o0 + kk];
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + 8);
            FloatVector b2 = FloatVector.fromArray(F, b, bo + 16);
            FloatVector b3 = FloatVector.fromArray(F, b, bo + 24);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            c23 = a2.fma(b3, c23);
            ao += 3;
        }
        c00.intoArray(c, co + 0 * ldc + 0);
        c01.intoArray(c, co + 0 * ldc + 8);
        c02.intoArray(c, co + 0 * ldc + 16);
        c03.intoArray(c, co + 0 * ldc + 24);
        c10.intoArray(c, co + 1 * ldc + 0);
        c11.intoArray(c, co + 1 * ldc + 8);
        c12.intoArray(c, co + 1 * ldc + 16);
        c13.intoArray(c, co + 1 * ldc + 24);
        c20.intoArray(c, co + 2 * ldc + 0);
        c21.intoArray(c, co + 2 * ldc + 8);
        c22.intoArray(c, co + 2 * ldc + 16);
        c23.intoArray(c, co + 2 * ldc + 24);
    }
}
