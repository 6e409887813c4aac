package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.graph.Graph;
import dev.reliant.models.ModelOptions;
import dev.reliant.models.ModelZoo;
import dev.reliant.ops.Parameter;
import dev.reliant.train.Backprop;
import dev.reliant.train.Initializer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The SRAM reparameterisation on LeNet: which tensors train, and how the conv gradient becomes W_S's. */
class SramTrainingTest {
    private static Backprop lenet() {
        Graph g = ModelZoo.entry("lenet").build(ModelOptions.defaults());
        Initializer.initialize(g, Initializer.Scheme.parse("pytorch"), 1);
        return new Backprop(g);
    }

    private static Parameter param(Backprop bp, String name) {
        return bp.parameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void trainsSramWeightsAndNonConvParametersButNotTheRramWeights() {
        Backprop bp = lenet();
        SramTraining t = new SramTraining(bp, new SramPath(2, 1, 1, -3, true), SramTraining.Init.COPY, Double.NaN, null);
        List<String> names = t.trainableParameters(bp).stream().map(Parameter::name).toList();
        assertThat(names).contains("conv1.weight_sram", "conv2.weight_sram", "conv1.bias", "fc1.weight")
                .doesNotContain("conv1.weight", "conv2.weight");
        assertThat(t.trainableGradients(bp)).hasSameSizeAs(names);
        assertThat(t.sramParameters().get(0).data()).containsExactly(param(bp, "conv1.weight").data());
        SramTraining zeros = new SramTraining(bp, new SramPath(2, 1, 1, -3, false), SramTraining.Init.ZEROS,
                Double.NaN, null);
        assertThat(zeros.sramParameters().get(1).data()).containsOnly(0f);
    }

    @Test
    void afterBackwardMovesTheConvGradientToTheSramWeightAndAddsTheGroupLasso() {
        Backprop bp = lenet();
        GroupLasso lasso = new GroupLasso(1e-4, 1.0, 16);
        SramTraining t = new SramTraining(bp, new SramPath(2, 1, 2, -1, true), SramTraining.Init.COPY, 0.005, lasso);
        for (Parameter p : List.of(param(bp, "conv1.weight"), param(bp, "conv2.weight"))) {
            float[] out = new float[p.numel()];
            t.perturb(p, p.data(), out, new SplittableRandom(3));
            Arrays.fill(bp.grad(p), 2f);
        }
        t.afterBackward(bp);
        Parameter ws2 = t.sramParameters().get(1);
        float[] expected = new float[ws2.numel()];
        float[] mask = SramPath.pruneMask(ws2.data(), 0.005);
        for (int i = 0; i < expected.length; i++) {
            expected[i] = 0.25f * mask[i] * 2f; // k/2 = 0.25 for shift −1
        }
        lasso.addGradient(ws2.data(), ws2.shape(), expected);
        assertThat(t.sramGradients().get(1)).containsExactly(expected);
        // the first conv is neither masked nor penalised
        assertThat(t.sramGradients().get(0)).containsOnly(0.5f);
        assertThat(bp.grad(param(bp, "conv1.weight"))).as("W_R is frozen").containsOnly(0f);
        assertThat(t.penalty()).isEqualTo(lasso.penalty(ws2.data(), ws2.shape()));
    }

    @Test
    void rejectsABadThreshold() {
        assertThatThrownBy(() -> new SramTraining(lenet(), new SramPath(2, 1, 1, 0, true), SramTraining.Init.COPY, 2,
                null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2");
        assertThatThrownBy(() -> SramTraining.Init.parse("xavier")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("xavier");
    }
}
