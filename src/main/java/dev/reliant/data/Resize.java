package dev.reliant.data;

/**
 * Bilinear resizing of uint8 images, in two flavours of torchvision's {@code Resize}:
 *
 * <ul>
 *   <li>{@link Mode#PIL} — what {@code transforms.Resize(size)} does to a PIL image, which is
 *       what torchvision's data sets (GTSRB included) hand to the transforms: Pillow's {@code
 *       Image.resize(size, BILINEAR)}. When shrinking, Pillow widens the triangle filter by the
 *       scale factor (an antialiased resize; torchvision's {@code antialias} flag does not apply
 *       to PIL images). Reproduced exactly: Pillow's coefficient computation in double precision,
 *       its 22-bit fixed-point coefficients, a horizontal pass rounded and clipped to uint8, then
 *       a vertical pass. Tests compare the bytes with Pillow 9.4.
 *   <li>{@link Mode#TENSOR_NO_ANTIALIAS} — what {@code Resize(size, antialias=False)} does to a
 *       uint8 tensor: {@code torch.nn.functional.interpolate(mode="bilinear",
 *       align_corners=False)} on the float values, then rounded half to even back to uint8.
 *       Per axis: scale {@code (float) in / out}; source coordinate {@code scale × (dst + 0.5) −
 *       0.5} in double, clamped at 0; taps {@code i0 = (int) src}, {@code i1 = min(i0 + 1, in −
 *       1)}; weights {@code l1 = (float) (src − i0)}, {@code l0 = 1f − l1}; value {@code fma(t0,
 *       h0, t1 × h1)} with {@code t = fma(p0, w0, p1 × w1)} along the width — the multiply-adds
 *       fused as in torch's AVX2 kernel, which decides the last bit of some values and so the
 *       rounding of values near .5. Tests compare the bytes with torch 1.13 / torchvision 0.14
 *       (Debian's build, AVX2); another build of torch that does not fuse could differ by one
 *       level in rare pixels.
 * </ul>
 *
 * The two agree when enlarging (up to rounding) and differ when shrinking.
 */
public final class Resize {
    /** The resizing arithmetic to reproduce. */
    public enum Mode {
        /** Pillow's bilinear resize of a PIL image (antialiased when shrinking). */
        PIL,
        /** torch's bilinear interpolation without antialiasing, rounded to uint8. */
        TENSOR_NO_ANTIALIAS
    }

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private Resize() {}

