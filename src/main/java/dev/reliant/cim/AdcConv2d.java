package dev.reliant.cim;

import dev.reliant.ops.Conv2d;
import dev.reliant.ops.Parameter;
import dev.reliant.simd.ConvShape;
import dev.reliant.simd.Parallel;

/**
 * The ADC twin of a {@link Conv2d}: every output value {@code y[o, oy, ox]} is the dot product
 * of filter o with its im2col column, reduced in tiles of R consecutive k indices of the
 * filter's flattened PyTorch order k = (c·kh + u)·kw + v over C_in/groups·kh·kw, each tile's
 * partial sum digitised ({@link AdcSpec}) before the digital sum with the bias. Zero padding
 * contributes zero products; stride, padding, dilation and groups are those of the layer's
 * {@link ConvShape} (a group's filter sees only its own input channels, so K is per group).
 * Reads the same weight and bias {@link Parameter}s as the layer.
 *
 * <p>Reference speed: a direct convolution in plain Java loops (products and sums in double,
 * per-k offsets tabulated once), images in parallel ({@link Parallel#forEach}); a forward
 * allocates nothing but the loop body. Batch norm after it is not folded (the executor folds
 * only into {@link Conv2d}), which is also the hardware order: BN acts on the digital sum.
 */
public final class AdcConv2d extends AdcOp {
    private final ConvShape s;
    private final Parameter weight;
    private final Parameter bias;
    /** Per k of a filter: input channel within the group, row offset u·dilation, column offset v·dilation. */
    private final int[] kChannel;
    private final int[] kRow;
    private final int[] kCol;

    public AdcConv2d(Conv2d conv, AdcSpec spec) {
        super(conv, spec, conv.shape().depth());
        this.s = conv.shape();
        this.weight = conv.weight();
        this.bias = conv.bias();
        int depth = s.depth();
        kChannel = new int[depth];
        kRow = new int[depth];
        kCol = new int[depth];
        int k = 0;
        for (int c = 0; c < s.inChannelsPerGroup(); c++) {
            for (int u = 0; u < s.kernelHeight; u++) {
                for (int v = 0; v < s.kernelWidth; v++, k++) {
                    kChannel[k] = c;
                    kRow[k] = u * s.dilationH;
                    kCol[k] = v * s.dilationW;
                }
            }
        }
    }

    @Override
    public String type() {
        return "AdcConv2d";
    }

    public ConvShape shape() {
        return s;
    }

    @Override
    protected String describe() {
        return weight.name();
    }

    @Override
    public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] y, int outOff) {
        requireReady();
        float[] x = inputs[0];
        int xOff = inputOffsets[0];
        float[] w = weight.data();
        float[] b = bias == null ? null : bias.data();
        double wMax = spec().range() == AdcSpec.Range.FIXED ? maxAbs(w, 0, w.length) : 0.0;
        int inSize = s.inputSize();
        int outSize = s.outputSize();
        Parallel.forEach(batch, n -> image(x, xOff + n * inSize, w, b, wMax, y, outOff + n * outSize));
    }

    private void image(float[] x, int xOff, float[] w, float[] b, double wMax, float[] y, int yOff) {
        AdcSpec spec = spec();
        int rows = spec.rows();
        boolean ideal = calibrating();
        double fs = fullScaleFor(wMax, spec.range() == AdcSpec.Range.FIXED ? maxAbs(x, xOff, s.inputSize()) : 0.0);
        int depth = s.depth();
        int h = s.inHeight;
        int wd = s.inWidth;
        int plane = h * wd;
        int cpg = s.inChannelsPerGroup();
        int opg = s.outChannelsPerGroup();
        double seen = 0;
        for (int o = 0; o < s.outChannels; o++) {
            int xGroup = xOff + (o / opg) * cpg * plane;
            int filter = o * depth;
            double b0 = b == null ? 0.0 : b[o];
            int yChannel = yOff + o * s.outPlane();
            for (int oy = 0; oy < s.outHeight; oy++) {
                int iy0 = oy * s.strideH - s.padH;
                for (int ox = 0; ox < s.outWidth; ox++) {
                    int ix0 = ox * s.strideW - s.padW;
                    double acc = b0;
                    for (int t0 = 0; t0 < depth; t0 += rows) {
                        int t1 = Math.min(depth, t0 + rows);
                        double p = 0;
                        for (int k = t0; k < t1; k++) {
                            int iy = iy0 + kRow[k];
                            int ix = ix0 + kCol[k];
                            if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                p += (double) w[filter + k] * x[xGroup + kChannel[k] * plane + iy * wd + ix];
                            }
                        }
                        seen = Math.max(seen, Math.abs(p));
                        acc += ideal ? p : spec.quantize(p, fs);
                    }
                    y[yChannel + oy * s.outWidth + ox] = (float) acc;
                }
            }
        }
        if (ideal) {
            observe(seen);
        }
    }
}
