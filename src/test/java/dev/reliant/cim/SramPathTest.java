package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The SRAM recovery path of spec B.3/B.4 on hand-computed values, its prune mask and its straight-through backward. */
class SramPathTest {
    /** Q_2 of these is {1, −0.5, 0.5, −1} (worked through B.1 by hand). */
    private static final float[] RRAM = {0.9f, -0.3f, 0.2f, -1.0f};
    /** Q_1 of these is {1, −1, −1, 1} (0 maps to −1); Q_2 is {0.5, −0.5, 0.5, 0.5}. */
    private static final float[] SRAM = {0.4f, -0.2f, 0.0f, 0.003f};

    private static float[] eff(SramPath path, float[] mask) {
        float[] out = new float[4];
        path.effectiveWeight(RRAM, SRAM, mask, new SplittableRandom(1), out);
        return out;
    }

    @Test
    void shiftMinusThreeUsesKOneEighthAndSramBits() {
        SramPath path = new SramPath(2, 0, 1, -3, true);
        assertThat(path.shiftFactor()).isEqualTo(0.125f);
        assertThat(path.sramQuantizer().bits()).isEqualTo(1);
        // ((1, −0.5, 0.5, −1) + 0.125·(1, −1, −1, 1)) / 2
        assertThat(eff(path, null)).containsExactly(0.5625f, -0.3125f, 0.1875f, -0.4375f);
    }

    @Test
    void withoutShiftTheSramTermUsesTheRramBitsAndKOne() {
        SramPath path = new SramPath(2, 0, 1, 0, true);
        assertThat(path.shiftFactor()).isEqualTo(1f);
        assertThat(path.sramQuantizer().bits()).isEqualTo(2);
        // ((1, −0.5, 0.5, −1) + (0.5, −0.5, 0.5, 0.5)) / 2
        assertThat(eff(path, null)).containsExactly(0.75f, -0.5f, 0.5f, -0.25f);
        SramPath unhalved = new SramPath(2, 0, 1, 0, false);
        assertThat(eff(unhalved, null)).containsExactly(1.5f, -1f, 1f, -0.5f);
        assertThat(unhalved.gradientScale()).isEqualTo(1f);
        assertThat(new SramPath(2, 0, 3, 2, true).gradientScale()).isEqualTo(2f);
    }

    @Test
    void pruneMaskKeepsWeightsAboveTheThresholdTimesTheLayerMaximum() {
        // th 0.01 of max 0.4 is 0.004: 0.003 and 0 are pruned
        float[] mask = SramPath.pruneMask(SRAM, 0.01);
        assertThat(mask).containsExactly(1f, 1f, 0f, 0f);
        assertThat(SramPath.pruneMask(new float[] {-0.5f, 0.0025f, 0.0026f}, 0.005)).containsExactly(1f, 0f, 1f);
        // the mask multiplies Q_s(W_S): pruned entries keep only W_R'/2
        assertThat(eff(new SramPath(2, 0, 1, -3, true), mask)).containsExactly(0.5625f, -0.3125f, 0.25f, -0.5f);
        assertThatThrownBy(() -> SramPath.pruneMask(SRAM, 1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5");
    }

    @Test
    void rramTermIsTheQuantizedWeightWithLogNormalVariationRedrawnPerSeed() {
        SramPath path = new SramPath(2, 3, 1, 0, true);
        float[] q = new LevelQuantizer(2).quantize(RRAM);
        float[] expected = new float[4];
        LogNormalNoise.apply(q, LogNormalNoise.devParam(2) * 3, new SplittableRandom(9), expected);
        assertThat(path.noisyRram(RRAM, new SplittableRandom(9))).containsExactly(expected);
        assertThat(path.noisyRram(RRAM, new SplittableRandom(10))).isNotEqualTo(expected);
        for (int i = 0; i < 4; i++) {
            assertThat(Math.signum(expected[i])).isEqualTo(Math.signum(q[i]));
        }
    }

    @Test
    void backwardIsTheFiniteDifferenceOfTheStraightThroughSurrogate() {
        // surrogate: W_eff = (W_R' + k·mask·W_S)/2 with Q_s replaced by the identity; L = Σ c·W_eff
        SramPath path = new SramPath(2, 0, 2, -3, true);
        float[] mask = {1, 0, 1, 1};
        double[] c = {0.7, -1.3, 2.1, -0.4};
        float[] grad = new float[4];
        float[] effGrad = new float[4];
        for (int i = 0; i < 4; i++) {
            effGrad[i] = (float) c[i];
        }
        path.addSramGradient(effGrad, mask, grad);
        double h = 1e-3;
        for (int i = 0; i < 4; i++) {
            double[] plus = toDouble(SRAM);
            double[] minus = toDouble(SRAM);
            plus[i] += h;
            minus[i] -= h;
            double fd = (surrogateLoss(plus, mask, c, path.shiftFactor()) - surrogateLoss(minus, mask, c,
                    path.shiftFactor())) / (2 * h);
            assertThat((double) grad[i]).as("dL/dW_S[%d]", i).isCloseTo(fd, within(1e-6));
        }
        assertThat(grad[1]).as("a pruned weight gets no gradient").isZero();
        path.addSramGradient(effGrad, null, grad);
        assertThat(grad[1]).as("gradients add up").isEqualTo(0.125f / 2 * -1.3f);
    }

    @Test
    void rejectsBadConfigurations() {
        assertThatThrownBy(() -> new SramPath(5, 1, 1, 0, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5");
        assertThatThrownBy(() -> new SramPath(2, 1, 0, -1, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sram_bit");
        assertThatThrownBy(() -> new SramPath(2, 1, 1, 40, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("40");
        assertThatThrownBy(() -> new SramPath(2, 0, 1, 0, true).effectiveWeight(RRAM, new float[3], null,
                new float[4])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3");
    }

    private static double surrogateLoss(double[] ws, float[] mask, double[] c, double k) {
        double[] q = {1, -0.5, 0.5, -1};
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += c[i] * (q[i] + k * mask[i] * ws[i]) / 2;
        }
        return sum;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
