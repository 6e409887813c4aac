package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** SWIM's per-tensor q_N (specs/cim-swim.md A.2) on hand-worked tensors. */
class SwimQuantizerTest {

    @Test
    void handWorkedExampleRoundsTiesToEven() {
        // max|x| = 1, N = 2: d = 1/4; x/d = 4, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, -3.2 -> 4, 0, 2, 2, -0, -2, -2, -3
        float[] x = {1f, 0.125f, 0.375f, 0.625f, -0.125f, -0.375f, -0.625f, -0.8f};
        float[] out = new SwimQuantizer(2).quantize(x);
        assertThat(out).containsExactly(1f, 0f, 0.5f, 0.5f, -0f, -0.5f, -0.5f, -0.75f);
        assertThat(SwimQuantizer.step(x, 2)).isEqualTo(0.25f);
    }

    @Test
    void negativeMaximumSetsTheRangeAndIsKeptExactly() {
        // max|x| = 6 (negative), N = 3: d = 0.75; x/d = -8, 1.333, 4.5, -0.2 -> -8, 1, 4, -0
        float[] x = {-6f, 1f, 3.375f, -0.15f};
        float[] out = new SwimQuantizer(3).quantize(x);
        assertThat(out).containsExactly(-6f, 0.75f, 3f, -0f);
        assertThat(SwimQuantizer.step(x, 3)).isEqualTo(0.75f);
    }

    @Test
    void zeroRangeReturnsTheInput() {
        float[] x = {0f, -0f, 0f};
        float[] out = {5f, 5f, 5f};
        new SwimQuantizer(4).quantize(x, out);
        assertThat(Float.floatToRawIntBits(out[1])).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(out[0]).isZero();
        assertThat(SwimQuantizer.step(x, 4)).isZero();
        assertThat(SwimQuantizer.step(new float[0], 4)).isZero();
    }

    @Test
    void codesLieInPlusMinusTwoToTheNAndInPlaceWorks() {
        SplittableRandom rng = new SplittableRandom(1);
        float[] x = new float[5000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian() * 0.1f;
        }
        for (int bits : new int[] {1, 4, 6, 8}) {
            float[] w = x.clone();
            float d = SwimQuantizer.step(w, bits);
            new SwimQuantizer(bits).quantize(w, w); // in place
            Set<Float> values = new HashSet<>();
            float max = 0;
            for (int i = 0; i < w.length; i++) {
                double code = w[i] / d;
                // code·d is rounded to float once, so w/d is an integer up to |code|·2^-23 < 1e-4
                assertThat(code).as("N=%d code of %s", bits, x[i]).isCloseTo(Math.rint(code), within(1e-4));
                assertThat(Math.abs(Math.rint(code))).isLessThanOrEqualTo(1 << bits);
                assertThat(Math.abs(w[i] - x[i])).as("error at most d/2").isLessThanOrEqualTo(d / 2 * 1.0001f);
                values.add(w[i] + 0f);
                max = Math.max(max, Math.abs(w[i]));
            }
            assertThat(values.size()).isLessThanOrEqualTo((1 << (bits + 1)) + 1);
            assertThat(max).as("max|q_N(W)| = max|W|").isEqualTo(SwimQuantizer.step(x, bits) * (1 << bits));
        }
    }

    @Test
    void describesItselfAndRejectsBadInput() {
        assertThat(new SwimQuantizer(4).describe()).isEqualTo("q_N(N=4)");
        assertThatThrownBy(() -> new SwimQuantizer(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0");
        assertThatThrownBy(() -> new SwimQuantizer(4).quantize(new float[3], new float[4]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 and 4");
        assertThatThrownBy(() -> new SwimQuantizer(4).quantize(new float[3], new float[3], new int[] {2, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 2]");
    }
}
