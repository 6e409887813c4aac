package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.reliant.data.Dataset;
import dev.reliant.data.Datasets;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.models.ModelZoo;
import dev.reliant.train.Initializer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link RramNoise} = B.2 variation of B.1-quantized weights, its parser entry, and the conv-only
 * target filter of {@link MonteCarloEvaluator}.
 */
class RramNoiseTest {

    @Test
    void varScaleZeroGivesExactlyTheQuantizedWeights() {
        // Q_2 by hand (B.1): 0.9 -> 1, -0.3 -> -0.5, 0.1 -> 0.5, -1 -> -1, 0 -> 0.5 (1.5 rounds to even 2).
        float[] w = {0.9f, -0.3f, 0.1f, -1f, 0f};
        float[] out = NoiseStats.programAndRead(new RramNoise(2, 0), w, null, 1);
        assertThat(out).containsExactly(1f, -0.5f, 0.5f, -1f, 0.5f);
    }

    @Test
    void variationActsOnTheQuantizedLevelsWithTheLogNormalSigma() {
        // 100,000 weights at 0.1 (Q_4 gives 0.125) and one at 0.97 (Q_4 gives 1, so hi = 1).
        int n = 100_000;
        float[] w = new float[n];
        java.util.Arrays.fill(w, 0.1f);
        w[0] = 0.97f;
        float q = new LevelQuantizer(4).quantize(0.1f);
        assertThat(q).isEqualTo(0.125f);
        RramNoise noise = new RramNoise(4, 1);
        float[] out = NoiseStats.programAndRead(noise, w, null, 7);
        double sum = 0;
        double sq = 0;
        for (int i = 1; i < n; i++) {
            assertThat(out[i]).isPositive().isLessThanOrEqualTo(1f);
            double eps = Math.log(out[i] / q);
            sum += eps;
            sq += eps * eps;
        }
        int m = n - 1;
        double mean = sum / m;
        double std = Math.sqrt(sq / m - mean * mean);
        double sigma = 0.34597;
        assertThat(noise.sigma()).isEqualTo(sigma);
        // The cap hi = 1 binds only for eps > ln 8 = 6 sigma: negligible. Tolerances are 5 standard
        // errors: sigma/sqrt(m) for the mean of eps, sigma/sqrt(2m) for its std.
        assertThat(mean).isCloseTo(0, within(5 * sigma / Math.sqrt(m)));
        assertThat(std).isCloseTo(sigma, within(5 * sigma / Math.sqrt(2.0 * m)));
    }

    @Test
    void signsFollowTheQuantizedWeightsAndMagnitudesStayBelowItsMaximum() {
        SplittableRandom rng = new SplittableRandom(3);
        float[] w = new float[20_000];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rng.nextDouble() * 1.2 - 0.6);
        }
        RramNoise noise = new RramNoise(3, 4);
        float[] q = noise.quantize(w);
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : q) {
            hi = Math.max(hi, v);
        }
        float[] out = NoiseStats.programAndRead(noise, w, null, 5);
        int changed = 0;
        for (int i = 0; i < w.length; i++) {
            assertThat(Math.signum(out[i])).isEqualTo(Math.signum(q[i]));
            assertThat(Math.abs(out[i])).isLessThanOrEqualTo(hi);
            changed += out[i] != q[i] ? 1 : 0;
        }
        assertThat(changed).isGreaterThan(w.length / 2);
    }

    @Test
    void describesAndParsesAndRejectsUndefinedBitsAndNegativeScales() {
        assertThat(new RramNoise(4, 1).describe()).isEqualTo("rram(bits=4, var_scale=1)");
        assertThat(new RramNoise(2, 0.5).describe()).isEqualTo("rram(bits=2, var_scale=0.5)");
        NoiseModel parsed = NoiseModels.parse("rram:bits=8,var_scale=3");
        assertThat(parsed).isInstanceOf(RramNoise.class);
        assertThat(((RramNoise) parsed).bits()).isEqualTo(8);
        assertThat(((RramNoise) parsed).varScale()).isEqualTo(3);
        assertThat(((RramNoise) NoiseModels.parse("rram:bits=1")).varScale()).isEqualTo(1);
        assertThatThrownBy(() -> new RramNoise(5, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5");
        assertThatThrownBy(() -> new RramNoise(4, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("var_scale");
        assertThatThrownBy(() -> NoiseModels.parse("rram:var_scale=1")).hasMessageContaining("bits");
        assertThatThrownBy(() -> NoiseModels.parse("rram:bits=4,sigma=1")).hasMessageContaining("sigma");
        assertThatThrownBy(() -> NoiseModels.parse("rram:bits=6")).hasMessageContaining("6");
    }

    @Test
    void convOnlyFilterProgramsOnlyConvWeightsAndKeepsTheDefault() {
        Graph lenet = ModelZoo.build("lenet");
        Initializer.initialize(lenet, Initializer.Scheme.PYTORCH, 3);
        assertThat(MonteCarloEvaluator.targets(lenet, MonteCarloEvaluator.CONV_ONLY).keySet())
                .containsExactly("conv1.weight", "conv2.weight");
        Dataset data = Datasets.open("fashion-mnist", Path.of("samples/fashion-mnist"), "test").subset(16);
        Set<String> programmed = Collections.synchronizedSet(new HashSet<>());
        NoiseModel recorder = new NoiseModel() {
            @Override
            public ProgrammedWeights program(String name, int[] shape, float[] clean, LayerMask mask,
                                             SplittableRandom rng) {
                programmed.add(name);
                return ProgrammedWeights.fixed(clean);
            }

            @Override
            public String describe() {
                return "recorder";
            }
        };
        MonteCarloEvaluator conv = new MonteCarloEvaluator(() -> copy(lenet), data, Normalization.parse("none"), 8,
                Executor.Options.fast(), MonteCarloEvaluator.CONV_ONLY);
        assertThat(conv.shapes().keySet()).containsExactly("conv1.weight", "conv2.weight");
        MonteCarloEvaluator.Result r = conv.run(recorder, null, 2, 1, null);
        assertThat(programmed).containsExactlyInAnyOrder("conv1.weight", "conv2.weight");
        assertThat(r.correct()).containsOnly(conv.cleanCorrect());

        programmed.clear();
        MonteCarloEvaluator all = new MonteCarloEvaluator(() -> copy(lenet), data, Normalization.parse("none"), 8,
                Executor.Options.fast());
        all.run(recorder, null, 1, 1, null);
        assertThat(programmed).containsExactlyInAnyOrder("conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight",
                "fc3.weight");
    }

    private static Graph copy(Graph g) {
        Graph c = ModelZoo.build("lenet");
        c.loadStateDict(g.parameters(), "copy");
        return c;
    }
}
