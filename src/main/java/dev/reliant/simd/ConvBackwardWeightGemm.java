package dev.reliant.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient of a convolution on the Vector API, as one GEMM per group and chunk of
 * images, computed transposed: dWᵀ_g[(tap, ci)][o] = Σ_{b, n} X[(b, n) + offset(tap)][ci] · G[o][(b, n)].
 *
 * <p>Each image is copied once into a zero-padded, stride-phase-split buffer stored channels
 * last (HWC): row r of X holds every channel of padded pixel r. For output position
 * n = oy·planeW + ox (the flattening of {@link ConvSimd}), tap (kh, kw) reads padded pixel
 * n + offset(tap). So the A operand needs no packing: a register tile's rows (tap, ci) are
 * broadcast straight from X, each at its own fixed offset, and the whole tile steps one pixel
 * (cin floats) per k. B is the output gradient transposed to [(b, n)][o] (zero in the
 * planeW − outW wrap-around columns, which therefore add nothing), packed once per chunk in
 * panels of one or two vectors of output channels. The result [taps·in/groups × out/groups]
 * is added into the OIHW gradient after each chunk.
 *
 * <p>Every value is one fma chain over the images of a chunk, then output rows and columns, in
 * order, from +0: the plain twin's chain. Chunks hold a number of images fixed by the shape
 * (about {@link #CHUNK_FLOATS} values of scratch) and their sums are added in order; threads
 * split the rows of the result, so no thread count changes a bit.
 */
final class ConvBackwardWeightGemm {
    private static final VectorSpecies<Float> F = GemmSimd.F;
    private static final int LANES = GemmSimd.L;
    /** Scratch per chunk (transposed output gradient and channels-last input), in floats. */
    static final int CHUNK_FLOATS = 1 << 21;
    /** Pixels per k-step run of the micro-kernel: the B panel run (KC × two vectors) stays in L1. */
    private static final int KC = 256;

    /** Scratch of the calling thread: it is read by every task of a call. */
    private static final ThreadLocal<CallBuffers> CALL = ThreadLocal.withInitial(CallBuffers::new);
    /** Scratch of each task. */
    private static final ThreadLocal<TaskBuffers> TASK = ThreadLocal.withInitial(TaskBuffers::new);

    private ConvBackwardWeightGemm() {}

    /** Polyphase geometry of one image (as in {@link ConvSimd}) and the offset of every tap in it. */
    private static final class Geometry {
        final int planeH;
        final int planeW;
        /** Padded pixels per image: phases · planeH · planeW. */
        final int pixels;
        /** Flattened output length: (outH − 1)·planeW + outW. */
        final int flat;
        /** Per tap (kh, kw): the pixel offset its reads start at. */
        final int[] tapOffsets;

        Geometry(ConvShape s) {
            planeH = PackedMatrix.ceilDiv(s.inHeight + 2 * s.padH, s.strideH);
            planeW = PackedMatrix.ceilDiv(s.inWidth + 2 * s.padW, s.strideW);
            pixels = s.strideH * s.strideW * planeH * planeW;
            flat = (s.outHeight - 1) * planeW + s.outWidth;
            tapOffsets = new int[s.kernelHeight * s.kernelWidth];
            for (int kh = 0; kh < s.kernelHeight; kh++) {
                int eh = kh * s.dilationH;
                for (int kw = 0; kw < s.kernelWidth; kw++) {
                    int ew = kw * s.dilationW;
                    int phase = (eh % s.strideH) * s.strideW + ew % s.strideW;
                    tapOffsets[kh * s.kernelWidth + kw] = phase * planeH * planeW + (eh / s.strideH) * planeW
                            + ew / s.strideW;
                }
            }
        }
    }

    /**
     * The register tile of a shape: {@code vectors} vectors of output channels (two when a group
     * has more than one vector of them) by {@code rows} rows (tap, ci).
     */
    private record Tile(int rows, int vectors) {
        static Tile of(int coutG) {
            return coutG > LANES ? new Tile(6, 2) : new Tile(8, 1);
        }

        int columns() {
            return vectors * LANES;
        }
    }

    /** Adds the weight gradient of a grouped or dense (not depthwise) convolution; operands checked by the caller. */
    static void gemm(ConvShape s, float[] in, int inOff, float[] gradOut, int gOff, int batch,
                     float[] gradWeight, int gwOff) {
        Geometry geo = new Geometry(s);
        int cin = s.inChannels;
        int cinG = s.inChannelsPerGroup();
        int coutG = s.outChannelsPerGroup();
        int taps = geo.tapOffsets.length;
        Tile tile = Tile.of(coutG);
        int cols = tile.columns();
        int colPanels = PackedMatrix.ceilDiv(coutG, cols);
        int ldc = colPanels * cols;
        int rows = taps * cinG;
        int rowPanels = PackedMatrix.ceilDiv(rows, tile.rows);
        long perImage = (long) geo.pixels * cin + (long) s.groups * ldc * geo.flat;
        int chunk = (int) Math.max(1, Math.min(batch, CHUNK_FLOATS / perImage));
        CallBuffers call = CALL.get();
        float[] x = call.x(chunk * geo.pixels * cin);
        float[][] gt = call.gt(s.groups, ldc * chunk * geo.flat);
        float[][] ct = call.ct(s.groups, rowPanels * tile.rows * ldc);
        int[][] offsets = rowOffsets(geo, cin, cinG, s.groups, rowPanels * tile.rows);
        // Row splits: enough for every thread, each a run of whole row panels.
        int splits = Math.min(rowPanels, PackedMatrix.ceilDiv(Parallel.threads(), s.groups) * 2);
        int panelsPerSplit = PackedMatrix.ceilDiv(rowPanels, splits);
        for (int b0 = 0; b0 < batch; b0 += chunk) {
            int images = Math.min(chunk, batch - b0);
            int first = b0;
            Parallel.forEach(images, i -> channelsLast(s, geo, in, inOff + (first + i) * s.inputSize(), x,
                    i * geo.pixels * cin));
            Parallel.forEach(s.groups * images, item -> packGradOut(s, geo, gradOut, gOff, first + item % images,
                    item / images, item % images, images, cols, ldc, gt[item / images]));
            Parallel.forEach(s.groups * splits, item -> {
                int g = item / splits;
                int p0 = (item % splits) * panelsPerSplit;
                int p1 = Math.min(rowPanels, p0 + panelsPerSplit);
                for (int image = 0; image < images; image++) {
                    int xRow = image * geo.pixels * cin;
                    for (int n0 = 0; n0 < geo.flat; n0 += KC) {
                        int kb = Math.min(KC, geo.flat - n0);
                        boolean load = image > 0 || n0 > 0;
                        for (int cp = 0; cp < colPanels; cp++) {
                            int bo = (cp * images * geo.flat + image * geo.flat + n0) * cols;
                            for (int p = p0; p < p1; p++) {
                                int co = p * tile.rows * ldc + cp * cols;
                                int r0 = p * tile.rows;
                                if (tile.vectors == 2) {
                                    kernel6x2v(x, xRow + n0 * cin, cin, offsets[g], r0, gt[g], bo, kb, ct[g], co,
                                            ldc, load);
                                } else {
                                    kernel8x1v(x, xRow + n0 * cin, cin, offsets[g], r0, gt[g], bo, kb, ct[g], co,
                                            ldc, load);
                                }
                            }
                        }
                    }
                }
                for (int r = p0 * tile.rows; r < Math.min(rows, p1 * tile.rows); r++) {
                    int tap = r / cinG;
                    int ci = r - tap * cinG;
                    int dst = gwOff + (g * coutG * cinG + ci) * taps + tap;
                    int src = r * ldc;
                    for (int o = 0; o < coutG; o++) {
                        gradWeight[dst + o * cinG * taps] += ct[g][src + o];
                    }
                }
            });
        }
    }

    /**
     * Per group and result row (tap, ci): where its value sits in a pixel's row of X, relative to
     * the pixel of the output position. Rows past the last (padding of the last tile) repeat it.
     */
    private static int[][] rowOffsets(Geometry geo, int cin, int cinG, int groups, int paddedRows) {
        int rows = geo.tapOffsets.length * cinG;
        int[][] offsets = new int[groups][paddedRows];
        for (int g = 0; g < groups; g++) {
            for (int r = 0; r < paddedRows; r++) {
                int row = Math.min(r, rows - 1);
                int tap = row / cinG;
                offsets[g][r] = geo.tapOffsets[tap] * cin + g * cinG + row - tap * cinG;
            }
        }
        return offsets;
    }

    /**
     * Copies one image into X: padded pixel (phase (py, px), i, j) is input (i·sh + py − padH,
     * j·sw + px − padW), zero outside; its cin channels are consecutive.
     */
    private static void channelsLast(ConvShape s, Geometry geo, float[] in, int image, float[] x, int dst) {
        int cin = s.inChannels;
        int h = s.inHeight;
        int w = s.inWidth;
        int plane = h * w;
        java.util.Arrays.fill(x, dst, dst + geo.pixels * cin, 0f);
        for (int py = 0; py < s.strideH; py++) {
            for (int px = 0; px < s.strideW; px++) {
                // Columns j whose input column j·sw + px − padW lies in [0, w).
                int jLo = Math.max(0, PackedMatrix.ceilDiv(s.padW - px, s.strideW));
                int jHi = Math.min(geo.planeW, PackedMatrix.ceilDiv(w + s.padW - px, s.strideW));
                int phaseBase = dst + (py * s.strideW + px) * geo.planeH * geo.planeW * cin;
                for (int i = 0; i < geo.planeH; i++) {
                    int y = i * s.strideH + py - s.padH;
                    if (y < 0 || y >= h || jLo >= jHi) {
                        continue;
                    }
                    int rowDst = phaseBase + i * geo.planeW * cin;
                    for (int ci = 0; ci < cin; ci++) {
                        int src = image + ci * plane + y * w + jLo * s.strideW + px - s.padW;
                        int d = rowDst + jLo * cin + ci;
                        for (int j = jLo; j < jHi; j++, src += s.strideW, d += cin) {
                            x[d] = in[src];
                        }
                    }
                }
            }
        }
    }

    /**
     * Packs image {@code slot} of the chunk (batch image {@code image}) into group g's B: panel
     * cp, row (slot, n), column j holds the output gradient of channel cp·cols + j of the group
     * at flat position n; zero in the wrap-around positions and past the group's channels.
     */
    private static void packGradOut(ConvShape s, Geometry geo, float[] gradOut, int gOff, int image, int g,
                                    int slot, int images, int cols, int ldc, float[] gt) {
        int coutG = s.outChannelsPerGroup();
        int plane = s.outPlane();
        int panelSize = images * geo.flat * cols;
        for (int cp = 0; cp * cols < ldc; cp++) {
            int base = cp * panelSize + slot * geo.flat * cols;
            java.util.Arrays.fill(gt, base, base + geo.flat * cols, 0f);
            int channels = Math.min(cols, coutG - cp * cols);
            for (int j = 0; j < channels; j++) {
                int src = gOff + (image * s.outChannels + g * coutG + cp * cols + j) * plane;
                for (int oy = 0; oy < s.outHeight; oy++) {
                    int d = base + oy * geo.planeW * cols + j;
                    int from = src + oy * s.outWidth;
                    for (int ox = 0; ox < s.outWidth; ox++, d += cols) {
                        gt[d] = gradOut[from + ox];
                    }
                }
            }
        }
    }

    /**
     * 6 result rows × 2 vectors of output channels: rows r0..r0+5 broadcast from X at their
     * offsets, the pixel stepping cin floats per k; B read in order.
     */
    private static void kernel6x2v(float[] x, int px, int cin, int[] offsets, int r0, float[] b, int bo, int kb,
                                   float[] c, int co, int ldc, boolean load) {
        int o0 = px + offsets[r0];
        int o1 = px + offsets[r0 + 1];
        int o2 = px + offsets[r0 + 2];
        int o3 = px + offsets[r0 + 3];
        int o4 = px + offsets[r0 + 4];
        int o5 = px + offsets[r0 + 5];
        FloatVector c0_0, c0_1, c1_0, c1_1, c2_0, c2_1, c3_0, c3_1, c4_0, c4_1, c5_0, c5_1;
        if (load) {
            c0_0 = FloatVector.fromArray(F, c, co);
            c0_1 = FloatVector.fromArray(F, c, co + LANES);
            c1_0 = FloatVector.fromArray(F, c, co + ldc);
            c1_1 = FloatVector.fromArray(F, c, co + ldc + LANES);
            c2_0 = FloatVector.fromArray(F, c, co + 2 * ldc);
            c2_1 = FloatVector.fromArray(F, c, co + 2 * ldc + LANES);
            c3_0 = FloatVector.fromArray(F, c, co + 3 * ldc);
            c3_1 = FloatVector.fromArray(F, c, co + 3 * ldc + LANES);
            c4_0 = FloatVector.fromArray(F, c, co + 4 * ldc);
            c4_1 = FloatVector.fromArray(F, c, co + 4 * ldc + LANES);
            c5_0 = FloatVector.fromArray(F, c, co + 5 * ldc);
            c5_1 = FloatVector.fromArray(F, c, co + 5 * ldc + LANES);
        } else {
            c0_0 = FloatVector.zero(F);
            c0_1 = c0_0;
            c1_0 = c0_0;
            c1_1 = c0_0;
            c2_0 = c0_0;
            c2_1 = c0_0;
            c3_0 = c0_0;
            c3_1 = c0_0;
            c4_0 = c0_0;
            c4_1 = c0_0;
            c5_0 = c0_0;
            c5_1 = c0_0;
        }
        for (int kk = 0; kk < kb; kk++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + LANES);
            FloatVector a0 = FloatVector.broadcast(F, x[o0]);
            c0_0 = a0.fma(b0, c0_0);
            c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(F, x[o1]);
            c1_0 = a1.fma(b0, c1_0);
            c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(F, x[o2]);
            c2_0 = a2.fma(b0, c2_0);
            c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(F, x[o3]);
            c3_0 = a3.fma(b0, c3_0);
            c3_1 = a3.fma(b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(F, x[o4]);
            c4_0 = a4.fma(b0, c4_0);
            c4_1 = a4.fma(b1, c4_1);
            FloatVector a5 = FloatVector.broadcast(F, x[o5]);
            c5_0 = a5.fma(b0, c5_0);
            c5_1 = a5.fma(b1, c5_1);
            o0 += cin;
            o1 += cin;
            o2 += cin;
            o3 += cin;
            o4 += cin;
            o5 += cin;
            bo += 2 * LANES;
        }
        c0_0.intoArray(c, co);
        c0_1.intoArray(c, co + LANES);
        c1_0.intoArray(c, co + ldc);
        c1_1.intoArray(c, co + ldc + LANES);
        c2_0.intoArray(c, co + 2 * ldc);
        c2_1.intoArray(c, co + 2 * ldc + LANES);
        c3_0.intoArray(c, co + 3 * ldc);
        c3_1.intoArray(c, co + 3 * ldc + LANES);
        c4_0.intoArray(c, co + 4 * ldc);
        c4_1.intoArray(c, co + 4 * ldc + LANES);
        c5_0.intoArray(c, co + 5 * ldc);
        c5_1.intoArray(c, co + 5 * ldc + LANES);
    }

    /** 8 result rows × 1 vector of output channels, as {@link #kernel6x2v}. */
    private static void kernel8x1v(float[] x, int px, int cin, int[] offsets, int r0, float[] b, int bo, int kb,
                                   float[] c, int co, int ldc, boolean load) {
        int o0 = px + offsets[r0];
        int o1 = px + offsets[r0 + 1];
        int o2 = px + offsets[r0 + 2];
        int o3 = px + offsets[r0 + 3];
        int o4 = px + offsets[r0 + 4];
        int o5 = px + offsets[r0 + 5];
        int o6 = px + offsets[r0 + 6];
        int o7 = px + offsets[r0 + 7];
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (load) {
            c0 = FloatVector.fromArray(F, c, co);
            c1 = FloatVector.fromArray(F, c, co + ldc);
            c2 = FloatVector.fromArray(F, c, co + 2 * ldc);
            c3 = FloatVector.fromArray(F, c, co + 3 * ldc);
            c4 = FloatVector.fromArray(F, c, co + 4 * ldc);
            c5 = FloatVector.fromArray(F, c, co + 5 * ldc);
            c6 = FloatVector.fromArray(F, c, co + 6 * ldc);
            c7 = FloatVector.fromArray(F, c, co + 7 * ldc);
        } else {
            c0 = FloatVector.zero(F);
            c1 = c0;
            c2 = c0;
            c3 = c0;
            c4 = c0;
            c5 = c0;
            c6 = c0;
            c7 = c0;
        }
        for (int kk = 0; kk < kb; kk++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            c0 = FloatVector.broadcast(F, x[o0]).fma(b0, c0);
            c1 = FloatVector.broadcast(F, x[o1]).fma(b0, c1);
            c2 = FloatVector.broadcast(F, x[o2]).fma(b0, c2);
            c3 = FloatVector.broadcast(F, x[o3]).fma(b0, c3);
            c4 = FloatVector.broadcast(F, x[o4]).fma(b0, c4);
            c5 = FloatVector.broadcast(F, x[o5]).fma(b0, c5);
            c6 = FloatVector.broadcast(F, x[o6]).fma(b0, c6);
            c7 = FloatVector.broadcast(F, x[o7]).fma(b0, c7);
            o0 += cin;
            o1 += cin;
            o2 += cin;
            o3 += cin;
            o4 += cin;
            o5 += cin;
            o6 += cin;
            o7 += cin;
            bo += LANES;
        }
        c0.intoArray(c, co);
        c1.intoArray(c, co + ldc);
        c2.intoArray(c, co + 2 * ldc);
        c3.intoArray(c, co + 3 * ldc);
        c4.intoArray(c, co + 4 * ldc);
        c5.intoArray(c, co + 5 * ldc);
        c6.intoArray(c, co + 6 * ldc);
        c7.intoArray(c, co + 7 * ldc);
    }

    /**
     * Depthwise weight gradient: per channel, for each image and tap a dot product of the flat
     * output gradient with the shifted polyphase input plane, accumulated in vector lanes over all
     * images; lanes are added in order at the end.
     */
    static void depthwise(ConvShape s, float[] in, int inOff, float[] gradOut, int gOff, int batch,
                          float[] gradWeight, int gwOff) {
        Geometry geo = new Geometry(s);
        int taps = geo.tapOffsets.length;
        int vectorEnd = geo.flat - geo.flat % LANES;
        Parallel.forEach(s.inChannels, c -> {
            TaskBuffers buf = TASK.get();
            float[] plane = buf.plane(geo.pixels);
            float[] dy = buf.dy(geo.flat);
            float[] lanes = buf.lanes(taps * LANES);
            float[] tails = buf.tails(taps);
            java.util.Arrays.fill(lanes, 0, taps * LANES, 0f);
            java.util.Arrays.fill(tails, 0, taps, 0f);
            for (int b = 0; b < batch; b++) {
                polyphasePlane(s, geo, in, inOff + (b * s.inChannels + c) * s.inHeight * s.inWidth, plane);
                java.util.Arrays.fill(dy, 0, geo.flat, 0f);
                int src = gOff + (b * s.outChannels + c) * s.outPlane();
                for (int oy = 0; oy < s.outHeight; oy++) {
                    System.arraycopy(gradOut, src + oy * s.outWidth, dy, oy * geo.planeW, s.outWidth);
                }
                for (int t = 0; t < taps; t++) {
                    int off = geo.tapOffsets[t];
                    FloatVector acc = FloatVector.fromArray(F, lanes, t * LANES);
                    for (int i = 0; i < vectorEnd; i += LANES) {
                        acc = FloatVector.fromArray(F, dy, i).fma(FloatVector.fromArray(F, plane, i + off), acc);
                    }
                    acc.intoArray(lanes, t * LANES);
                    float tail = tails[t];
                    for (int i = vectorEnd; i < geo.flat; i++) {
                        tail = Math.fma(dy[i], plane[i + off], tail);
                    }
                    tails[t] = tail;
                }
            }
            for (int t = 0; t < taps; t++) {
                float sum = 0f;
                for (int l = 0; l < LANES; l++) {
                    sum += lanes[t * LANES + l];
                }
                gradWeight[gwOff + c * taps + t] += sum + tails[t];
            }
        });
    }

    /** One input plane, zero-padded and split into stride phases, in the layout of {@link Geometry}. */
    private static void polyphasePlane(ConvShape s, Geometry geo, float[] in, int src, float[] dst) {
        int h = s.inHeight;
        int w = s.inWidth;
        int d = 0;
        for (int py = 0; py < s.strideH; py++) {
            for (int px = 0; px < s.strideW; px++) {
                for (int i = 0; i < geo.planeH; i++, d += geo.planeW) {
                    int y = i * s.strideH + py - s.padH;
                    if (y < 0 || y >= h) {
                        java.util.Arrays.fill(dst, d, d + geo.planeW, 0f);
                        continue;
                    }
                    int row = src + y * w;
                    for (int j = 0; j < geo.planeW; j++) {
                        int x = j * s.strideW + px - s.padW;
                        dst[d + j] = x >= 0 && x < w ? in[row + x] : 0f;
                    }
                }
            }
        }
    }

    /** Scratch of the calling thread, shared read-only by the tasks of one call. */
    private static final class CallBuffers {
        float[] x = new float[0];
        float[][] gt = new float[0][];
        float[][] ct = new float[0][];

        float[] x(int size) {
            if (x.length < size) {
                x = new float[size];
            }
            return x;
        }

        float[][] gt(int groups, int size) {
            gt = perGroup(gt, groups, size);
            return gt;
        }

        float[][] ct(int groups, int size) {
            ct = perGroup(ct, groups, size);
            return ct;
        }

        private static float[][] perGroup(float[][] arrays, int groups, int size) {
            float[][] grown = arrays.length < groups ? java.util.Arrays.copyOf(arrays, groups) : arrays;
            for (int g = 0; g < groups; g++) {
                if (grown[g] == null || grown[g].length < size) {
                    grown[g] = new float[size];
                }
            }
            return grown;
        }
    }

    /** Scratch of one task. */
    private static final class TaskBuffers {
        float[] plane = new float[0];
        float[] dy = new float[0];
        float[] lanes = new float[0];
        float[] tails = new float[0];

        float[] plane(int size) {
            if (plane.length < size) {
                plane = new float[size];
            }
            return plane;
        }

        float[] dy(int size) {
            if (dy.length < size) {
                dy = new float[size];
            }
            return dy;
        }

        float[] lanes(int size) {
            if (lanes.length < size) {
                lanes = new float[size];
            }
            return lanes;
        }

        float[] tails(int size) {
            if (tails.length < size) {
                tails = new float[size];
            }
            return tails;
        }
    }
}
