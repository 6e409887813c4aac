package dev.reliant.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.ops.Parameter;
import dev.reliant.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The optimizers against double-precision references of the torch.optim formulas, written out
 * here, and the export and import of their state.
 */
class OptimizerTest {
    private static final int STEPS = 6;
    private static final double[] LRS = {0.1, 0.05, 0.08, 0.02, 0.03, 0.01};

    /** A weight of 3×5 (decayed under {@link WeightDecay#weightsOnly()}) and a bias of 3 (exempt). */
    private static List<Parameter> params(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return List.of(new Parameter("fc.weight", Tensor.of(values(r, 15), 3, 5)),
                new Parameter("fc.bias", Tensor.of(values(r, 3), 3)));
    }

    /** Values of magnitude 0.5–1.5 with random signs, so that relative errors are meaningful. */
    private static float[] values(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble(0.5, 1.5) * (r.nextBoolean() ? 1 : -1));
        }
        return a;
    }

    /** The gradient of step k: fixed pseudo-random values. */
    private static void fillGradients(List<float[]> grads, int k) {
        SplittableRandom r = new SplittableRandom(1000 + k);
        for (float[] g : grads) {
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) r.nextDouble(-1, 1);
            }
        }
    }

    private static List<float[]> gradArrays(List<Parameter> ps) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : ps) {
            out.add(new float[p.numel()]);
        }
        return out;
    }

    /** Runs steps [from, to) of the fixed gradient sequence. */
    private static void run(Optimizer opt, List<float[]> grads, int from, int to) {
        for (int k = from; k < to; k++) {
            fillGradients(grads, k);
            opt.step(LRS[k]);
        }
    }

    private static double[][] toDouble(List<Parameter> ps) {
        double[][] out = new double[ps.size()][];
        for (int j = 0; j < ps.size(); j++) {
            float[] d = ps.get(j).data();
            out[j] = new double[d.length];
            for (int i = 0; i < d.length; i++) {
                out[j][i] = d[i];
            }
        }
        return out;
    }

    private static void assertClose(List<Parameter> actual, double[][] expected) {
        for (int j = 0; j < expected.length; j++) {
            float[] a = actual.get(j).data();
            for (int i = 0; i < a.length; i++) {
                double e = expected[j][i];
                assertThat(Math.abs(a[i] - e)).as("%s[%d]: %s vs reference %s", actual.get(j).name(), i, a[i], e)
                        .isLessThanOrEqualTo(1e-6 * Math.abs(e));
            }
        }
    }

    @Test
    void sgdWithMomentumMatchesTheTorchFormulas() {
        for (boolean nesterov : new boolean[] {false, true}) {
            List<Parameter> ps = params(1);
            double[][] ref = toDouble(ps);
            List<float[]> grads = gradArrays(ps);
            Sgd sgd = new Sgd(ps, grads).momentum(0.9).nesterov(nesterov).weightDecay(5e-4)
                    .decayOnly(WeightDecay.weightsOnly());
            double[][] buf = new double[ref.length][];
            for (int k = 0; k < STEPS; k++) {
                fillGradients(grads, k);
                sgd.step(LRS[k]);
                for (int j = 0; j < ref.length; j++) {
                    double wd = j == 0 ? 5e-4 : 0; // the bias is exempt
                    if (buf[j] == null) {
                        buf[j] = new double[ref[j].length];
                    }
                    for (int i = 0; i < ref[j].length; i++) {
                        double d = grads.get(j)[i] + wd * ref[j][i];
                        buf[j][i] = k == 0 ? d : 0.9 * buf[j][i] + d;
                        double u = nesterov ? d + 0.9 * buf[j][i] : buf[j][i];
                        ref[j][i] -= LRS[k] * u;
                    }
                }
            }
            assertClose(ps, ref);
            assertThat(sgd.steps()).isEqualTo(STEPS);
        }
    }

    @Test
    void plainSgdHasNoStateButTheStepCounter() {
        List<Parameter> ps = params(2);
        double[][] ref = toDouble(ps);
        List<float[]> grads = gradArrays(ps);
        Sgd sgd = new Sgd(ps, grads);
        run(sgd, grads, 0, 2);
        for (int k = 0; k < 2; k++) {
            fillGradients(grads, k);
            for (int j = 0; j < ref.length; j++) {
                for (int i = 0; i < ref[j].length; i++) {
                    ref[j][i] -= LRS[k] * grads.get(j)[i];
                }
            }
        }
        assertClose(ps, ref);
        assertThat(sgd.state().keySet()).containsExactly("optimizer.step");
    }

    @Test
    void adamAndAdamWMatchTheTorchFormulas() {
        for (boolean decoupled : new boolean[] {false, true}) {
            List<Parameter> ps = params(3);
            double[][] ref = toDouble(ps);
            List<float[]> grads = gradArrays(ps);
            double wd = 0.05;
            Adam adam = (decoupled ? new AdamW(ps, grads) : new Adam(ps, grads)).betas(0.9, 0.99).eps(1e-8)
                    .weightDecay(wd).decayOnly(WeightDecay.weightsOnly());
            double[][] m = new double[ref.length][];
            double[][] v = new double[ref.length][];
            for (int k = 0; k < STEPS; k++) {
                fillGradients(grads, k);
                adam.step(LRS[k]);
                int t = k + 1;
                for (int j = 0; j < ref.length; j++) {
                    double decay = j == 0 ? wd : 0;
                    if (m[j] == null) {
                        m[j] = new double[ref[j].length];
                        v[j] = new double[ref[j].length];
                    }
                    for (int i = 0; i < ref[j].length; i++) {
                        double d = grads.get(j)[i];
                        if (decoupled) {
                            ref[j][i] -= LRS[k] * decay * ref[j][i];
                        } else {
                            d += decay * ref[j][i];
                        }
                        m[j][i] = 0.9 * m[j][i] + 0.1 * d;
                        v[j][i] = 0.99 * v[j][i] + 0.01 * d * d;
                        double mHat = m[j][i] / (1 - Math.pow(0.9, t));
                        double denom = Math.sqrt(v[j][i]) / Math.sqrt(1 - Math.pow(0.99, t)) + 1e-8;
                        ref[j][i] -= LRS[k] * mHat / denom;
                    }
                }
            }
            assertClose(ps, ref);
            assertThat(adam.name()).isEqualTo(decoupled ? "adamw" : "adam");
        }
    }

    @Test
    void adamWDefaultsToPyTorchsWeightDecayAndDecaysEveryParameterByDefault() {
        List<Parameter> ps = params(4);
        float before = ps.get(1).data()[0];
        List<float[]> grads = gradArrays(ps); // zero gradients: only the decay moves the values
        new AdamW(ps, grads).step(0.5);
        assertThat((double) ps.get(1).data()[0]).isCloseTo(before * (1 - 0.5 * 0.01), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void stepMarksParametersChangedAndZeroGradClearsGradients() {
        List<Parameter> ps = params(5);
        List<float[]> grads = gradArrays(ps);
        long v0 = ps.get(0).version();
        fillGradients(grads, 0);
        Sgd sgd = new Sgd(ps, grads).momentum(0.9);
        sgd.step(0.1);
        assertThat(ps.get(0).version()).isGreaterThan(v0);
        sgd.zeroGrad();
        for (float[] g : grads) {
            for (float x : g) {
                assertThat(x).isZero();
            }
        }
    }

    private static final List<Function<Map.Entry<List<Parameter>, List<float[]>>, Optimizer>> KINDS = List.of(
            e -> new Sgd(e.getKey(), e.getValue()).momentum(0.9).nesterov(true).weightDecay(1e-3),
            e -> new Adam(e.getKey(), e.getValue()).weightDecay(1e-3),
            e -> new AdamW(e.getKey(), e.getValue()));

    @Test
    void stateRoundTripContinuesBitIdentically() {
        for (var kind : KINDS) {
            List<Parameter> straight = params(6);
            List<float[]> g1 = gradArrays(straight);
            Optimizer a = kind.apply(Map.entry(straight, g1));
            run(a, g1, 0, STEPS);

            List<Parameter> first = params(6);
            List<float[]> g2 = gradArrays(first);
            Optimizer b = kind.apply(Map.entry(first, g2));
            run(b, g2, 0, 3);
            Map<String, Tensor> state = b.state();
            // a new optimizer over copies of the parameters, as after reading a checkpoint
            List<Parameter> resumed = new ArrayList<>();
            for (Parameter p : first) {
                resumed.add(new Parameter(p.name(), p.tensor().copy()));
            }
            List<float[]> g3 = gradArrays(resumed);
            Optimizer c = kind.apply(Map.entry(resumed, g3));
            c.loadState(state);
            assertThat(c.steps()).isEqualTo(3);
            run(c, g3, 3, STEPS);

            for (int j = 0; j < straight.size(); j++) {
                UpdateKernelsTwinTest.assertBitEqual(resumed.get(j).data(), straight.get(j).data(),
                        a.name() + " " + straight.get(j).name());
            }
            Map<String, Tensor> sa = a.state();
            Map<String, Tensor> sc = c.state();
            assertThat(sc.keySet()).containsExactlyElementsOf(sa.keySet());
            for (String k : sa.keySet()) {
                UpdateKernelsTwinTest.assertBitEqual(sc.get(k).data(), sa.get(k).data(), a.name() + " " + k);
            }
        }
    }

    @Test
    void stateHasPyTorchNames() {
        List<Parameter> ps = params(7);
        List<float[]> grads = gradArrays(ps);
        Adam adam = new Adam(ps, grads);
        run(adam, grads, 0, 2);
        Map<String, Tensor> s = adam.state();
        assertThat(s.keySet()).containsExactly("optimizer.step", "optimizer.fc.weight.exp_avg",
                "optimizer.fc.weight.exp_avg_sq", "optimizer.fc.bias.exp_avg", "optimizer.fc.bias.exp_avg_sq");
        assertThat(s.get("optimizer.step").data()).containsExactly(2f);
        assertThat(s.get("optimizer.fc.weight.exp_avg").shape()).containsExactly(3, 5);
    }

    @Test
    void badStateIsRejectedWithOneLineAndNothingChanges() {
        List<Parameter> ps = params(8);
        List<float[]> grads = gradArrays(ps);
        Adam adam = new Adam(ps, grads);
        run(adam, grads, 0, 2);
        Map<String, Tensor> good = adam.state();

        Sgd sgd = new Sgd(params(8), gradArrays(ps)).momentum(0.9);
        assertThatThrownBy(() -> sgd.loadState(good)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unexpected tensor 'optimizer.fc.weight.exp_avg'");
        assertThat(sgd.steps()).isZero();

        Map<String, Tensor> missing = new LinkedHashMap<>(good);
        missing.remove("optimizer.fc.bias.exp_avg_sq");
        Adam other = new Adam(params(8), gradArrays(ps));
        assertThatThrownBy(() -> other.loadState(missing)).hasMessageContaining("missing tensor 'optimizer.fc.bias.exp_avg_sq'");

        Map<String, Tensor> wrongShape = new LinkedHashMap<>(good);
        wrongShape.put("optimizer.fc.bias.exp_avg", Tensor.zeros(4));
        assertThatThrownBy(() -> other.loadState(wrongShape)).hasMessageContaining("has shape [4]");

        Map<String, Tensor> noStep = new LinkedHashMap<>(good);
        noStep.remove("optimizer.step");
        assertThatThrownBy(() -> other.loadState(noStep)).hasMessageContaining("missing tensor 'optimizer.step'");
        assertThat(other.steps()).isZero();
        assertThat(other.state().keySet()).containsExactly("optimizer.step");
    }

    @Test
    void invalidSettingsAreRejected() {
        List<Parameter> ps = params(9);
        List<float[]> grads = gradArrays(ps);
        assertThatThrownBy(() -> new Sgd(ps, grads).momentum(1.5)).hasMessageContaining("momentum must be in [0, 1)");
        assertThatThrownBy(() -> new Sgd(ps, grads).weightDecay(-1)).hasMessageContaining("weight decay");
        assertThatThrownBy(() -> new Sgd(ps, grads).step(Double.NaN)).hasMessageContaining("learning rate");
        assertThatThrownBy(() -> new Sgd(ps, grads).nesterov(true).step(0.1)).hasMessageContaining("Nesterov");
        assertThatThrownBy(() -> new Sgd(ps, List.of(new float[15], new float[2])))
                .hasMessageContaining("gradient of fc.bias has 2 values, the parameter has 3");
        assertThatThrownBy(() -> WeightDecay.parse("biases")).hasMessageContaining("expected all or weights");
    }
}
