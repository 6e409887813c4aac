package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The ternary mode of specs/cim-swim.md B.5: threshold, scale a, mapping and its straight-through gradient. */
class TernaryQuantizerTest {

    @Test
    void thresholdScaleAndMapping() {
        float[] w = {1.0f, 0.04f, 0.05f, -0.05f, -0.5f, 0.3f, -0.06f, 0f};
        float th = TernaryQuantizer.threshold(w);
        assertThat(th).isEqualTo(0.05f); // 0.05·max|w| with max|w| = 1
        // |w| >= th: 1, 0.05, 0.05, 0.5, 0.3, 0.06 -> a = 1.96 / 6 (up to the float inputs: 1e-6)
        float a = TernaryQuantizer.scale(w, th);
        assertThat(a).isCloseTo(1.96f / 6, within(1e-6f));
        float[] out = new TernaryQuantizer().quantize(w);
        // w >= th -> +a; w < -th -> -a; else 0 (w = -th is counted in a but maps to 0, as the spec reads)
        assertThat(out).containsExactly(a, 0f, a, 0f, -a, a, -a, 0f);
    }

    @Test
    void scaleFollowsTheMaximum() {
        float[] w = {-4f, 0.1f, 2f, -0.2f, 0.3f};
        // th = 0.2: qualifying |w| = 4, 2, 0.2, 0.3 -> a = 6.5 / 4 = 1.625
        assertThat(TernaryQuantizer.threshold(w)).isCloseTo(0.2f, within(1e-7f));
        float[] out = new TernaryQuantizer().quantize(w);
        float a = TernaryQuantizer.scale(w, TernaryQuantizer.threshold(w));
        assertThat(a).isCloseTo(1.625f, within(1e-6f));
        assertThat(out[0]).isEqualTo(-a);
        assertThat(out[1]).isZero();
        assertThat(out[2]).isEqualTo(a);
        assertThat(out[4]).isEqualTo(a);
    }

    @Test
    void zeroTensorStaysZero() {
        float[] out = new TernaryQuantizer().quantize(new float[] {0f, 0f});
        assertThat(out).containsExactly(0f, 0f);
    }

    @Test
    void straightThroughGradientIsZeroWhereMagnitudeReachesOne() {
        float[] w = {0.5f, 1.0f, -1.0f, -0.99f, 2f};
        float[] g = {1f, 2f, 3f, 4f, 5f};
        float[] out = new float[5];
        TernaryQuantizer.straightThroughGradient(w, g, out);
        assertThat(out).containsExactly(1f, 0f, 0f, 4f, 0f);
        TernaryQuantizer.straightThroughGradient(w, g, g); // in place
        assertThat(g).containsExactly(out);
        assertThatThrownBy(() -> TernaryQuantizer.straightThroughGradient(w, new float[4], out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 values");
    }
}
