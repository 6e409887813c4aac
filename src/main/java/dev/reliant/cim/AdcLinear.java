package dev.reliant.cim;

import dev.reliant.ops.Linear;
import dev.reliant.ops.Parameter;
import dev.reliant.simd.Parallel;

/**
 * The ADC twin of a {@link Linear} layer: {@code y_o = Σ_t ADC(p_t) + b_o} with
 * {@code p_t = Σ_{k in tile t} W[o,k]·x_k}, tile t = k in [t·R, min(K, (t+1)·R)) (see
 * {@link AdcSpec}). Reads the same weight and bias {@link Parameter}s as the layer.
 *
 * <p>Reference speed: plain Java loops (no SIMD, no packing), products and sums in double,
 * images in parallel ({@link Parallel#forEach}); a forward allocates nothing but the loop body.
 */
public final class AdcLinear extends AdcOp {
    private final Parameter weight;
    private final Parameter bias;
    private final int in;
    private final int out;

    public AdcLinear(Linear linear, AdcSpec spec) {
        super(linear, spec, linear.inputShape(0)[0]);
        this.weight = linear.weight();
        this.bias = linear.bias();
        this.in = linear.inputShape(0)[0];
        this.out = linear.outputShape()[0];
    }

    @Override
    public String type() {
        return "AdcLinear";
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
        Parallel.forEach(batch, n -> image(x, xOff + n * in, w, b, wMax, y, outOff + n * out));
    }

    private void image(float[] x, int xOff, float[] w, float[] b, double wMax, float[] y, int yOff) {
        AdcSpec spec = spec();
        int rows = spec.rows();
        boolean ideal = calibrating();
        double fs = fullScaleFor(wMax, spec.range() == AdcSpec.Range.FIXED ? maxAbs(x, xOff, in) : 0.0);
        double seen = 0;
        for (int o = 0; o < out; o++) {
            int row = o * in;
            double acc = b == null ? 0.0 : b[o];
            for (int t0 = 0; t0 < in; t0 += rows) {
                int t1 = Math.min(in, t0 + rows);
                double p = 0;
                for (int k = t0; k < t1; k++) {
                    p += (double) w[row + k] * x[xOff + k];
                }
                seen = Math.max(seen, Math.abs(p));
                acc += ideal ? p : spec.quantize(p, fs);
            }
            y[yOff + o] = (float) acc;
        }
        if (ideal) {
            observe(seen);
        }
    }
}
