package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.data.Dataset;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Graph;
import dev.reliant.graph.GraphBuilder;
import dev.reliant.models.ModelZoo;
import dev.reliant.ops.Parameter;
import dev.reliant.train.Adam;
import dev.reliant.train.Backprop;
import dev.reliant.train.Constant;
import dev.reliant.train.Initializer;
import dev.reliant.train.Trainer;
import dev.reliant.train.WeightPerturbation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** q_N of conv/linear weights and biases, in place, on copies, and per training step (straight-through). */
class QuantizedWeightsTest {

    /** conv (bias) → bn → relu → flatten → linear (bias): layer parameters and batch-norm ones side by side. */
    private static Graph small() {
        GraphBuilder b = new GraphBuilder("small");
        int x = b.input(2, 4, 4);
        x = b.relu(b.batchNorm("bn", b.conv("conv", x, 3, 3, 1, 1, true)));
        b.linear("fc", b.flatten(x), 5, true);
        Graph g = b.build();
        SplittableRandom rng = new SplittableRandom(4);
        for (Parameter p : g.parameters().keySet().stream().map(g::handle).toList()) {
            float[] d = p.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (rng.nextDouble() * 2 - 1) * (p.name().endsWith("running_var") ? 0 : 1)
                        + (p.name().endsWith("running_var") ? 1.5f : 0);
            }
            p.markChanged();
        }
        return g;
    }

    @Test
    void layerParametersAreConvAndLinearWeightsAndBiasesOnly() {
        Graph g = small();
        assertThat(QuantizedWeights.layerParameters(g).stream().map(Parameter::name).toList())
                .containsExactly("conv.weight", "conv.bias", "fc.weight", "fc.bias");
    }

    @Test
    void applyQuantizesInPlaceAndLeavesBatchNormAlone() {
        Graph g = small();
        Map<String, float[]> before = new HashMap<>();
        g.parameters().forEach((k, v) -> before.put(k, v.data().clone()));
        long version = g.handle("conv.weight").version();
        QuantizedWeights.apply(g, 3);
        for (String name : List.of("conv.weight", "conv.bias", "fc.weight", "fc.bias")) {
            float[] expected = new SwimQuantizer(3).quantize(before.get(name));
            assertThat(g.parameter(name).data()).as(name).containsExactly(expected);
            assertThat(g.parameter(name).data()).as(name).isNotEqualTo(before.get(name));
        }
        for (String name : List.of("bn.weight", "bn.bias", "bn.running_mean", "bn.running_var")) {
            assertThat(g.parameter(name).data()).as(name).containsExactly(before.get(name));
        }
        assertThat(g.handle("conv.weight").version()).isGreaterThan(version);
    }

    @Test
    void quantizedCopiesLeaveTheGraphUntouched() {
        Graph g = small();
        float[] w = g.parameter("fc.weight").data().clone();
        Map<String, float[]> q = QuantizedWeights.quantized(g, 4);
        assertThat(q.keySet()).containsExactly("conv.weight", "conv.bias", "fc.weight", "fc.bias");
        assertThat(q.get("fc.weight")).containsExactly(new SwimQuantizer(4).quantize(w));
        assertThat(g.parameter("fc.weight").data()).containsExactly(w);

        Map<String, float[]> named = new LinkedHashMap<>();
        named.put("a", new float[] {1f, 0.3f, -0.6f});
        QuantizedWeights.quantizeInPlace(named, 1); // d = 0.5: 2, 0.6, -1.2 -> 2, 1, -1
        assertThat(named.get("a")).containsExactly(1f, 0.5f, -0.5f);
        named.put("b", null);
        assertThatThrownBy(() -> QuantizedWeights.quantizeInPlace(named, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'b'");
    }

    @Test
    void trainingPerturbationQuantizesThenAddsNoise() {
        Graph g = small();
        Parameter convW = g.handle("conv.weight");
        Parameter bnW = g.handle("bn.weight");
        float[] clean = convW.data().clone();
        float[] expected = new SwimQuantizer(2).quantize(clean);

        QuantizedTraining plain = new QuantizedTraining(g, 2);
        assertThat(plain.appliesTo(convW)).isTrue();
        assertThat(plain.appliesTo(g.handle("fc.bias"))).isTrue();
        assertThat(plain.appliesTo(bnW)).isFalse();
        float[] out = new float[clean.length];
        plain.perturb(convW, clean, out, new SplittableRandom(1));
        assertThat(out).containsExactly(expected);
        assertThat(plain.describe()).isEqualTo("q_N(N=2)");

        // the noise sees the quantized values: here it adds 1 to every element it applies to
        WeightPerturbation plusOne = new WeightPerturbation() {
            @Override
            public boolean appliesTo(Parameter p) {
                return p == convW || p == bnW;
            }

            @Override
            public void perturb(Parameter p, float[] c, float[] o, SplittableRandom rng) {
                for (int i = 0; i < c.length; i++) {
                    o[i] = c[i] + 1f;
                }
            }
        };
        QuantizedTraining noisy = new QuantizedTraining(g, 2, plusOne);
        noisy.perturb(convW, clean, out, new SplittableRandom(1));
        for (int i = 0; i < out.length; i++) {
            assertThat(out[i]).isEqualTo(expected[i] + 1f);
        }
        // a parameter only the noise applies to is noised, not quantized
        assertThat(noisy.appliesTo(bnW)).isTrue();
        float[] bnClean = bnW.data().clone();
        float[] bnOut = new float[bnClean.length];
        noisy.perturb(bnW, bnClean, bnOut, new SplittableRandom(1));
        for (int i = 0; i < bnOut.length; i++) {
            assertThat(bnOut[i]).isEqualTo(bnClean[i] + 1f);
        }
        assertThat(noisy.describe()).isEqualTo("q_N(N=2) + noise");
    }

    @Test
    void quantizationAwareTrainingRunsThroughTheTrainerAndKeepsFloatWeights() {
        Graph g = ModelZoo.build("qlenet");
        Initializer.initialize(g, Initializer.Scheme.PYTORCH, 7);
        int n = 16;
        SplittableRandom rng = new SplittableRandom(2);
        byte[] pixels = new byte[n * 28 * 28];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            for (int p = 0; p < 28 * 28; p++) {
                pixels[i * 28 * 28 + p] = (byte) (rng.nextInt(64) + 20 * labels[i]);
            }
        }
        Dataset data = new Dataset("synthetic", pixels, labels, 1, 28, 28, List.of());
        float[] fc1Before = g.parameter("fc1.weight").data().clone();
        Backprop bp = new Backprop(g);
        // records what the forward ran with: the quantized conv1 weight of each step
        List<float[]> seen = new ArrayList<>();
        WeightPerturbation recorder = new WeightPerturbation() {
            @Override
            public boolean appliesTo(Parameter p) {
                return p.name().equals("conv1.weight");
            }

            @Override
            public void perturb(Parameter p, float[] c, float[] o, SplittableRandom r) {
                seen.add(c.clone());
                System.arraycopy(c, 0, o, 0, c.length);
            }
        };
        Trainer trainer = new Trainer(bp, new Adam(bp.parameters(), bp.gradients()), new Constant(1e-3),
                new Trainer.Settings(1, 8, 11, Normalization.NONE, null, 0, 8))
                .perturbation(new QuantizedTraining(g, 4, recorder));
        Trainer.Evaluation e = trainer.trainEpoch(0, data);
        assertThat(e.loss()).isFinite();
        assertThat(seen).hasSize(2); // two steps of 8 images
        for (float[] w : seen) {
            assertThat(QuantizedModelsTest.distinctValues(w, 0, w.length)).isLessThanOrEqualTo(33);
        }
        float[] fc1 = g.parameter("fc1.weight").data();
        assertThat(fc1).as("the optimizer updated the float weights").isNotEqualTo(fc1Before);
        assertThat(QuantizedModelsTest.distinctValues(fc1, 0, fc1.length)).as("float weights restored, not q_N")
                .isGreaterThan(1000);
    }
}
