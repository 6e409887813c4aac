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
 * {@link GemmPlain}). Partial tiles at the edges go through a small scratch tile. A matrix
 * packed with block sums (a convolution's, {@link PackedMatrix}) uses its own K blocks, and each
 * block after the first starts from +0 and is added to C at the end of the micro-kernel.
 *
 * <p>The vector width is the platform's preferred one (8 lanes on AVX2, 16 on AVX-512); the tile
 * per width (4×24 / 8×32 by default, others with {@code -Dreliant.gemm.tile=RxC}) was picked
 * by measurement, see docs/performance.md. Results do not depend on either choice. Micro-kernels
 * exist for tiles of MR rows × NV vectors = 4×3 and 6×2 (the AVX2 candidates) and 8×2 and 12×2
 * (the AVX-512 ones); any other tile fails at the first multiplication.
 */
public final class GemmSimd implements GemmKernels {
    public static final GemmSimd INSTANCE = new GemmSimd();

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Float lanes per vector: 8 with AVX2, 16 with AVX-512. */
    static final int L = F.length();
    /** Register tile "rows x columns", by measurement per vector width (docs/performance.md). */
    static final String TILE = System.getProperty("reliant.gemm.tile", L >= 16 ? "8x32" : "4x24");
    /** Rows per register tile. */
    static final int MR = Integer.parseInt(TILE.substring(0, TILE.indexOf('x')));
    /** Vectors per tile row. */
    static final int NV = Integer.parseInt(TILE.substring(TILE.indexOf('x') + 1)) / L;
    /** Columns per register tile. */
    static final int NR = NV * L;
    /** K block: an NR-column B micro-panel of KC rows stays in L1. */
    static final int KC = 256;
    /** Row block: MC × KC of packed A stays in L2. */
    static final int MC = 96;
    /** Column block, also the grain of parallel splits over columns. */
    static final int NC = 256;

    private static final ThreadLocal<float[][]> B_BLOCK = ThreadLocal.withInitial(() -> new float[1][0]);

    /** The calling thread's buffer for one packed B block. */
    private static float[] blockBuffer(int size) {
        float[][] holder = B_BLOCK.get();
        if (holder[0].length < size) {
            holder[0] = new float[Math.max(size, KC * NC)];
        }
        return holder[0];
    }

    private static final ThreadLocal<float[]> TILE_BUFFER = ThreadLocal.withInitial(() -> new float[MR * NR]);

    private GemmSimd() {}

    @Override
    public String name() {
        return "gemm-simd " + MR + "x" + NR + " tile, " + L + " lanes";
    }

    @Override
    public PackedMatrix pack(float[] a, int aOff, int m, int k, int lda, float[] bias) {
        return PackedMatrix.pack(a, aOff, m, k, lda, bias, MR, KC);
    }

    @Override
    public void multiply(PackedMatrix a, int rowStart, int rowEnd, float[] b, int bOff, int ldb, int n,
                         float[] c, int cOff, int ldc) {
        checkMultiply(a, rowStart, rowEnd, b, bOff, ldb, n, c, cOff, ldc);
        multiply(a, rowStart, rowEnd, BPanelPacker.dense(b, bOff, ldb), n, c, cOff, ldc);
    }

    /** Rows of x per parallel task of {@link #linear}. */
    private static final int LINEAR_ROWS = 64;

    @Override
    public void linear(PackedMatrix w, float[] x, int xOff, int batch, float[] y, int yOff) {
        GemmKernels.checkLinear(w, x, xOff, batch, y, yOff);
        int in = w.k;
        int out = w.m;
        // C = W · xᵀ is [out × rows]; B = xᵀ is packed from the rows of x, C transposed into y.
        Parallel.forRange(batch, LINEAR_ROWS, (b0, b1) -> {
            int rows = b1 - b0;
            float[] wide = LINEAR_BUFFER.get();
            if (wide.length < out * rows) {
                wide = new float[out * rows];
                LINEAR_BUFFER.set(wide);
            }
            BPanelPacker transposed = (k0, kb, n0, nb, nr, dst) -> {
                for (int j0 = 0; j0 < nb; j0 += nr) {
                    int cols = Math.min(nr, nb - j0);
                    int base = j0 * kb;
                    for (int c = 0; c < nr; c++) {
                        if (c < cols) {
                            int src = xOff + (b0 + n0 + j0 + c) * in + k0;
                            for (int kk = 0; kk < kb; kk++) {
                                dst[base + kk * nr + c] = x[src + kk];
                            }
                        } else {
                            for (int kk = 0; kk < kb; kk++) {
                                dst[base + kk * nr + c] = 0f;
                            }
                        }
                    }
                }
            };
            multiply(w, 0, out, transposed, rows, wide, 0, rows);
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < out; o++) {
                    y[yOff + (b0 + r) * out + o] = wide[o * rows + r];
                }
            }
        });
    }

    private static final ThreadLocal<float[]> LINEAR_BUFFER = ThreadLocal.withInitial(() -> new float[0]);

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
     * Computes rows [rowStart, rowEnd) of C = A·B (n columns) with B packed block by block by {@code b}; the
     * caller has checked the sizes. A must have been packed by this class (MR-row panels).
     */
    static void multiply(PackedMatrix a, int rowStart, int rowEnd, BPanelPacker b, int n,
                         float[] c, int cOff, int ldc) {
        multiplyBlocks(a, 0, PackedMatrix.ceilDiv(a.k, a.kc), rowStart, rowEnd, b, n, c, cOff, ldc);
    }

    /**
     * Like {@link #multiply} over K blocks [firstBlock, endBlock) of A only. The first of them
     * starts from the bias when it is block 0 and from +0 otherwise, so with
     * {@link PackedMatrix#blockSums} a single block gives exactly the block sum the full product adds.
     */
    static void multiplyBlocks(PackedMatrix a, int firstBlock, int endBlock, int rowStart, int rowEnd,
                               BPanelPacker b, int n, float[] c, int cOff, int ldc) {
        if (a.mr != MR) {
            throw new IllegalArgumentException("A was packed for another kernel (mr " + a.mr + ")");
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
        float[] bBlock = blockBuffer(Math.min(a.kc, k) * PackedMatrix.ceilDiv(Math.min(NC, n), NR) * NR);
        int firstPanel = (rowStart / MR) * MR;
        int kFirst = firstBlock * a.kc;
        int kEnd = Math.min(k, endBlock * a.kc);
        for (int n0 = 0; n0 < n; n0 += NC) {
            int nb = Math.min(NC, n - n0);
            for (int k0 = kFirst; k0 < kEnd; k0 += a.kc) {
                int kb = Math.min(a.kc, k - k0);
                b.pack(k0, kb, n0, nb, NR, bBlock);
                // The block's starting value: C (one chain through K), the bias, or +0 (a block sum).
                boolean load = k0 > kFirst && !a.blockSums;
                boolean add = k0 > kFirst && a.blockSums;
                float[] start = k0 == 0 ? a.bias : ZEROS;
                for (int m0 = firstPanel; m0 < rowEnd; m0 += MC) {
                    int mEnd = Math.min(rowEnd, m0 + MC);
                    for (int j0 = 0; j0 < nb; j0 += NR) {
                        int bo = j0 * kb;
                        int cols = Math.min(NR, nb - j0);
                        int cTile = cOff + n0 + j0;
                        for (int r0 = m0; r0 < mEnd; r0 += MR) {
                            int ao = a.panelOffset(k0, r0);
                            int rLo = Math.max(r0, rowStart);
                            int rHi = Math.min(r0 + MR, rowEnd);
                            int startOff = k0 == 0 ? r0 : 0;
                            if (rLo == r0 && rHi == r0 + MR && cols == NR) {
                                kernel(a.data, ao, bBlock, bo, kb, c, cTile + r0 * ldc, ldc, load, add, start, startOff);
                            } else {
                                if (load || add) {
                                    for (int r = rLo; r < rHi; r++) {
                                        System.arraycopy(c, cTile + r * ldc, tile, (r - r0) * NR, cols);
                                    }
                                }
                                kernel(a.data, ao, bBlock, bo, kb, tile, 0, NR, load, add, start, startOff);
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

    /** The +0 starting values of a block sum (MR rows). */
    private static final float[] ZEROS = new float[Math.max(MR, 16)];

    private static void kernel(float[] a, int ao, float[] b, int bo, int kb,
                               float[] c, int co, int ldc, boolean load, boolean add, float[] bias, int biasOff) {
        if (MR == 4 && NV == 3) {
            kernel4x3v(a, ao, b, bo, kb, c, co, ldc, load, add, bias, biasOff);
        } else if (MR == 6 && NV == 2) {
            kernel6x2v(a, ao, b, bo, kb, c, co, ldc, load, add, bias, biasOff);
        } else if (MR == 8 && NV == 2) {
            kernel8x2v(a, ao, b, bo, kb, c, co, ldc, load, add, bias, biasOff);
        } else if (MR == 12 && NV == 2) {
            kernel12x2v(a, ao, b, bo, kb, c, co, ldc, load, add, bias, biasOff);
        } else {
            throw new IllegalStateException("no kernel for tile " + MR + "x" + NR);
        }
    }

    /** 4 rows × 3 vectors: 12 accumulators, k-loop of broadcast A × vector B. */
    private static void kernel4x3v(float[] a, int ao, float[] b, int bo, int kb,
                                  float[] c, int co, int ldc, boolean load, boolean add, float[] bias, int biasOff) {
        FloatVector c0_0, c0_1, c0_2;
        FloatVector c1_0, c1_1, c1_2;
        FloatVector c2_0, c2_1, c2_2;
        FloatVector c3_0, c3_1, c3_2;
        if (load) {
            c0_0 = FloatVector.fromArray(F, c, co + 0 * ldc);
            c0_1 = FloatVector.fromArray(F, c, co + 0 * ldc + 1 * L);
            c0_2 = FloatVector.fromArray(F, c, co + 0 * ldc + 2 * L);
            c1_0 = FloatVector.fromArray(F, c, co + 1 * ldc);
            c1_1 = FloatVector.fromArray(F, c, co + 1 * ldc + 1 * L);
            c1_2 = FloatVector.fromArray(F, c, co + 1 * ldc + 2 * L);
            c2_0 = FloatVector.fromArray(F, c, co + 2 * ldc);
            c2_1 = FloatVector.fromArray(F, c, co + 2 * ldc + 1 * L);
            c2_2 = FloatVector.fromArray(F, c, co + 2 * ldc + 2 * L);
            c3_0 = FloatVector.fromArray(F, c, co + 3 * ldc);
            c3_1 = FloatVector.fromArray(F, c, co + 3 * ldc + 1 * L);
            c3_2 = FloatVector.fromArray(F, c, co + 3 * ldc + 2 * L);
        } else {
            c0_0 = FloatVector.broadcast(F, bias[biasOff + 0]);
            c0_1 = c0_0;
            c0_2 = c0_0;
            c1_0 = FloatVector.broadcast(F, bias[biasOff + 1]);
            c1_1 = c1_0;
            c1_2 = c1_0;
            c2_0 = FloatVector.broadcast(F, bias[biasOff + 2]);
            c2_1 = c2_0;
            c2_2 = c2_0;
            c3_0 = FloatVector.broadcast(F, bias[biasOff + 3]);
            c3_1 = c3_0;
            c3_2 = c3_0;
        }
        for (int kk = 0; kk < kb; kk++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + 1 * L);
            FloatVector b2 = FloatVector.fromArray(F, b, bo + 2 * L);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]);
            c0_0 = a0.fma(b0, c0_0);
            c0_1 = a0.fma(b1, c0_1);
            c0_2 = a0.fma(b2, c0_2);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]);
            c1_0 = a1.fma(b0, c1_0);
            c1_1 = a1.fma(b1, c1_1);
            c1_2 = a1.fma(b2, c1_2);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]);
            c2_0 = a2.fma(b0, c2_0);
            c2_1 = a2.fma(b1, c2_1);
            c2_2 = a2.fma(b2, c2_2);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]);
            c3_0 = a3.fma(b0, c3_0);
            c3_1 = a3.fma(b1, c3_1);
            c3_2 = a3.fma(b2, c3_2);
            ao += 4;
            bo += 3 * L;
        }
        if (add) {
            c0_0 = FloatVector.fromArray(F, c, co + 0 * ldc).add(c0_0);
            c0_1 = FloatVector.fromArray(F, c, co + 0 * ldc + 1 * L).add(c0_1);
            c0_2 = FloatVector.fromArray(F, c, co + 0 * ldc + 2 * L).add(c0_2);
            c1_0 = FloatVector.fromArray(F, c, co + 1 * ldc).add(c1_0);
            c1_1 = FloatVector.fromArray(F, c, co + 1 * ldc + 1 * L).add(c1_1);
            c1_2 = FloatVector.fromArray(F, c, co + 1 * ldc + 2 * L).add(c1_2);
            c2_0 = FloatVector.fromArray(F, c, co + 2 * ldc).add(c2_0);
            c2_1 = FloatVector.fromArray(F, c, co + 2 * ldc + 1 * L).add(c2_1);
            c2_2 = FloatVector.fromArray(F, c, co + 2 * ldc + 2 * L).add(c2_2);
            c3_0 = FloatVector.fromArray(F, c, co + 3 * ldc).add(c3_0);
            c3_1 = FloatVector.fromArray(F, c, co + 3 * ldc + 1 * L).add(c3_1);
            c3_2 = FloatVector.fromArray(F, c, co + 3 * ldc + 2 * L).add(c3_2);
        }
        c0_0.intoArray(c, co + 0 * ldc);
        c0_1.intoArray(c, co + 0 * ldc + 1 * L);
        c0_2.intoArray(c, co + 0 * ldc + 2 * L);
        c1_0.intoArray(c, co + 1 * ldc);
        c1_1.intoArray(c, co + 1 * ldc + 1 * L);
        c1_2.intoArray(c, co + 1 * ldc + 2 * L);
        c2_0.intoArray(c, co + 2 * ldc);
        c2_1.intoArray(c, co + 2 * ldc + 1 * L);
        c2_2.intoArray(c, co + 2 * ldc + 2 * L);
        c3_0.intoArray(c, co + 3 * ldc);
        c3_1.intoArray(c, co + 3 * ldc + 1 * L);
        c3_2.intoArray(c, co + 3 * ldc + 2 * L);
    }

    /** 6 rows × 2 vectors: 12 accumulators, k-loop of broadcast A × vector B. */
    private static void kernel6x2v(float[] a, int ao, float[] b, int bo, int kb,
                                  float[] c, int co, int ldc, boolean load, boolean add, float[] bias, int biasOff) {
        FloatVector c0_0, c0_1;
        FloatVector c1_0, c1_1;
        FloatVector c2_0, c2_1;
        FloatVector c3_0, c3_1;
        FloatVector c4_0, c4_1;
        FloatVector c5_0, c5_1;
        if (load) {
            c0_0 = FloatVector.fromArray(F, c, co + 0 * ldc);
            c0_1 = FloatVector.fromArray(F, c, co + 0 * ldc + 1 * L);
            c1_0 = FloatVector.fromArray(F, c, co + 1 * ldc);
            c1_1 = FloatVector.fromArray(F, c, co + 1 * ldc + 1 * L);
            c2_0 = FloatVector.fromArray(F, c, co + 2 * ldc);
            c2_1 = FloatVector.fromArray(F, c, co + 2 * ldc + 1 * L);
            c3_0 = FloatVector.fromArray(F, c, co + 3 * ldc);
            c3_1 = FloatVector.fromArray(F, c, co + 3 * ldc + 1 * L);
            c4_0 = FloatVector.fromArray(F, c, co + 4 * ldc);
            c4_1 = FloatVector.fromArray(F, c, co + 4 * ldc + 1 * L);
            c5_0 = FloatVector.fromArray(F, c, co + 5 * ldc);
            c5_1 = FloatVector.fromArray(F, c, co + 5 * ldc + 1 * L);
        } else {
            c0_0 = FloatVector.broadcast(F, bias[biasOff + 0]);
            c0_1 = c0_0;
            c1_0 = FloatVector.broadcast(F, bias[biasOff + 1]);
            c1_1 = c1_0;
            c2_0 = FloatVector.broadcast(F, bias[biasOff + 2]);
            c2_1 = c2_0;
            c3_0 = FloatVector.broadcast(F, bias[biasOff + 3]);
            c3_1 = c3_0;
            c4_0 = FloatVector.broadcast(F, bias[biasOff + 4]);
            c4_1 = c4_0;
            c5_0 = FloatVector.broadcast(F, bias[biasOff + 5]);
            c5_1 = c5_0;
        }
        for (int kk = 0; kk < kb; kk++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + 1 * L);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]);
            c0_0 = a0.fma(b0, c0_0);
            c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]);
            c1_0 = a1.fma(b0, c1_0);
            c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]);
            c2_0 = a2.fma(b0, c2_0);
            c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]);
            c3_0 = a3.fma(b0, c3_0);
            c3_1 = a3.fma(b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(F, a[ao + 4]);
            c4_0 = a4.fma(b0, c4_0);
            c4_1 = a4.fma(b1, c4_1);
            FloatVector a5 = FloatVector.broadcast(F, a[ao + 5]);
            c5_0 = a5.fma(b0, c5_0);
            c5_1 = a5.fma(b1, c5_1);
            ao += 6;
            bo += 2 * L;
        }
        if (add) {
            c0_0 = FloatVector.fromArray(F, c, co + 0 * ldc).add(c0_0);
            c0_1 = FloatVector.fromArray(F, c, co + 0 * ldc + 1 * L).add(c0_1);
            c1_0 = FloatVector.fromArray(F, c, co + 1 * ldc).add(c1_0);
            c1_1 = FloatVector.fromArray(F, c, co + 1 * ldc + 1 * L).add(c1_1);
            c2_0 = FloatVector.fromArray(F, c, co + 2 * ldc).add(c2_0);
            c2_1 = FloatVector.fromArray(F, c, co + 2 * ldc + 1 * L).add(c2_1);
            c3_0 = FloatVector.fromArray(F, c, co + 3 * ldc).add(c3_0);
            c3_1 = FloatVector.fromArray(F, c, co + 3 * ldc + 1 * L).add(c3_1);
            c4_0 = FloatVector.fromArray(F, c, co + 4 * ldc).add(c4_0);
            c4_1 = FloatVector.fromArray(F, c, co + 4 * ldc + 1 * L).add(c4_1);
            c5_0 = FloatVector.fromArray(F, c, co + 5 * ldc).add(c5_0);
            c5_1 = FloatVector.fromArray(F, c, co + 5 * ldc + 1 * L).add(c5_1);
        }
        c0_0.intoArray(c, co + 0 * ldc);
        c0_1.intoArray(c, co + 0 * ldc + 1 * L);
        c1_0.intoArray(c, co + 1 * ldc);
        c1_1.intoArray(c, co + 1 * ldc + 1 * L);
        c2_0.intoArray(c, co + 2 * ldc);
        c2_1.intoArray(c, co + 2 * ldc + 1 * L);
        c3_0.intoArray(c, co + 3 * ldc);
        c3_1.intoArray(c, co + 3 * ldc + 1 * L);
        c4_0.intoArray(c, co + 4 * ldc);
        c4_1.intoArray(c, co + 4 * ldc + 1 * L);
        c5_0.intoArray(c, co + 5 * ldc);
        c5_1.intoArray(c, co + 5 * ldc + 1 * L);
    }

    /** 8 rows × 2 vectors: 16 accumulators, k-loop of broadcast A × vector B. */
    private static void kernel8x2v(float[] a, int ao, float[] b, int bo, int kb,
                                  float[] c, int co, int ldc, boolean load, boolean add, float[] bias, int biasOff) {
        FloatVector c0_0, c0_1;
        FloatVector c1_0, c1_1;
        FloatVector c2_0, c2_1;
        FloatVector c3_0, c3_1;
        FloatVector c4_0, c4_1;
        FloatVector c5_0, c5_1;
        FloatVector c6_0, c6_1;
        FloatVector c7_0, c7_1;
        if (load) {
            c0_0 = FloatVector.fromArray(F, c, co + 0 * ldc);
            c0_1 = FloatVector.fromArray(F, c, co + 0 * ldc + 1 * L);
            c1_0 = FloatVector.fromArray(F, c, co + 1 * ldc);
            c1_1 = FloatVector.fromArray(F, c, co + 1 * ldc + 1 * L);
            c2_0 = FloatVector.fromArray(F, c, co + 2 * ldc);
            c2_1 = FloatVector.fromArray(F, c, co + 2 * ldc + 1 * L);
            c3_0 = FloatVector.fromArray(F, c, co + 3 * ldc);
            c3_1 = FloatVector.fromArray(F, c, co + 3 * ldc + 1 * L);
            c4_0 = FloatVector.fromArray(F, c, co + 4 * ldc);
            c4_1 = FloatVector.fromArray(F, c, co + 4 * ldc + 1 * L);
            c5_0 = FloatVector.fromArray(F, c, co + 5 * ldc);
            c5_1 = FloatVector.fromArray(F, c, co + 5 * ldc + 1 * L);
            c6_0 = FloatVector.fromArray(F, c, co + 6 * ldc);
            c6_1 = FloatVector.fromArray(F, c, co + 6 * ldc + 1 * L);
            c7_0 = FloatVector.fromArray(F, c, co + 7 * ldc);
            c7_1 = FloatVector.fromArray(F, c, co + 7 * ldc + 1 * L);
        } else {
            c0_0 = FloatVector.broadcast(F, bias[biasOff + 0]);
            c0_1 = c0_0;
            c1_0 = FloatVector.broadcast(F, bias[biasOff + 1]);
            c1_1 = c1_0;
            c2_0 = FloatVector.broadcast(F, bias[biasOff + 2]);
            c2_1 = c2_0;
            c3_0 = FloatVector.broadcast(F, bias[biasOff + 3]);
            c3_1 = c3_0;
            c4_0 = FloatVector.broadcast(F, bias[biasOff + 4]);
            c4_1 = c4_0;
            c5_0 = FloatVector.broadcast(F, bias[biasOff + 5]);
            c5_1 = c5_0;
            c6_0 = FloatVector.broadcast(F, bias[biasOff + 6]);
            c6_1 = c6_0;
            c7_0 = FloatVector.broadcast(F, bias[biasOff + 7]);
            c7_1 = c7_0;
        }
        for (int kk = 0; kk < kb; kk++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + 1 * L);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]);
            c0_0 = a0.fma(b0, c0_0);
            c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]);
            c1_0 = a1.fma(b0, c1_0);
            c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]);
            c2_0 = a2.fma(b0, c2_0);
            c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]);
            c3_0 = a3.fma(b0, c3_0);
            c3_1 = a3.fma(b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(F, a[ao + 4]);
            c4_0 = a4.fma(b0, c4_0);
            c4_1 = a4.fma(b1, c4_1);
            FloatVector a5 = FloatVector.broadcast(F, a[ao + 5]);
            c5_0 = a5.fma(b0, c5_0);
            c5_1 = a5.fma(b1, c5_1);
            FloatVector a6 = FloatVector.broadcast(F, a[ao + 6]);
            c6_0 = a6.fma(b0, c6_0);
            c6_1 = a6.fma(b1, c6_1);
            FloatVector a7 = FloatVector.broadcast(F, a[ao + 7]);
            c7_0 = a7.fma(b0, c7_0);
            c7_1 = a7.fma(b1, c7_1);
            ao += 8;
            bo += 2 * L;
        }
        if (add) {
            c0_0 = FloatVector.fromArray(F, c, co + 0 * ldc).add(c0_0);
            c0_1 = FloatVector.fromArray(F, c, co + 0 * ldc + 1 * L).add(c0_1);
            c1_0 = FloatVector.fromArray(F, c, co + 1 * ldc).add(c1_0);
            c1_1 = FloatVector.fromArray(F, c, co + 1 * ldc + 1 * L).add(c1_1);
            c2_0 = FloatVector.fromArray(F, c, co + 2 * ldc).add(c2_0);
            c2_1 = FloatVector.fromArray(F, c, co + 2 * ldc + 1 * L).add(c2_1);
            c3_0 = FloatVector.fromArray(F, c, co + 3 * ldc).add(c3_0);
            c3_1 = FloatVector.fromArray(F, c, co + 3 * ldc + 1 * L).add(c3_1);
            c4_0 = FloatVector.fromArray(F, c, co + 4 * ldc).add(c4_0);
            c4_1 = FloatVector.fromArray(F, c, co + 4 * ldc + 1 * L).add(c4_1);
            c5_0 = FloatVector.fromArray(F, c, co + 5 * ldc).add(c5_0);
            c5_1 = FloatVector.fromArray(F, c, co + 5 * ldc + 1 * L).add(c5_1);
            c6_0 = FloatVector.fromArray(F, c, co + 6 * ldc).add(c6_0);
            c6_1 = FloatVector.fromArray(F, c, co + 6 * ldc + 1 * L).add(c6_1);
            c7_0 = FloatVector.fromArray(F, c, co + 7 * ldc).add(c7_0);
            c7_1 = FloatVector.fromArray(F, c, co + 7 * ldc + 1 * L).add(c7_1);
        }
        c0_0.intoArray(c, co + 0 * ldc);
        c0_1.intoArray(c, co + 0 * ldc + 1 * L);
        c1_0.intoArray(c, co + 1 * ldc);
        c1_1.intoArray(c, co + 1 * ldc + 1 * L);
        c2_0.intoArray(c, co + 2 * ldc);
        c2_1.intoArray(c, co + 2 * ldc + 1 * L);
        c3_0.intoArray(c, co + 3 * ldc);
        c3_1.intoArray(c, co + 3 * ldc + 1 * L);
        c4_0.intoArray(c, co + 4 * ldc);
        c4_1.intoArray(c, co + 4 * ldc + 1 * L);
        c5_0.intoArray(c, co + 5 * ldc);
        c5_1.intoArray(c, co + 5 * ldc + 1 * L);
        c6_0.intoArray(c, co + 6 * ldc);
        c6_1.intoArray(c, co + 6 * ldc + 1 * L);
        c7_0.intoArray(c, co + 7 * ldc);
        c7_1.intoArray(c, co + 7 * ldc + 1 * L);
    }

    /** 12 rows × 2 vectors: 24 accumulators, k-loop of broadcast A × vector B. */
    private static void kernel12x2v(float[] a, int ao, float[] b, int bo, int kb,
                                  float[] c, int co, int ldc, boolean load, boolean add, float[] bias, int biasOff) {
        FloatVector c0_0, c0_1;
        FloatVector c1_0, c1_1;
        FloatVector c2_0, c2_1;
        FloatVector c3_0, c3_1;
        FloatVector c4_0, c4_1;
        FloatVector c5_0, c5_1;
        FloatVector c6_0, c6_1;
        FloatVector c7_0, c7_1;
        FloatVector c8_0, c8_1;
        FloatVector c9_0, c9_1;
        FloatVector c10_0, c10_1;
        FloatVector c11_0, c11_1;
        if (load) {
            c0_0 = FloatVector.fromArray(F, c, co + 0 * ldc);
            c0_1 = FloatVector.fromArray(F, c, co + 0 * ldc + 1 * L);
            c1_0 = FloatVector.fromArray(F, c, co + 1 * ldc);
            c1_1 = FloatVector.fromArray(F, c, co + 1 * ldc + 1 * L);
            c2_0 = FloatVector.fromArray(F, c, co + 2 * ldc);
            c2_1 = FloatVector.fromArray(F, c, co + 2 * ldc + 1 * L);
            c3_0 = FloatVector.fromArray(F, c, co + 3 * ldc);
            c3_1 = FloatVector.fromArray(F, c, co + 3 * ldc + 1 * L);
            c4_0 = FloatVector.fromArray(F, c, co + 4 * ldc);
            c4_1 = FloatVector.fromArray(F, c, co + 4 * ldc + 1 * L);
            c5_0 = FloatVector.fromArray(F, c, co + 5 * ldc);
            c5_1 = FloatVector.fromArray(F, c, co + 5 * ldc + 1 * L);
            c6_0 = FloatVector.fromArray(F, c, co + 6 * ldc);
            c6_1 = FloatVector.fromArray(F, c, co + 6 * ldc + 1 * L);
            c7_0 = FloatVector.fromArray(F, c, co + 7 * ldc);
            c7_1 = FloatVector.fromArray(F, c, co + 7 * ldc + 1 * L);
            c8_0 = FloatVector.fromArray(F, c, co + 8 * ldc);
            c8_1 = FloatVector.fromArray(F, c, co + 8 * ldc + 1 * L);
            c9_0 = FloatVector.fromArray(F, c, co + 9 * ldc);
            c9_1 = FloatVector.fromArray(F, c, co + 9 * ldc + 1 * L);
            c10_0 = FloatVector.fromArray(F, c, co + 10 * ldc);
            c10_1 = FloatVector.fromArray(F, c, co + 10 * ldc + 1 * L);
            c11_0 = FloatVector.fromArray(F, c, co + 11 * ldc);
            c11_1 = FloatVector.fromArray(F, c, co + 11 * ldc + 1 * L);
        } else {
            c0_0 = FloatVector.broadcast(F, bias[biasOff + 0]);
            c0_1 = c0_0;
            c1_0 = FloatVector.broadcast(F, bias[biasOff + 1]);
            c1_1 = c1_0;
            c2_0 = FloatVector.broadcast(F, bias[biasOff + 2]);
            c2_1 = c2_0;
            c3_0 = FloatVector.broadcast(F, bias[biasOff + 3]);
            c3_1 = c3_0;
            c4_0 = FloatVector.broadcast(F, bias[biasOff + 4]);
            c4_1 = c4_0;
            c5_0 = FloatVector.broadcast(F, bias[biasOff + 5]);
            c5_1 = c5_0;
            c6_0 = FloatVector.broadcast(F, bias[biasOff + 6]);
            c6_1 = c6_0;
            c7_0 = FloatVector.broadcast(F, bias[biasOff + 7]);
            c7_1 = c7_0;
            c8_0 = FloatVector.broadcast(F, bias[biasOff + 8]);
            c8_1 = c8_0;
            c9_0 = FloatVector.broadcast(F, bias[biasOff + 9]);
            c9_1 = c9_0;
            c10_0 = FloatVector.broadcast(F, bias[biasOff + 10]);
            c10_1 = c10_0;
            c11_0 = FloatVector.broadcast(F, bias[biasOff + 11]);
            c11_1 = c11_0;
        }
        for (int kk = 0; kk < kb; kk++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + 1 * L);
            FloatVector a0 = FloatVector.broadcast(F, a[ao + 0]);
            c0_0 = a0.fma(b0, c0_0);
            c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(F, a[ao + 1]);
            c1_0 = a1.fma(b0, c1_0);
            c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(F, a[ao + 2]);
            c2_0 = a2.fma(b0, c2_0);
            c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(F, a[ao + 3]);
            c3_0 = a3.fma(b0, c3_0);
            c3_1 = a3.fma(b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(F, a[ao + 4]);
            c4_0 = a4.fma(b0, c4_0);
            c4_1 = a4.fma(b1, c4_1);
            FloatVector a5 = FloatVector.broadcast(F, a[ao + 5]);
            c5_0 = a5.fma(b0, c5_0);
            c5_1 = a5.fma(b1, c5_1);
            FloatVector a6 = FloatVector.broadcast(F, a[ao + 6]);
            c6_0 = a6.fma(b0, c6_0);
            c6_1 = a6.fma(b1, c6_1);
            FloatVector a7 = FloatVector.broadcast(F, a[ao + 7]);
            c7_0 = a7.fma(b0, c7_0);
            c7_1 = a7.fma(b1, c7_1);
            FloatVector a8 = FloatVector.broadcast(F, a[ao + 8]);
            c8_0 = a8.fma(b0, c8_0);
            c8_1 = a8.fma(b1, c8_1);
            FloatVector a9 = FloatVector.broadcast(F, a[ao + 9]);
            c9_0 = a9.fma(b0, c9_0);
            c9_1 = a9.fma(b1, c9_1);
            FloatVector a10 = FloatVector.broadcast(F, a[ao + 10]);
            c10_0 = a10.fma(b0, c10_0);
            c10_1 = a10.fma(b1, c10_1);
            FloatVector a11 = FloatVector.broadcast(F, a[ao + 11]);
            c11_0 = a11.fma(b0, c11_0);
            c11_1 = a11.fma(b1, c11_1);
            ao += 12;
            bo += 2 * L;
        }
        if (add) {
            c0_0 = FloatVector.fromArray(F, c, co + 0 * ldc).add(c0_0);
            c0_1 = FloatVector.fromArray(F, c, co + 0 * ldc + 1 * L).add(c0_1);
            c1_0 = FloatVector.fromArray(F, c, co + 1 * ldc).add(c1_0);
            c1_1 = FloatVector.fromArray(F, c, co + 1 * ldc + 1 * L).add(c1_1);
            c2_0 = FloatVector.fromArray(F, c, co + 2 * ldc).add(c2_0);
            c2_1 = FloatVector.fromArray(F, c, co + 2 * ldc + 1 * L).add(c2_1);
            c3_0 = FloatVector.fromArray(F, c, co + 3 * ldc).add(c3_0);
            c3_1 = FloatVector.fromArray(F, c, co + 3 * ldc + 1 * L).add(c3_1);
            c4_0 = FloatVector.fromArray(F, c, co + 4 * ldc).add(c4_0);
            c4_1 = FloatVector.fromArray(F, c, co + 4 * ldc + 1 * L).add(c4_1);
            c5_0 = FloatVector.fromArray(F, c, co + 5 * ldc).add(c5_0);
            c5_1 = FloatVector.fromArray(F, c, co + 5 * ldc + 1 * L).add(c5_1);
            c6_0 = FloatVector.fromArray(F, c, co + 6 * ldc).add(c6_0);
            c6_1 = FloatVector.fromArray(F, c, co + 6 * ldc + 1 * L).add(c6_1);
            c7_0 = FloatVector.fromArray(F, c, co + 7 * ldc).add(c7_0);
            c7_1 = FloatVector.fromArray(F, c, co + 7 * ldc + 1 * L).add(c7_1);
            c8_0 = FloatVector.fromArray(F, c, co + 8 * ldc).add(c8_0);
            c8_1 = FloatVector.fromArray(F, c, co + 8 * ldc + 1 * L).add(c8_1);
            c9_0 = FloatVector.fromArray(F, c, co + 9 * ldc).add(c9_0);
            c9_1 = FloatVector.fromArray(F, c, co + 9 * ldc + 1 * L).add(c9_1);
            c10_0 = FloatVector.fromArray(F, c, co + 10 * ldc).add(c10_0);
            c10_1 = FloatVector.fromArray(F, c, co + 10 * ldc + 1 * L).add(c10_1);
            c11_0 = FloatVector.fromArray(F, c, co + 11 * ldc).add(c11_0);
            c11_1 = FloatVector.fromArray(F, c, co + 11 * ldc + 1 * L).add(c11_1);
        }
        c0_0.intoArray(c, co + 0 * ldc);
        c0_1.intoArray(c, co + 0 * ldc + 1 * L);
        c1_0.intoArray(c, co + 1 * ldc);
        c1_1.intoArray(c, co + 1 * ldc + 1 * L);
        c2_0.intoArray(c, co + 2 * ldc);
        c2_1.intoArray(c, co + 2 * ldc + 1 * L);
        c3_0.intoArray(c, co + 3 * ldc);
        c3_1.intoArray(c, co + 3 * ldc + 1 * L);
        c4_0.intoArray(c, co + 4 * ldc);
        c4_1.intoArray(c, co + 4 * ldc + 1 * L);
        c5_0.intoArray(c, co + 5 * ldc);
        c5_1.intoArray(c, co + 5 * ldc + 1 * L);
        c6_0.intoArray(c, co + 6 * ldc);
        c6_1.intoArray(c, co + 6 * ldc + 1 * L);
        c7_0.intoArray(c, co + 7 * ldc);
        c7_1.intoArray(c, co + 7 * ldc + 1 * L);
        c8_0.intoArray(c, co + 8 * ldc);
        c8_1.intoArray(c, co + 8 * ldc + 1 * L);
        c9_0.intoArray(c, co + 9 * ldc);
        c9_1.intoArray(c, co + 9 * ldc + 1 * L);
        c10_0.intoArray(c, co + 10 * ldc);
        c10_1.intoArray(c, co + 10 * ldc + 1 * L);
        c11_0.intoArray(c, co + 11 * ldc);
        c11_1.intoArray(c, co + 11 * ldc + 1 * L);
    }
}
