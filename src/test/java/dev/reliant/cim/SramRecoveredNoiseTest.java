package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The SRAM-recovered effective weight of spec B.3/B.4 on hand values, and the checkpoint format. */
class SramRecoveredNoiseTest {
    /** W_R' = Q_2 of {0.9, -0.3, 0.1, -1} (see RramNoiseTest). */
    private static final float[] RRAM = {1f, -0.5f, 0.5f, -1f};
    private static final float[] SRAM = {0.9f, -0.3f, 0.1f, -1f};

    private static float[] effective(float[] rram, float[] sram, SramRecoveredNoise.Settings s, boolean prune) {
        float[] out = new float[rram.length];
        SramRecoveredNoise.effectiveWeight(rram, sram, s, prune, out);
        return out;
    }

    @Test
    void effectiveWeightIsTheHalfSumWithTheShiftedSramTerm() {
        // shift_bit -1: k = 0.5, Q_s with sram_bit = 2 bits: Q_2(W_S) = {1, -0.5, 0.5, -1}.
        assertThat(effective(RRAM, SRAM, new SramRecoveredNoise.Settings(4, 2, -1, 0), false))
                .containsExactly(0.75f, -0.375f, 0.375f, -0.75f);
        // shift_bit 1: k = 2, Q_1(W_S) = {1, -1, 1, -1}: (W_R' + 2 Q_1) / 2.
        assertThat(effective(RRAM, SRAM, new SramRecoveredNoise.Settings(4, 1, 1, 0), false))
                .containsExactly(1.5f, -1.25f, 1.25f, -1.5f);
        // shift_bit 0: no shifting, so Q_s takes b = 2 bits although sram_bit = 1; k = 1.
        SramRecoveredNoise.Settings noShift = new SramRecoveredNoise.Settings(2, 1, 0, 0);
        assertThat(noShift.sramQuantBits()).isEqualTo(2);
        assertThat(effective(RRAM, SRAM, noShift, false)).containsExactly(1f, -0.5f, 0.5f, -1f);
        assertThat(new SramRecoveredNoise.Settings(4, 3, -3, 0).scale()).isEqualTo(0.125f);
    }

    @Test
    void pruningMasksTheSmallSramWeightsOfTheLayer() {
        float[] ws = {1f, 0.004f, -0.006f, 0.005f, -2f};
        // th 0.005 of max |W_S| = 2: keep |w| > 0.01.
        assertThat(SramRecoveredNoise.pruneMask(ws, 0.005)).containsExactly(1f, 0f, 0f, 0f, 1f);
        assertThat(SramRecoveredNoise.pruneMask(ws, 0.0025)).containsExactly(1f, 0f, 1f, 0f, 1f);
        assertThat(SramRecoveredNoise.pruneMask(ws, 0)).containsOnly(1f);
        SramRecoveredNoise.Settings s = new SramRecoveredNoise.Settings(4, 4, 0, 0.005);
        float[] rr = {0.5f, 0.5f, -0.5f, 0.5f, -1f};
        // Q_4(1) = 1; Q_4(-2) = -2.125 (no clamping: q1 = -8/15, q2 = -31/15, round(-16.53) = -17);
        // pruned positions keep W_R'/2 only.
        assertThat(effective(rr, ws, s, true)).containsExactly(0.75f, 0.25f, -0.25f, 0.25f, -1.5625f);
        // Not pruned (the first SRAM conv): every SRAM term counts; Q_4(0.004) = 0.0625.
        float[] unpruned = effective(rr, ws, s, false);
        assertThat(unpruned[1]).isEqualTo((0.5f + new LevelQuantizer(4).quantize(0.004f)) / 2f);
        assertThat(unpruned[1]).isNotEqualTo(0.25f);
    }

    /** One programmed instance of tensor {@code name} (the noise model looks W_S up by name). */
    private static float[] program(NoiseModel noise, String name, float[] clean, long seed) {
        float[] out = new float[clean.length];
        SplittableRandom rng = new SplittableRandom(seed);
        noise.program(name, new int[] {clean.length}, clean, null, rng).read(out, rng);
        return out;
    }

