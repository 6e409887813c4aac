package dev.reliant.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.graph.Graph;
import dev.reliant.graph.GraphBuilder;
import dev.reliant.models.ModelZoo;
import dev.reliant.ops.Parameter;
import dev.reliant.simd.Parallel;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Whole networks end to end: the gradients of {@link Backprop} against central finite
 * differences of the forward, for L = Σ r·logits with fixed random r.
 *
 * <p>Tolerance: the networks are piecewise linear (ReLU, max pooling; batch norm in training
 * mode is smooth), so a difference quotient is exact unless a probe moves some unit across a
 * kink. The step h = 1e-3 keeps such crossings rare (with 1e-2 they affected most probes of the
 * first layers) while the float rounding of L (about 1e-7 relative) contributes only about
 * 1e-4·|L| to a quotient. Per probe we allow atol 1e-3 + rtol 2e-2; up to 3 % of the probes may
 * miss (a kink crossed), and the relative error of the whole probed gradient vector must stay
 * below 1 %.
 */
class BackpropTest {

    /** Two residual blocks (the second strided, with an option-A shortcut) and a linear head. */
    static Graph twoBlockResNet() {
        GraphBuilder b = new GraphBuilder("resnet-2block");
        int x = b.input(3, 8, 8);
        x = b.relu(b.batchNorm("bn1", b.conv("conv1", x, 4, 3, 1, 1, false)));
        int y = b.relu(b.batchNorm("layer1.0.bn1", b.conv("layer1.0.conv1", x, 4, 3, 1, 1, false)));
        y = b.batchNorm("layer1.0.bn2", b.conv("layer1.0.conv2", y, 4, 3, 1, 1, false));
        x = b.relu(b.add(y, x));
        y = b.relu(b.batchNorm("layer2.0.bn1", b.conv("layer2.0.conv1", x, 8, 3, 2, 1, false)));
        y = b.batchNorm("layer2.0.bn2", b.conv("layer2.0.conv2", y, 8, 3, 1, 1, false));
        int s = b.optionAShortcut("layer2.0.shortcut", x, 2, 2, 2);
        x = b.relu(b.add(y, s));
        x = b.flatten(b.globalAvgPool(x));
        b.linear("linear", x, 5, true);
        return b.build();
    }

    @Test
    void twoBlockResNetGradientsMatchFiniteDifferences() {
        Graph g = twoBlockResNet();
        Initializer.initialize(g, Initializer.Scheme.KAIMING_NORMAL, 3);
        check(g, 4, true, 7);
    }

    @Test
    void lenetGradientsMatchFiniteDifferences() {
        Graph g = ModelZoo.build("lenet");
        Initializer.initialize(g, Initializer.Scheme.PYTORCH, 5);
        check(g, 3, true, 11);
    }

    @Test
    void inferenceModeBatchNormGradientsMatchToo() {
        Graph g = twoBlockResNet();
        Initializer.initialize(g, Initializer.Scheme.KAIMING_NORMAL, 4);
        check(g, 2, false, 13);
    }

    @Test
    void gradientsAreIdenticalForOneAndTwoThreads() {
        Graph g = twoBlockResNet();
        Initializer.initialize(g, Initializer.Scheme.KAIMING_NORMAL, 9);
        float[] x = random(new SplittableRandom(1), 6 * g.node(0).outputSize());
        float[][] first = null;
        for (int threads : new int[] {1, 2}) {
            int saved = Parallel.threads();
            Parallel.setThreads(threads);
            try {
                Backprop bp = new Backprop(g);
                bp.setTraining(false); // running statistics stay as they are between the two runs
                float[] logits = bp.forward(x, 0, 6);
                bp.backward(random(new SplittableRandom(2), logits.length));
                List<float[]> grads = bp.gradients();
                if (first == null) {
                    first = grads.stream().map(float[]::clone).toArray(float[][]::new);
                } else {
                    for (int k = 0; k < grads.size(); k++) {
                        for (int i = 0; i < first[k].length; i++) {
                            assertThat(Float.floatToRawIntBits(grads.get(k)[i]))
                                    .as("parameter %d element %d", k, i).isEqualTo(Float.floatToRawIntBits(first[k][i]));
                        }
                    }
                }
            } finally {
                Parallel.setThreads(saved);
            }
        }
    }

