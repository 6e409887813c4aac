package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.reliant.graph.Activations;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.graph.Node;
import dev.reliant.models.ModelZoo;
import dev.reliant.ops.Conv2d;
import dev.reliant.ops.Linear;
import dev.reliant.ops.Op;
import dev.reliant.ops.Parameter;
import dev.reliant.simd.ConvShape;
import dev.reliant.tensor.Tensor;
import dev.reliant.train.Initializer;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ADC quantization of crossbar partial sums per tile of R rows ({@link AdcSpec}, {@link AdcMapping}). */
class AdcTest {

    // ------------------------------------------------------------------ helpers

    private static float[] random(SplittableRandom rng, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
        return a;
    }

    private static float[] forward(Op op, float[] x, int batch) {
        float[] y = new float[batch * op.outputSize()];
        op.forward(new float[][] {x}, new int[] {0}, batch, y, 0);
        return y;
    }

    /** A linear layer 5 → 2 with R = 2 (tiles {0,1}, {2,3}, {4}), worked by hand below. */
    private static Linear handLinear() {
        float[] w = {
            1f, 2f, -1f, 0.5f, 1f,
            -2f, 1f, 3f, 1f, -1f};
        return new Linear(new int[] {5}, new Parameter("fc.weight", Tensor.of(w, 2, 5)),
                new Parameter("fc.bias", Tensor.of(new float[] {0.5f, -1f}, 2)));
    }

    private static final float[] HAND_X = {0.5f, 0.25f, 1f, 1f, 1.25f};