    private static Map<String, Tensor> checkpoint(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        for (String name : new String[] {"conv1.weight", "conv1.weight_sram", "conv2.weight", "conv2.weight_sram",
            "fc.weight"}) {
            float[] v = new float[2 * 3 * 3 * 3];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rng.nextDouble() * 1.6 - 0.8);
            }
            v[0] = 0.001f; // pruned in conv2 at th 0.05
            t.put(name, Tensor.of(v, 2, 3, 3, 3));
        }
        return t;
    }

    private static final Map<String, String> META = Map.of("quant_bits", "4", "sram_bit", "2", "shift_bit", "-1",
            "sram_prune_threshold", "0.05");

    @Test
    void varScaleZeroGivesExactlyTheQuantizedHalfSumAndPrunesAllButTheFirstLayer() {
        Map<String, Tensor> t = checkpoint(1);
        SramRecoveredNoise noise = SramRecoveredNoise.fromCheckpoint(t, META, 0);
        assertThat(noise.settings()).isEqualTo(new SramRecoveredNoise.Settings(4, 2, -1, 0.05));
        assertThat(noise.sramWeights().keySet()).containsExactly("conv1.weight", "conv2.weight");
        assertThat(noise.firstLayer()).isEqualTo("conv1.weight");
        LevelQuantizer qb = new LevelQuantizer(4);
        LevelQuantizer qs = new LevelQuantizer(2);
        for (String name : new String[] {"conv1.weight", "conv2.weight"}) {
            float[] wr = t.get(name).data();
            float[] ws = t.get(name + "_sram").data();
            float max = t.get(name + "_sram").maxAbs();
            float[] out = program(noise, name, wr, 3);
            for (int i = 0; i < wr.length; i++) {
                boolean keep = name.equals("conv1.weight") || Math.abs(ws[i]) > 0.05 * max;
                float expected = (qb.quantize(wr[i]) + (keep ? 0.5f * qs.quantize(ws[i]) : 0f)) / 2f;
                assertThat(out[i]).as("%s[%d]", name, i).isEqualTo(expected);
            }
            assertThat(out[0]).isEqualTo(name.equals("conv1.weight")
                    ? (qb.quantize(wr[0]) + 0.5f * qs.quantize(ws[0])) / 2f : qb.quantize(wr[0]) / 2f);
        }
        // A weight without an SRAM path is a plain RRAM weight: Q_b, not halved.
        float[] fc = t.get("fc.weight").data();
        float[] out = program(noise, "fc.weight", fc, 3);
        for (int i = 0; i < fc.length; i++) {
            assertThat(out[i]).isEqualTo(qb.quantize(fc[i]));
        }
        // The first layer named explicitly (module order) moves the pruning exemption.
        SramRecoveredNoise other = SramRecoveredNoise.fromCheckpoint(t, META, 0, "conv2.weight");
        assertThat(other.pruned("conv1.weight")).isTrue();
        assertThat(other.pruned("conv2.weight")).isFalse();
    }

    @Test
    void variationPerturbsOnlyTheRramTerm() {
        Map<String, Tensor> t = checkpoint(2);
        SramRecoveredNoise noise = SramRecoveredNoise.fromCheckpoint(t, Map.of("quant_bits", "4", "sram_bit", "2",
                "shift_bit", "-1"), 2);
        float[] wr = t.get("conv1.weight").data();
        float[] ws = t.get("conv1.weight_sram").data();
        float[] out = program(noise, "conv1.weight", wr, 9);
        float[] q = noise.rram().quantize(wr);
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : q) {
            hi = Math.max(hi, v);
        }
        LevelQuantizer qs = new LevelQuantizer(2);
        int changed = 0;
        for (int i = 0; i < wr.length; i++) {
            // Recover W_R' = 2 W - k Q_s(W_S) (exact: k = 0.5 and the values are dyadic or rounded once).
            float rr = 2 * out[i] - 0.5f * qs.quantize(ws[i]);
            assertThat(Math.signum(rr)).isEqualTo(Math.signum(q[i]));
            assertThat(Math.abs(rr)).isLessThanOrEqualTo(hi * (1 + 1e-6f));
            changed += Math.abs(rr - q[i]) > 1e-6 ? 1 : 0;
        }
        assertThat(changed).isGreaterThan(wr.length / 2);
        assertThat(noise.describe()).contains("rram(bits=4, var_scale=2)", "sram(bits=2, shift_bit=-1");
    }

    @Test
    void checkpointHelpersAndBadInput() {
        Map<String, Tensor> t = checkpoint(1);
        assertThat(SramRecoveredNoise.hasSram(t)).isTrue();
        Map<String, Tensor> plain = SramRecoveredNoise.withoutSram(t);
        assertThat(plain.keySet()).containsExactly("conv1.weight", "conv2.weight", "fc.weight");
        assertThat(SramRecoveredNoise.hasSram(plain)).isFalse();
        assertThat(SramRecoveredNoise.Settings.fromMetadata(new SramRecoveredNoise.Settings(3, 2, -3, 0.005).metadata()))
                .isEqualTo(new SramRecoveredNoise.Settings(3, 2, -3, 0.005));

        assertThatThrownBy(() -> SramRecoveredNoise.fromCheckpoint(t, Map.of("quant_bits", "4", "sram_bit", "2"), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shift_bit");
        assertThatThrownBy(() -> SramRecoveredNoise.fromCheckpoint(t, Map.of("quant_bits", "5", "sram_bit", "2",
                "shift_bit", "0"), 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5");
        assertThatThrownBy(() -> SramRecoveredNoise.fromCheckpoint(t, Map.of("quant_bits", "4", "sram_bit", "x",
                "shift_bit", "0"), 1)).hasMessageContaining("sram_bit");
        assertThatThrownBy(() -> SramRecoveredNoise.fromCheckpoint(t, META, -1)).hasMessageContaining("var_scale");
        assertThatThrownBy(() -> SramRecoveredNoise.fromCheckpoint(plain, META, 1)).hasMessageContaining("no SRAM");
        Map<String, Tensor> bad = new LinkedHashMap<>(t);
        bad.put("conv2.weight_sram", Tensor.zeros(2, 3));
        assertThatThrownBy(() -> SramRecoveredNoise.fromCheckpoint(bad, META, 1)).hasMessageContaining("shape");
        Map<String, Tensor> orphan = new LinkedHashMap<>(t);
        orphan.put("conv9.weight_sram", Tensor.zeros(2, 3, 3, 3));
        assertThatThrownBy(() -> SramRecoveredNoise.fromCheckpoint(orphan, META, 1)).hasMessageContaining("conv9.weight");
    }
}