    @Test
    void parameterGradientsAccumulateUntilZeroed() {
        Graph g = ModelZoo.build("lenet");
        Initializer.initialize(g, Initializer.Scheme.PYTORCH, 5);
        Backprop bp = new Backprop(g);
        float[] x = random(new SplittableRandom(3), 2 * g.node(0).outputSize());
        float[] r = random(new SplittableRandom(4), 20);
        bp.forward(x, 0, 2);
        bp.backward(r);
        float[] once = bp.grad(bp.parameters().get(0)).clone();
        bp.forward(x, 0, 2);
        bp.backward(r);
        float[] twice = bp.grad(bp.parameters().get(0));
        for (int i = 0; i < once.length; i++) {
            assertThat(twice[i]).isEqualTo(once[i] * 2);
        }
        bp.zeroGrad();
        assertThat(bp.grad(bp.parameters().get(0))).containsOnly(0f);
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return a;
    }

    private static void check(Graph g, int batch, boolean training, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Backprop bp = new Backprop(g);
        bp.setTraining(training);
        bp.wantInputGradient(true);
        float[] x = random(rng, batch * g.node(0).outputSize());
        float[] logits = bp.forward(x, 0, batch);
        float[] r = random(rng, logits.length);
        bp.backward(r);
        double h = 1e-3;
        int probes = 0;
        int misses = 0;
        double errSq = 0;
        double normSq = 0;
        for (Parameter p : bp.parameters()) {
            float[] analytic = bp.grad(p).clone();
            float[] v = p.data();
            int stride = Math.max(1, v.length / 40);
            for (int e = 0; e < v.length; e += stride) {
                float saved = v[e];
                v[e] = (float) (saved + h);
                p.markChanged();
                double plus = loss(bp, x, batch, r);
                v[e] = (float) (saved - h);
                p.markChanged();
                double minus = loss(bp, x, batch, r);
                v[e] = saved;
                p.markChanged();
                double numeric = (plus - minus) / (2 * h);
                probes++;
                if (Math.abs(analytic[e] - numeric) > 1e-3 + 2e-2 * Math.abs(numeric)) {
                    misses++;
                }
                errSq += (analytic[e] - numeric) * (analytic[e] - numeric);
                normSq += numeric * numeric;
            }
        }
        float[] gx = bp.inputGradient().clone();
        for (int e = 0; e < x.length; e += Math.max(1, x.length / 60)) {
            float saved = x[e];
            x[e] = (float) (saved + h);
            double plus = loss(bp, x, batch, r);
            x[e] = (float) (saved - h);
            double minus = loss(bp, x, batch, r);
            x[e] = saved;
            double numeric = (plus - minus) / (2 * h);
            probes++;
            if (Math.abs(gx[e] - numeric) > 1e-3 + 2e-2 * Math.abs(numeric)) {
                misses++;
            }
            errSq += (gx[e] - numeric) * (gx[e] - numeric);
            normSq += numeric * numeric;
        }
        assertThat(misses).as("probes off by more than the tolerance, of " + probes).isLessThanOrEqualTo(probes * 3 / 100);
        assertThat(Math.sqrt(errSq / normSq)).as("relative error of the probed gradient").isLessThan(1e-2);
    }

    /** L = Σ r·logits; in training mode batch norms use the batch statistics, as in the analytic pass. */
    private static double loss(Backprop bp, float[] x, int batch, float[] r) {
        float[] logits = bp.forward(x, 0, batch);
        double l = 0;
        for (int k = 0; k < r.length; k++) {
            l += (double) r[k] * logits[k];
        }
        return l;
    }
}