    /** {@code img} resized to {@code height × width} (the same object if the size is unchanged). */
    public static UInt8Image resize(UInt8Image img, int height, int width, Mode mode) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("resize target must be positive, got " + height + "x" + width);
        }
        if (height == img.height() && width == img.width()) {
            return img;
        }
        return mode == Mode.PIL ? pil(img, height, width) : tensor(img, height, width);
    }

    // ---------------------------------------------------------------- Pillow

    /** Coefficients of one axis: for output i, taps bounds[2i] … bounds[2i] + bounds[2i+1] − 1. */
    private static final class Coeffs {
        final int ksize;
        final int[] bounds;
        final int[] k;

        Coeffs(int ksize, int[] bounds, int[] k) {
            this.ksize = ksize;
            this.bounds = bounds;
            this.k = k;
        }
    }

    /** Pillow's {@code precompute_coeffs} + {@code normalize_coeffs_8bpc} for the bilinear filter. */
    private static Coeffs pilCoeffs(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = 1.0 * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] bounds = new int[outSize * 2];
        int[] k = new int[outSize * ksize];
        double[] w = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterscale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            for (int x = 0; x < xmax; x++) {
                double t = Math.abs((x + xmin - center + 0.5) * ss);
                double f = t < 1.0 ? 1.0 - t : 0.0;
                w[x] = f;
                ww += f;
            }
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0.0 ? w[x] / ww : w[x];
                double scaled = v * (1 << PRECISION_BITS);
                k[xx * ksize + x] = (int) (v < 0 ? -0.5 + scaled : 0.5 + scaled);
            }
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = xmax;
        }
        return new Coeffs(ksize, bounds, k);
    }

    private static int clip8(int v) {
        int s = v >> PRECISION_BITS;
        return s < 0 ? 0 : Math.min(s, 255);
    }

    private static UInt8Image pil(UInt8Image img, int outH, int outW) {
        int c = img.channels();
        int inH = img.height();
        int inW = img.width();
        byte[] src = img.pixels();
        byte[] mid = src;
        if (outW != inW) {
            Coeffs cx = pilCoeffs(inW, outW);
            mid = new byte[c * inH * outW];
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < inH; y++) {
                    int row = (ch * inH + y) * inW;
                    int orow = (ch * inH + y) * outW;
                    for (int xx = 0; xx < outW; xx++) {
                        int xmin = cx.bounds[2 * xx];
                        int n = cx.bounds[2 * xx + 1];
                        int kk = xx * cx.ksize;
                        int ss = 1 << (PRECISION_BITS - 1);
                        for (int x = 0; x < n; x++) {
                            ss += (src[row + xmin + x] & 0xFF) * cx.k[kk + x];
                        }
                        mid[orow + xx] = (byte) clip8(ss);
                    }
                }
            }
        }
        if (outH == inH) {
            return new UInt8Image(c, outH, outW, mid);
        }
        Coeffs cy = pilCoeffs(inH, outH);
        byte[] out = new byte[c * outH * outW];
        for (int ch = 0; ch < c; ch++) {
            int plane = ch * inH * outW;
            for (int yy = 0; yy < outH; yy++) {
                int ymin = cy.bounds[2 * yy];
                int n = cy.bounds[2 * yy + 1];
                int kk = yy * cy.ksize;
                int orow = (ch * outH + yy) * outW;
                for (int x = 0; x < outW; x++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int y = 0; y < n; y++) {
                        ss += (mid[plane + (ymin + y) * outW + x] & 0xFF) * cy.k[kk + y];
                    }
                    out[orow + x] = (byte) clip8(ss);
                }
            }
        }
        return new UInt8Image(c, outH, outW, out);
    }

    // ---------------------------------------------------------------- torch, no antialiasing

    /** torch's {@code compute_source_index_and_lambda} for one axis: index0, index1, lambda0, lambda1. */
    private static void torchAxis(int inSize, int outSize, int[] i0, int[] i1, float[] l0, float[] l1) {
        float scale = (float) inSize / outSize;
        for (int d = 0; d < outSize; d++) {
            if (inSize == outSize) {
                i0[d] = d;
                i1[d] = d;
                l0[d] = 1f;
                l1[d] = 0f;
                continue;
            }
            // float scale; source index in double (torch's accumulate type on CPU); float weights
            double real = scale * (d + 0.5) - 0.5;
            if (real < 0) {
                real = 0;
            }
            int idx = (int) real;
            i0[d] = idx;
            i1[d] = idx + (idx < inSize - 1 ? 1 : 0);
            float lambda1 = (float) Math.min(Math.max(real - idx, 0.0), 1.0);
            l1[d] = lambda1;
            l0[d] = 1f - lambda1;
        }
    }

    private static UInt8Image tensor(UInt8Image img, int outH, int outW) {
        int c = img.channels();
        int inH = img.height();
        int inW = img.width();
        byte[] src = img.pixels();
        int[] y0 = new int[outH];
        int[] y1 = new int[outH];
        float[] hy0 = new float[outH];
        float[] hy1 = new float[outH];
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        float[] wx0 = new float[outW];
        float[] wx1 = new float[outW];
        torchAxis(inH, outH, y0, y1, hy0, hy1);
        torchAxis(inW, outW, x0, x1, wx0, wx1);
        byte[] out = new byte[c * outH * outW];
        for (int ch = 0; ch < c; ch++) {
            int base = ch * inH * inW;
            for (int y = 0; y < outH; y++) {
                int r0 = base + y0[y] * inW;
                int r1 = base + y1[y] * inW;
                int orow = (ch * outH + y) * outW;
                for (int x = 0; x < outW; x++) {
                    // torch: t0 * w0 + t1 * w1 per axis, height outermost; its AVX2 build fuses each
                    // sum into fma(t0, w0, t1 * w1), which decides the last bit
                    float t0 = Math.fma((float) (src[r0 + x0[x]] & 0xFF), wx0[x], (src[r0 + x1[x]] & 0xFF) * wx1[x]);
                    float t1 = Math.fma((float) (src[r1 + x0[x]] & 0xFF), wx0[x], (src[r1 + x1[x]] & 0xFF) * wx1[x]);
                    float v = Math.fma(t0, hy0[y], t1 * hy1[y]);
                    double r = Math.rint(v);
                    out[orow + x] = (byte) (r < 0 ? 0 : Math.min(r, 255));
                }
            }
        }
        return new UInt8Image(c, outH, outW, out);
    }
}