    /**
     * Independent reference for a convolution: im2col column of each output position in (c, u, v)
     * order from the zero-padded input, cut into tiles of R, each tile sum in double; returns the
     * outputs Σ_t spec.quantize(p_t, fs) + b (fs NaN: ideal) and puts max|p_t| into maxAbs[0].
     */
    private static float[] referenceConv(ConvShape s, float[] w, float[] b, float[] x, int batch, AdcSpec spec,
                                         double fs, double[] maxAbs) {
        int depth = s.depth();
        float[] y = new float[batch * s.outputSize()];
        double[] col = new double[depth];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < s.outChannels; o++) {
                int g = o / s.outChannelsPerGroup();
                for (int oy = 0; oy < s.outHeight; oy++) {
                    for (int ox = 0; ox < s.outWidth; ox++) {
                        int k = 0;
                        for (int c = 0; c < s.inChannelsPerGroup(); c++) {
                            for (int u = 0; u < s.kernelHeight; u++) {
                                for (int v = 0; v < s.kernelWidth; v++) {
                                    int iy = oy * s.strideH - s.padH + u * s.dilationH;
                                    int ix = ox * s.strideW - s.padW + v * s.dilationW;
                                    boolean inside = iy >= 0 && iy < s.inHeight && ix >= 0 && ix < s.inWidth;
                                    int ci = g * s.inChannelsPerGroup() + c;
                                    col[k++] = inside
                                            ? x[n * s.inputSize() + (ci * s.inHeight + iy) * s.inWidth + ix] : 0.0;
                                }
                            }
                        }
                        double acc = b == null ? 0 : b[o];
                        for (int t0 = 0; t0 < depth; t0 += spec.rows()) {
                            double p = 0;
                            for (int j = t0; j < Math.min(depth, t0 + spec.rows()); j++) {
                                p += (double) w[o * depth + j] * col[j];
                            }
                            maxAbs[0] = Math.max(maxAbs[0], Math.abs(p));
                            acc += Double.isNaN(fs) ? p : spec.quantize(p, fs);
                        }
                        y[n * s.outputSize() + (o * s.outHeight + oy) * s.outWidth + ox] = (float) acc;
                    }
                }
            }
        }
        return y;
    }

    /** max|p_t| of a linear layer over a batch (tiles of R consecutive inputs). */
    private static double linearMaxPartialSum(Linear l, float[] x, int batch, int rows) {
        float[] w = l.weight().data();
        int in = l.inputShape(0)[0];
        int out = l.outputShape()[0];
        double m = 0;
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                for (int t0 = 0; t0 < in; t0 += rows) {
                    double p = 0;
                    for (int k = t0; k < Math.min(in, t0 + rows); k++) {
                        p += (double) w[o * in + k] * x[n * in + k];
                    }
                    m = Math.max(m, Math.abs(p));
                }
            }
        }
        return m;
    }

    /** Grouped, strided, dilated, padded convolution: 4 → 6 channels, 2 groups, k 3x2, s 2x1, p 1x2, d 2x1. */
    private static Conv2d oddConv(SplittableRandom rng) {
        ConvShape s = new ConvShape(4, 9, 8, 6, 3, 2, 2, 1, 1, 2, 2, 1, 2);
        Conv2d conv = Conv2d.create("conv", s, true);
        System.arraycopy(random(rng, s.weightCount(), -1, 1), 0, conv.weight().data(), 0, s.weightCount());
        System.arraycopy(random(rng, s.outChannels, -0.5, 0.5), 0, conv.bias().data(), 0, s.outChannels);
        conv.weight().markChanged();
        conv.bias().markChanged();
        return conv;
    }

    private static Graph lenet(long seed) {
        Graph g = ModelZoo.build("lenet");
        Initializer.initialize(g, Initializer.Scheme.PYTORCH, seed);
        return g;
    }

    private static int argmax(float[] a, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (a[from + i] > a[from + best]) {
                best = i;
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ transfer function

    @Test
    void midTreadQuantizerRoundsHalfToEvenAndClips() {
        AdcSpec b2 = AdcSpec.calibrated(8, 2); // L = 1: levels −FS, 0, FS
        assertThat(b2.levels()).isEqualTo(1);
        assertThat(b2.quantize(0.4, 1)).isEqualTo(0.0);
        assertThat(b2.quantize(0.5, 1)).isEqualTo(0.0); // tie to even code 0
        assertThat(b2.quantize(0.6, 1)).isEqualTo(1.0);
        assertThat(b2.quantize(5, 1)).isEqualTo(1.0); // clipped
        assertThat(b2.quantize(-7, 1)).isEqualTo(-1.0);
        AdcSpec b4 = AdcSpec.calibrated(8, 4); // L = 7, FS = 7 gives step 1
        assertThat(b4.levels()).isEqualTo(7);
        assertThat(b4.quantize(3.5, 7)).isEqualTo(4.0);
        assertThat(b4.quantize(2.5, 7)).isEqualTo(2.0);
        assertThat(b4.quantize(-2.5, 7)).isEqualTo(-2.0);
        assertThat(b4.quantize(7.49, 7)).isEqualTo(7.0);
        assertThat(b4.quantize(100, 7)).isEqualTo(7.0);
        assertThat(b4.quantize(-100, 7)).isEqualTo(-7.0);
        assertThat(b4.quantize(3, 0)).isEqualTo(0.0); // FS 0: everything is the level 0
        assertThat(AdcSpec.calibrated(1, 16).levels()).isEqualTo(32767); // 2^16 − 1 levels
    }

    // ------------------------------------------------------------------ hand-worked linear layer

    /**
     * R = 2, b = 3 (L = 3), FS = 3 so the step is 1. Row 0: tiles 1·0.5 + 2·0.25 = 1 → 1,
     * −1 + 0.5 = −0.5 → 0 (tie to even), 1.25 → 1; y0 = 1 + 0 + 1 + 0.5 = 2.5 (float: 2.25).
     * Row 1: −1 + 0.25 = −0.75 → −1, 3 + 1 = 4 → clipped to 3, −1.25 → −1; y1 = 1 − 1 = 0 (float 1.0).
     */
    @Test
    void handWorkedLinearWithTwoRowTilesAndThreeBits() {
        Linear fc = handLinear();
        AdcLinear adc = new AdcLinear(fc, AdcSpec.calibrated(2, 3));
        adc.setFullScale(3.0);
        assertThat(adc.tiles()).isEqualTo(3);
        assertThat(forward(adc, HAND_X, 1)).containsExactly(2.5f, 0f);
        assertThat(forward(fc, HAND_X, 1)).containsExactly(2.25f, 1f);
    }

    /**
     * Fixed range, b = 2 (L = 1): FS = c · min(R, K) · max|W| · max|x| = c · 2 · 3 · 1.25 = 7.5c.
     * c = 1: step 7.5, the tile sums 1, −0.5, 1.25 / −0.75, 4, −1.25 give codes 0,0,0 / 0,1,0,
     * so y = (0.5, 7.5 − 1). c = 0.5: step 3.75, codes the same, y = (0.5, 3.75 − 1).
     */
    @Test
    void handWorkedLinearWithFixedRange() {
        Linear fc = handLinear();
        assertThat(forward(new AdcLinear(fc, AdcSpec.fixed(2, 2, 1.0)), HAND_X, 1)).containsExactly(0.5f, 6.5f);
        assertThat(forward(new AdcLinear(fc, AdcSpec.fixed(2, 2, 0.5)), HAND_X, 1)).containsExactly(0.5f, 2.75f);
        // The range follows each image's own max|x|: image 2 is image 1 doubled, so every output but the bias doubles.
        float[] two = new float[10];
        for (int i = 0; i < 5; i++) {
            two[i] = HAND_X[i];
            two[5 + i] = 2 * HAND_X[i];
        }
        assertThat(forward(new AdcLinear(fc, AdcSpec.fixed(2, 2, 1.0)), two, 2))
                .containsExactly(0.5f, 6.5f, 0.5f, 14f);
    }

    @Test
    void partialSumsBeyondTheCalibratedRangeAreClipped() {
        Linear fc = handLinear();
        AdcLinear adc = new AdcLinear(fc, AdcSpec.calibrated(5, 8)); // one tile of all 5 rows
        adc.setFullScale(1.0);
        // Whole sums: row 0 1.75 → clipped to 1; row 1 2.0 → clipped to 1. Outputs: 1 + bias.
        assertThat(forward(adc, HAND_X, 1)).containsExactly(1.5f, 0f);
        float[] small = {0.1f, 0, 0, 0, 0}; // sums 0.1, −0.2: inside the range, step 1/127
        float[] y = forward(adc, small, 1);
        assertThat((double) y[0]).isCloseTo(0.5 + Math.rint(0.1 * 127) / 127, within(1e-6));
        assertThat((double) y[1]).isCloseTo(-1 + Math.rint(-0.2 * 127) / 127, within(1e-6));
    }

    // ------------------------------------------------------------------ equivalence with the float layers

    /**
     * b = 16 and R ≥ K: one tile per output, quantized with FS = its calibrated max, so there is
     * no clipping and the only error is rounding to the step: |error| ≤ Δ/2 = FS / (2·32767) per
     * tile. The float kernels add their own rounding (K products in float FMA order, relative
     * 2^-24 each, well below 1e-5·FS for these K ≤ 784 sums of |terms| ≤ FS·few); the bound
     * checked is Δ/2 + 1e-5·FS per tile.
     */
    @Test
    void sixteenBitsWithOneTileEqualTheFloatConvolution() {
        SplittableRandom rng = new SplittableRandom(11);
        Conv2d conv = oddConv(rng);
        int batch = 3;
        float[] x = random(rng, batch * conv.inputSize(0), -1, 1);
        for (int rows : new int[] {conv.shape().depth(), 1000}) {
            AdcConv2d adc = new AdcConv2d(conv, AdcSpec.calibrated(rows, 16));
            double[] max = {0};
            referenceConv(conv.shape(), conv.weight().data(), conv.bias().data(), x, batch, adc.spec(), Double.NaN, max);
            adc.setFullScale(max[0]);
            float[] expected = forward(conv, x, batch);
            float[] actual = forward(adc, x, batch);
            double tol = max[0] / (2 * 32767) + 1e-5 * max[0];
            for (int i = 0; i < expected.length; i++) {
                assertThat((double) actual[i]).as("rows %d, output %d", rows, i).isCloseTo(expected[i], within(tol));
            }
        }
    }

    /** With several tiles per output (R = 5 of K = 12) b = 16 still differs from float by at most T·Δ/2. */
    @Test
    void sixteenBitsWithManyTilesStayWithinTheirRoundingBound() {
        SplittableRandom rng = new SplittableRandom(12);
        Conv2d conv = oddConv(rng);
        float[] x = random(rng, 2 * conv.inputSize(0), -1, 1);
        AdcConv2d adc = new AdcConv2d(conv, AdcSpec.calibrated(5, 16));
        assertThat(adc.tiles()).isEqualTo(3);
        adc.setFullScale(5.0); // |p_t| <= R·max|w|·max|x| <= 5: no clipping
        float[] expected = forward(conv, x, 2);
        float[] actual = forward(adc, x, 2);
        double tol = 3 * 5.0 / (2 * 32767) + 1e-5;
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).isCloseTo(expected[i], within(tol));
        }
    }

    /**
     * Tiles follow the flattened weight order (c, u, v) per group, also with stride, padding,
     * dilation and groups: the op agrees with an independent im2col reference at b = 3, where a
     * tile cut in the wrong place changes the rounding. Both sum in double in the same order.
     */
    @Test
    void convolutionTilesFollowTheIm2colOrder() {
        SplittableRandom rng = new SplittableRandom(13);
        Conv2d conv = oddConv(rng);
        int batch = 2;
        float[] x = random(rng, batch * conv.inputSize(0), -1, 1);
        for (int rows : new int[] {1, 4, 5, 7}) {
            AdcSpec spec = AdcSpec.calibrated(rows, 3);
            AdcConv2d adc = new AdcConv2d(conv, spec);
            adc.setFullScale(1.5);
            float[] expected = referenceConv(conv.shape(), conv.weight().data(), conv.bias().data(), x, batch, spec,
                    1.5, new double[1]);
            float[] actual = forward(adc, x, batch);
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).as("rows %d, output %d", rows, i).isCloseTo(expected[i], within(1e-6f));
            }
            // ... and differs from the ideal convolution (b = 3 is coarse).
            float[] ideal = forward(conv, x, batch);
            double diff = 0;
            for (int i = 0; i < ideal.length; i++) {
                diff = Math.max(diff, Math.abs(ideal[i] - actual[i]));
            }
            assertThat(diff).as("rows %d", rows).isGreaterThan(0.05);
        }
    }

    // ------------------------------------------------------------------ graphs

    @Test
    void withAdcReplacesEveryLayerAndSharesTheParameters() {
        Graph g = lenet(3);
        Graph a = AdcMapping.withAdc(g, AdcSpec.calibrated(64, 4));
        assertThat(a.size()).isEqualTo(g.size());
        int layers = 0;
        for (Node node : g.nodes()) {
            Op twin = a.node(node.index()).op();
            assertThat(a.node(node.index()).name()).isEqualTo(node.name());
            if (node.op() instanceof Conv2d) {
                assertThat(twin).isInstanceOf(AdcConv2d.class);
                layers++;
            } else if (node.op() instanceof Linear) {
                assertThat(twin).isInstanceOf(AdcLinear.class);
                layers++;
            } else if (node.index() != g.inputNode()) {
                assertThat(twin).isSameAs(node.op());
            }
        }
        assertThat(layers).isEqualTo(5);
        assertThat(AdcMapping.adcLayers(a)).containsOnlyKeys("conv1", "conv2", "fc1", "fc2", "fc3");
        assertThat(a.parameterNames()).isEqualTo(g.parameterNames());
        for (String name : g.parameterNames()) {
            assertThat(a.handle(name)).isSameAs(g.handle(name));
        }
    }

    /** FS of every layer = max|p_t| over tiles, outputs and images of the ideal (float) model on the calibration batch. */
    @Test
    void calibratedFullScaleIsTheLargestPartialSumOfTheBatch() {
        Graph g = lenet(5);
        int n = 12;
        float[] batch = random(new SplittableRandom(6), n * 784, 0, 1);
        // Reference partial sums from the float model's activations, before the ADC graph exists.
        Executor exec = new Executor(g);
        Activations acts = exec.capture(Tensor.of(batch.clone(), n, 1, 28, 28));
        Map<String, Double> expected = new java.util.LinkedHashMap<>();
        int rows = 64;
        for (Node node : g.nodes()) {
            if (node.inputCount() == 0) {
                continue;
            }
            float[] in = acts.output(node.input(0));
            if (node.op() instanceof Conv2d conv) {
                double[] max = {0};
                referenceConv(conv.shape(), conv.weight().data(), null, in, n, AdcSpec.calibrated(rows, 4), Double.NaN,
                        max);
                expected.put(node.name(), max[0]);
            } else if (node.op() instanceof Linear lin) {
                expected.put(node.name(), linearMaxPartialSum(lin, in, n, rows));
            }
        }
        Graph a = AdcMapping.withAdc(g, AdcSpec.calibrated(rows, 4));
        Map<String, Double> fs = AdcMapping.calibrate(a, batch, n);
        assertThat(fs).containsOnlyKeys(expected.keySet());
        // conv1 reads the batch itself: the same double sums, exact. Later layers read float
        // activations that the float kernels and the ideal double twins round differently
        // (relative ~1e-7 per value), so they agree to a relative 1e-5.
        assertThat(fs.get("conv1")).isEqualTo(expected.get("conv1"));
        expected.forEach((name, m) -> assertThat(fs.get(name)).as(name).isCloseTo(m, within(1e-5 * m)));
        assertThat(AdcMapping.fullScales(a)).isEqualTo(fs);
        // A fraction c scales it.
        Graph half = AdcMapping.withAdc(lenet(5), new AdcSpec(rows, 4, AdcSpec.Range.CALIBRATED, 0.5));
        Map<String, Double> fsHalf = AdcMapping.calibrate(half, batch, n);
        fs.forEach((name, v) -> assertThat(fsHalf.get(name)).as(name).isCloseTo(0.5 * v, within(1e-6 * v)));
    }

    /**
     * LeNet (PyTorch init), R = 64, b = 4, calibrated on 32 random images and run on 64 others:
     * the logits move (15 levels per tile, fc1's K = 784 is cut into 13 tiles) but the top class
     * mostly survives. Deterministic (fixed seeds); "majority" is the bound the issue asks for.
     */
    @Test
    void lenetWithFourBitAdcsKeepsMostTopClasses() {
        Graph g = lenet(7);
        SplittableRandom rng = new SplittableRandom(8);
        float[] calib = random(rng, 32 * 784, 0, 1);
        int n = 64;
        float[] test = random(rng, n * 784, 0, 1);
        float[] plain = new float[n * 10];
        new Executor(g).run(test, 0, n, plain, 0);

        Graph a = AdcMapping.withAdc(g, AdcSpec.calibrated(64, 4));
        AdcMapping.calibrate(a, calib, 32);
        float[] adc = new float[n * 10];
        new Executor(a, Executor.Options.fast()).run(test, 0, n, adc, 0);

        double diff = 0;
        int agree = 0;
        for (int i = 0; i < n; i++) {
            agree += argmax(plain, i * 10, 10) == argmax(adc, i * 10, 10) ? 1 : 0;
            for (int c = 0; c < 10; c++) {
                diff = Math.max(diff, Math.abs(plain[i * 10 + c] - adc[i * 10 + c]));
            }
        }
        assertThat(diff).isGreaterThan(1e-3);
        assertThat(agree).isGreaterThan(n / 2);

        // Per image, independent of the batch: image 5 alone gives the same bits.
        float[] one = new float[10];
        new Executor(a).run(test, 5 * 784, 1, one, 0);
        for (int c = 0; c < 10; c++) {
            assertThat(one[c]).isEqualTo(adc[50 + c]);
        }

        // Noise written into the shared weights is seen without any notification but markChanged.
        Parameter w = g.handle("fc3.weight");
        w.data()[0] += 5f;
        w.markChanged();
        float[] noisy = new float[n * 10];
        new Executor(a).run(test, 0, n, noisy, 0);
        assertThat(noisy[0]).isNotEqualTo(adc[0]);
    }

    /** Building from specs stored elsewhere: calibrated ranges copied to a second graph give the same outputs. */
    @Test
    void fullScalesCanBeCopiedToAnotherGraph() {
        float[] calib = random(new SplittableRandom(9), 8 * 784, 0, 1);
        Graph a = AdcMapping.withAdc(lenet(4), AdcSpec.calibrated(32, 5));
        Map<String, Double> fs = AdcMapping.calibrate(a, calib, 8);
        Graph b = AdcMapping.withAdc(lenet(4), AdcSpec.calibrated(32, 5));
        AdcMapping.setFullScales(b, fs);
        float[] ya = new float[80];
        float[] yb = new float[80];
        new Executor(a).run(calib, 0, 8, ya, 0);
        new Executor(b).run(calib, 0, 8, yb, 0);
        assertThat(yb).containsExactly(ya);
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badSpecsAreRejected() {
        assertThatThrownBy(() -> AdcSpec.calibrated(0, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rows").hasMessageContaining("0");
        assertThatThrownBy(() -> AdcSpec.calibrated(64, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bits");
        assertThatThrownBy(() -> AdcSpec.calibrated(64, 17)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("17");
        assertThatThrownBy(() -> AdcSpec.fixed(64, 4, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fraction");
        assertThatThrownBy(() -> AdcSpec.fixed(64, 4, 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AdcSpec.fixed(64, 4, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AdcSpec(64, 4, null, 1)).isInstanceOf(IllegalArgumentException.class);
        for (String bad : new String[] {"64", "a:4", "64:4:foo", "64:4:fixed=x", "64:4:fixed:1", "0:4", "64:20"}) {
            assertThatThrownBy(() -> AdcSpec.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(AdcSpec.parse("64:4")).isEqualTo(AdcSpec.calibrated(64, 4));
        assertThat(AdcSpec.parse("128:6:fixed=0.25")).isEqualTo(AdcSpec.fixed(128, 6, 0.25));
        assertThat(AdcSpec.parse("32:8:calibrated=0.9")).isEqualTo(new AdcSpec(32, 8, AdcSpec.Range.CALIBRATED, 0.9));
        assertThat(AdcSpec.parse(AdcSpec.fixed(16, 3, 0.5).toString())).isEqualTo(AdcSpec.fixed(16, 3, 0.5));
    }

    @Test
    void misuseIsRejected() {
        AdcLinear cal = new AdcLinear(handLinear(), AdcSpec.calibrated(2, 3));
        assertThatThrownBy(() -> forward(cal, HAND_X, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("fc.weight").hasMessageContaining("calibrate");
        assertThatThrownBy(() -> cal.setFullScale(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> cal.setFullScale(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        AdcLinear fixed = new AdcLinear(handLinear(), AdcSpec.fixed(2, 3, 1));
        assertThatThrownBy(() -> fixed.setFullScale(1)).isInstanceOf(IllegalArgumentException.class);

        Graph fixedGraph = AdcMapping.withAdc(lenet(1), AdcSpec.fixed(64, 4, 1));
        assertThatThrownBy(() -> AdcMapping.calibrate(fixedGraph, new float[784], 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FIXED");
        Graph plain = lenet(1);
        assertThatThrownBy(() -> AdcMapping.calibrate(plain, new float[784], 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no ADC layers");
        Graph a = AdcMapping.withAdc(lenet(1), AdcSpec.calibrated(64, 4));
        assertThatThrownBy(() -> AdcMapping.calibrate(a, new float[784], 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n = 2");
        assertThatThrownBy(() -> AdcMapping.setFullScales(a, Map.of("nope", 1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> AdcMapping.withAdc(plain, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
