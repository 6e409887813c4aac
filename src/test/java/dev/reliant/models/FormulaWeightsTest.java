package dev.reliant.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.graph.Graph;
import dev.reliant.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Values checked against an independent computation (Python's zlib.crc32 and struct float32 rounding). */
class FormulaWeightsTest {

    @Test
    void seedIsTheCrc32OfTheName() {
        assertThat(FormulaWeights.seed("conv1.weight")).isEqualTo(3410522421L);
        assertThat(FormulaWeights.seed("input")).isEqualTo(3626513111L);
        assertThat(FormulaWeights.seed("bn1.running_var")).isEqualTo(2953957760L);
    }

    @Test
    void uWrapsModulo2To32WithoutOverflow() {
        long s = 0xFFFF_FFFFL;
        assertThat(FormulaWeights.u(s, 0)).isEqualTo(s / 4294967296.0);
        assertThat(FormulaWeights.u(0, 1)).isEqualTo(2654435761L / 4294967296.0);
        assertThat(FormulaWeights.u(s, 30_000_000L)).isBetween(0.0, 1.0);
    }

    @Test
    void fillsEachKindOfTensorByItsRule() {
        Graph g = ModelZoo.build("resnet20");
        FormulaWeights.fill(g);
        Tensor conv = g.parameter("conv1.weight");
        assertThat(conv.data()[0]).isEqualTo(0x1.1be8eep-2f);
        assertThat(conv.data()[1]).isEqualTo(-0x1.536a86p-4f);
        assertThat(conv.data()[431]).isEqualTo(-0x1.41c222p-2f);
        Tensor var = g.parameter("bn1.running_var");
        assertThat(var.data()[0]).isEqualTo(0x1.3011d2p+0f);
        assertThat(var.data()[15]).isEqualTo(0x1.7551f2p+0f);
        Tensor bias = g.parameter("linear.bias");
        assertThat(bias.data()[0]).isEqualTo(-0x1.4c5e4ep-6f);
        assertThat(bias.data()[9]).isEqualTo(0x1.798c84p-4f);
        // batch-norm weights lie in [0.8, 1.2), running variances in [0.5, 1.5)
        for (float w : g.parameter("layer3.2.bn2.weight").data()) {
            assertThat(w).isBetween(0.8f, 1.2f);
        }
    }

    @Test
    void batchNormRoleNeedsARunningMeanBeside() {
        Graph g = ModelZoo.build("resnet20");
        assertThat(FormulaWeights.batchNormRole("bn1.weight", g.parameters())).isEqualTo("weight");
        assertThat(FormulaWeights.batchNormRole("layer1.0.bn2.running_var", g.parameters())).isEqualTo("running_var");
        assertThat(FormulaWeights.batchNormRole("linear.weight", g.parameters())).isNull();
        assertThat(FormulaWeights.batchNormRole("linear.bias", g.parameters())).isNull();
    }

    @Test
    void inputFollowsTheInputRule() {
        Tensor in = FormulaWeights.input(4, 3, 32, 32);
        assertThat(in.shape()).containsExactly(4, 3, 32, 32);
        assertThat(in.data()[0]).isEqualTo(0x1.60a0ccp+0f);
        assertThat(in.data()[12287]).isEqualTo(0x1.060f4ap-1f);
    }
}
