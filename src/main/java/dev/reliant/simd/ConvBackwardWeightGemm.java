package dev.reliant.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient of a convolution on the Vector API, as one GEMM per group and chunk of
 * images: dW_g[o][(tap, ci)] = Σ_{b, n} G[o][(b, n)] · X[(b, n) + offset(tap)][ci].
 *
 * <p>Each image is copied once into a zero-padded, stride-phase-split buffer stored channels
 * last (HWC): row r of X holds every channel of padded pixel r. For output position
 * n = oy·planeW + ox (the flattening of {@link ConvSimd}), tap (kh, kw) reads padded pixel
 * n + offset(tap), so a row of the GEMM's B operand, for consecutive columns (tap, ci), is a
 * run of consecutive floats of X: packing B is a vector copy. A is the output gradient in the
 * same flattening (zero in the planeW − outW wrap-around columns, which therefore add nothing),
 * packed once per chunk. The result [out/groups × taps·in/groups] is added into the OIHW
 * gradient after each chunk.
 *
 * <p>Chunks hold a number of images fixed by the shape (about {@link #CHUNK_FLOATS} values of
 * scratch), and threads split the columns of the result, so no thread count changes a bit.
 */
final class ConvBackwardWeightGemm {
    private static final VectorSpecies<Float> F = GemmSimd.F;
    private static final int LANES = GemmSimd.L;
    /** Scratch per chunk (packed output gradient and channels-last input), in floats. */
    static final int CHUNK_FLOATS = 1 << 21;

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

    /** Adds the weight gradient of a grouped or dense (not depthwise) convolution; operands checked by the caller. */
    static void gemm(ConvShape s, float[] in, int inOff, float[] gradOut, int gOff, int batch,
                     float[] gradWeight, int gwOff) {
        Geometry geo = new Geometry(s);
        int cin = s.inChannels;
        int cinG = s.inChannelsPerGroup();
        int coutG = s.outChannelsPerGroup();
        int taps = geo.tapOffsets.length;
        int n = taps * cinG;
        int paddedRows = PackedMatrix.ceilDiv(coutG, GemmSimd.MR) * GemmSimd.MR;
        long perImage = (long) geo.pixels * cin + (long) s.groups * paddedRows * geo.flat;
        int chunk = (int) Math.max(1, Math.min(batch, CHUNK_FLOATS / perImage));
        CallBuffers call = CALL.get();
        float[] x = call.x(chunk * geo.pixels * cin);
        float[][] aData = call.a(s.groups, paddedRows * chunk * geo.flat);
        float[] zeroBias = call.zeroBias(paddedRows);
        float[] c = call.c(s.outChannels * n);
        // Column splits: a multiple of the thread count, each at most one column block wide.
        int colPanels = PackedMatrix.ceilDiv(n, GemmSimd.NR);
        int threads = Parallel.threads();
        int wanted = Math.max(PackedMatrix.ceilDiv(n, GemmSimd.NC), PackedMatrix.ceilDiv(threads, s.groups));
        int splits = Math.min(colPanels, PackedMatrix.ceilDiv(wanted, threads) * threads);
        int colsPerSplit = PackedMatrix.ceilDiv(colPanels, splits) * GemmSimd.NR;
        for (int b0 = 0; b0 < batch; b0 += chunk) {
            int images = Math.min(chunk, batch - b0);
            int k = images * geo.flat;
            int first = b0;
            Parallel.forEach(images, i -> channelsLast(s, geo, in, inOff + (first + i) * s.inputSize(), x,
                    i * geo.pixels * cin));
            PackedMatrix[] a = new PackedMatrix[s.groups];
            for (int g = 0; g < s.groups; g++) {
                a[g] = new PackedMatrix(coutG, k, GemmSimd.MR, GemmSimd.KC, aData[g], zeroBias, false);
            }
            int kBlocks = PackedMatrix.ceilDiv(k, GemmSimd.KC);
            Parallel.forEach(s.groups * kBlocks, item -> packGradOut(s, geo, gradOut, gOff, first, a[item / kBlocks],
                    item / kBlocks, (item % kBlocks) * GemmSimd.KC));
            Parallel.forEach(s.groups * splits, item -> {
                int g = item / splits;
                int c0 = (item % splits) * colsPerSplit;
                int c1 = Math.min(n, c0 + colsPerSplit);
                if (c0 >= c1) {
                    return;
                }
                ChannelsLastPacker packer = TASK.get().packer;
                packer.reset(x, geo, cin, g * cinG, cinG, c0);
                int cOff = g * coutG * n;
                GemmSimd.multiply(a[g], 0, coutG, packer, c1 - c0, c, cOff + c0, n);
                for (int o = 0; o < coutG; o++) {
                    int dst = gwOff + (g * coutG + o) * s.depth();
                    int src = cOff + o * n;
                    for (int col = c0; col < c1; col++) {
                        int tap = col / cinG;
                        gradWeight[dst + (col - tap * cinG) * taps + tap] += c[src + col];
                    }
                }
            });
        }
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
     * Packs K block [k0, k0 + KC) of group g's A: column (b, n) is the output gradient of image
     * first + b at flat position n, zero in the wrap-around columns and the padding rows. The
     * block is walked in runs of one output row (or one stretch of wrap-around columns).
     */
    private static void packGradOut(ConvShape s, Geometry geo, float[] gradOut, int gOff, int first, PackedMatrix a,
                                    int g, int k0) {
        int mr = GemmSimd.MR;
        int kb = Math.min(GemmSimd.KC, a.k - k0);
        int coutG = s.outChannelsPerGroup();
        int plane = s.outPlane();
        for (int r0 = 0; r0 < a.paddedRows; r0 += mr) {
            int d = a.panelOffset(k0, r0);
            int rows = Math.min(mr, coutG - r0);
            int image = k0 / geo.flat;
            int n = k0 - image * geo.flat;
            for (int kk = 0; kk < kb; ) {
                int oy = n / geo.planeW;
                int ox = n - oy * geo.planeW;
                int len;
                if (ox < s.outWidth) {
                    len = Math.min(kb - kk, s.outWidth - ox);
                    int src = gOff + ((first + image) * s.outChannels + g * coutG + r0) * plane + oy * s.outWidth + ox;
                    if (rows == mr) {
                        for (int i = 0; i < len; i++, d += mr) {
                            for (int r = 0; r < mr; r++) {
                                a.data[d + r] = gradOut[src + r * plane + i];
                            }
                        }
                    } else {
                        for (int i = 0; i < len; i++, d += mr) {
                            for (int r = 0; r < mr; r++) {
                                a.data[d + r] = r < rows ? gradOut[src + r * plane + i] : 0f;
                            }
                        }
                    }
                } else {
                    len = Math.min(kb - kk, geo.planeW - ox);
                    java.util.Arrays.fill(a.data, d, d + len * mr, 0f);
                    d += len * mr;
                }
                kk += len;
                n += len;
                if (n == geo.flat) {
                    n = 0;
                    image++;
                }
            }
        }
    }

    /**
     * B of a group's GEMM, columns from c0 on: row (b, n), column (tap, ci) is
     * X[b·pixels + n + offset(tap)][ci0 + ci]. Consecutive columns of one tap are consecutive
     * floats (and so are the last channel of a tap and the first of the next one when their
     * pixels are neighbours), so most vector-wide pieces of a panel row are one vector copy.
     */
    private static final class ChannelsLastPacker implements BPanelPacker {
        private float[] x;
        private Geometry geo;
        private int cin;
        private int ci0;
        private int cinG;
        private int c0;
        /** Per column of the current panel: its source offset from the row's start, -1 past the last column. */
        private final int[] colSrc = new int[GemmSimd.NR];
        /** Per vector of the current panel: whether its columns read consecutive floats. */
        private final boolean[] contiguous = new boolean[GemmSimd.NV];

        void reset(float[] x, Geometry geo, int cin, int ci0, int cinG, int c0) {
            this.x = x;
            this.geo = geo;
            this.cin = cin;
            this.ci0 = ci0;
            this.cinG = cinG;
            this.c0 = c0;
        }

        @Override
        public void pack(int k0, int kb, int n0, int nb, int nr, float[] dst) {
            int d = 0;
            for (int j0 = 0; j0 < nb; j0 += nr) {
                int cols = Math.min(nr, nb - j0);
                for (int c = 0; c < nr; c++) {
                    int col = c0 + n0 + j0 + c;
                    int tap = col / cinG;
                    colSrc[c] = c < cols ? geo.tapOffsets[tap] * cin + ci0 + col - tap * cinG : -1;
                }
                for (int v = 0; v < nr / LANES; v++) {
                    boolean run = true;
                    for (int i = 0; i < LANES; i++) {
                        int c = v * LANES + i;
                        run &= colSrc[c] >= 0 && colSrc[c] == colSrc[v * LANES] + i;
                    }
                    contiguous[v] = run;
                }
                int image = k0 / geo.flat;
                int pos = k0 - image * geo.flat;
                for (int kk = 0; kk < kb; kk++, d += nr) {
                    int row = (image * geo.pixels + pos) * cin;
                    for (int v = 0, c = 0; v < nr / LANES; v++, c += LANES) {
                        if (contiguous[v]) {
                            FloatVector.fromArray(F, x, row + colSrc[c]).intoArray(dst, d + c);
                        } else {
                            for (int i = c; i < c + LANES; i++) {
                                dst[d + i] = colSrc[i] < 0 ? 0f : x[row + colSrc[i]];
                            }
                        }
                    }
                    if (++pos == geo.flat) {
                        pos = 0;
                        image++;
                    }
                }
            }
        }
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
        float[][] a = new float[0][];
        float[] zeroBias = new float[0];
        float[] c = new float[0];

        float[] x(int size) {
            if (x.length < size) {
                x = new float[size];
            }
            return x;
        }

        float[][] a(int groups, int size) {
            if (a.length < groups) {
                a = java.util.Arrays.copyOf(a, groups);
            }
            for (int g = 0; g < groups; g++) {
                if (a[g] == null || a[g].length < size) {
                    a[g] = new float[size];
                }
            }
            return a;
        }

        float[] zeroBias(int size) {
            if (zeroBias.length < size) {
                zeroBias = new float[size];
            }
            return zeroBias;
        }

        float[] c(int size) {
            if (c.length < size) {
                c = new float[size];
            }
            return c;
        }
    }

    /** Scratch of one task. */
    private static final class TaskBuffers {
        final ChannelsLastPacker packer = new ChannelsLastPacker();
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
