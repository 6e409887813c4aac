package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.models.ModelOptions;
import dev.reliant.models.ModelZoo;
import dev.reliant.ops.Parameter;
import dev.reliant.train.Backprop;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Variation-aware training's perturbation (spec B.1 then B.2) on conv weights only. */
class RramTrainingTest {
    private static Parameter conv(long seed) {
        Parameter p = Parameter.zeros("conv1.weight", 8, 4, 3, 3);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < p.numel(); i++) {
            p.data()[i] = (float) rng.nextDouble(-1, 1);
        }
        return p;
    }

    private static float[] perturb(RramTraining t, Parameter p, long seed) {
        float[] out = new float[p.numel()];
        t.perturb(p, p.data(), out, new SplittableRandom(seed));
        return out;
    }

    @Test
    void withoutVariationConvWeightsTakeTheTwoToTheBLevels() {
        for (int bits : new int[] {1, 2, 3}) {
            Parameter p = conv(bits);
            float[] out = perturb(new RramTraining(bits, 0), p, 1);
            Set<Float> levels = new TreeSet<>();
            for (float v : out) {
                levels.add(v);
            }
            assertThat(levels).as("b = %d", bits).hasSize(1 << bits);
            assertThat(out).containsExactly(new LevelQuantizer(bits).quantize(p.data()));
        }
    }

    @Test
    void variationIsAppliedToTheQuantizedWeightsAndNeverFlipsASign() {
        Parameter p = conv(3);
        RramTraining t = new RramTraining(2, 2);
        assertThat(t.sigma()).isEqualTo(LogNormalNoise.devParam(2) * 2);
        float[] out = perturb(t, p, 5);
        float[] expected = new LevelQuantizer(2).quantize(p.data());
        LogNormalNoise.apply(expected, t.sigma(), new SplittableRandom(5), expected);
        assertThat(out).containsExactly(expected);
        int changed = 0;
        for (int i = 0; i < out.length; i++) {
            float q = new LevelQuantizer(2).quantize(p.data()[i]);
            assertThat(Math.signum(out[i])).isEqualTo(Math.signum(q));
            assertThat(Math.abs(out[i])).isLessThanOrEqualTo(1f);
            changed += out[i] != q ? 1 : 0;
        }
        // σ = 0.25: P(ε draws a value that leaves a level unchanged) is zero except at the cap (|q| = 1, ε > 0)
        assertThat(changed).isGreaterThan(out.length / 4);
    }

    @Test
    void deterministicPerSeed() {
        Parameter p = conv(4);
        RramTraining t = new RramTraining(4, 1);
        assertThat(perturb(t, p, 7)).containsExactly(perturb(t, p, 7));
        assertThat(Arrays.equals(perturb(t, p, 7), perturb(t, p, 8))).isFalse();
    }

    @Test
    void onlyConvWeightsArePerturbed() {
        RramTraining t = new RramTraining(2, 1);
        assertThat(t.appliesTo(conv(1))).isTrue();
        assertThat(t.appliesTo(Parameter.zeros("fc1.weight", 10, 20))).isFalse();
        assertThat(t.appliesTo(Parameter.zeros("conv1.bias", 8))).isFalse();
    }

    @Test
    void ternaryModeGivesThreeLevelsAndKeepsSigns() {
        Parameter p = conv(6);
        float[] plain = perturb(RramTraining.ternary(0), p, 1);
        Set<Float> levels = new TreeSet<>();
        for (float v : plain) {
            levels.add(v);
        }
        assertThat(levels).hasSize(3).contains(0f);
        float[] noisy = perturb(RramTraining.ternary(0.3), p, 1);
        float a = levels.stream().max(Float::compare).orElseThrow();
        for (int i = 0; i < noisy.length; i++) {
            assertThat(Math.signum(noisy[i])).isEqualTo(Math.signum(plain[i]));
            assertThat(Math.abs(noisy[i])).isLessThanOrEqualTo(a);
        }
    }

    @Test
    void ternaryBackwardIsZeroWhereTheFloatWeightReachesOne() {
        Backprop bp = new Backprop(ModelZoo.entry("lenet").build(ModelOptions.defaults()));
        Parameter p = bp.parameters().get(0);
        assertThat(p.rank()).isEqualTo(4);
        float[] clean = new float[p.numel()];
        for (int i = 0; i < clean.length; i++) {
            clean[i] = i % 3 == 0 ? 1.5f : i % 3 == 1 ? -1f : 0.2f;
        }
        RramTraining t = RramTraining.ternary(0.2);
        t.perturb(p, clean, new float[clean.length], new SplittableRandom(1));
        Arrays.fill(bp.grad(p), 3f);
        t.afterBackward(bp);
        for (int i = 0; i < clean.length; i++) {
            assertThat(bp.grad(p)[i]).as("index %d", i).isEqualTo(Math.abs(clean[i]) >= 1 ? 0f : 3f);
        }
        new RramTraining(2, 1).afterBackward(bp); // Q_b mode: plain straight-through, nothing changes
        assertThat(bp.grad(p)[2]).isEqualTo(3f);
    }

    @Test
    void rejectsUndefinedBitWidths() {
        assertThatThrownBy(() -> new RramTraining(5, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5");
        assertThatThrownBy(() -> new RramTraining(2, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }
}
