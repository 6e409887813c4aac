package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.reliant.cim.CrossbarMapping.SignScheme;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The per-device simulation: exact residual versus code, noise shaped by the sign scheme, masks
 * at device granularity. Statistical checks use 100,000 weights: the sample std of n Gaussian
 * values has relative standard error 1/sqrt(2n) = 0.22 %, and the tolerance is 5 of them (1.1 %).
 */
class CrossbarNoiseTest {
    private static final int N = 100_000;
    private static final double TOL = 5 / Math.sqrt(2.0 * N);
    private static final float SCALE = 0.8f;

    @Test
    void withoutNoiseTheExactResidualGivesTheFloatWeightAndOtherwiseTheCode() {
        float[] clean = NoiseStats.weights(10_000, SCALE, 1);
        for (SignScheme scheme : SignScheme.values()) {
            CrossbarMapping exact = new CrossbarMapping(8, 2, scheme, true);
            float[] out = NoiseStats.programAndRead(new CrossbarNoise(exact, List.of(new GaussianDevice(0, 0))), clean, null, 2);
            assertThat(out).as("%s exact", scheme).isEqualTo(clean);
            CrossbarMapping coded = new CrossbarMapping(8, 2, scheme, false);
            float[] q = NoiseStats.programAndRead(new CrossbarNoise(coded, List.of()), clean, null, 2);
            for (int i = 0; i < clean.length; i++) {
                float expected = (float) coded.value(coded.code(clean[i], SCALE), SCALE);
                assertThat(q[i]).as("%s weight %d", scheme, i).isEqualTo(expected);
            }
        }
    }

    @Test
    void noiseStdFollowsTheSignificanceOfEverySchemeAndSliceWidth() {
        float[] clean = NoiseStats.weights(N, SCALE, 3);
        double sigma = 0.05;
        for (SignScheme scheme : SignScheme.values()) {
            for (int m : new int[] {1, 4}) {
                CrossbarMapping map = new CrossbarMapping(8, m, scheme, true);
                float[] out = NoiseStats.programAndRead(
                        new CrossbarNoise(map, List.of(new GaussianDevice(sigma, 0))), clean, null, 4 + m);
                double expected = sigma * SCALE * Math.sqrt(map.sumSquaredSignificance());
                assertThat(NoiseStats.noiseStd(clean, out, null)).as("%s m=%d", scheme, m)
                        .isCloseTo(expected, within(TOL * expected));
            }
        }
        // the scheme really changes the noise: a differential pair sqrt(2) and an offset code 2 times SWIM's
        double swim = sigma * SCALE * SwimNoise.SLICE_FACTOR;
        CrossbarMapping offset = new CrossbarMapping(8, 1, SignScheme.OFFSET, true);
        float[] out = NoiseStats.programAndRead(new CrossbarNoise(offset, List.of(new GaussianDevice(sigma, 0))), clean, null, 9);
        assertThat(NoiseStats.noiseStd(clean, out, null)).isCloseTo(2 * swim, within(TOL * 2 * swim));
    }

    @Test
    void aDeviceGranularMaskVerifiesOnlyTheNamedSlices() {
        float[] clean = NoiseStats.weights(N, SCALE, 5);
        byte[] bits = new byte[N];
        java.util.Arrays.fill(bits, (byte) 0b0000_0011); // slices 0 and 1 (weights 1/2, 1/4) verified
        LayerMask mask = new LayerMask(bits, true);
        double devVar = 0.2;
        double writeVar = 0.01;
        double expected = SCALE * Math.sqrt(writeVar * writeVar * (0.25 + 0.0625)
                + devVar * devVar * (1 - Math.pow(0.25, 8) - 3 * (0.25 + 0.0625)) / 3);
        for (SignScheme scheme : new SignScheme[] {SignScheme.SIGN_MAGNITUDE, SignScheme.DIFFERENTIAL}) {
            CrossbarMapping map = new CrossbarMapping(8, 1, scheme, true);
            float[] out = NoiseStats.programAndRead(
                    new CrossbarNoise(map, List.of(new GaussianDevice(devVar, writeVar))), clean, mask, 6);
            double pair = scheme == SignScheme.DIFFERENTIAL ? Math.sqrt(2) : 1; // both devices of a slice verified
            assertThat(NoiseStats.noiseStd(clean, out, null)).as("%s", scheme)
                    .isCloseTo(pair * expected, within(TOL * pair * expected));
        }
        // the same bits read at weight granularity verify every device: std 0.57735·write_var·s
        float[] whole = NoiseStats.programAndRead(SwimNoise.of(devVar, writeVar), clean, new LayerMask(bits, false), 7);
        double all = SwimNoise.SLICE_FACTOR * writeVar * SCALE;
        assertThat(NoiseStats.noiseStd(clean, whole, null)).isCloseTo(all, within(TOL * all));
    }

    @Test
    void programmingIsDeterministicForASeedAndDiffersAcrossSeeds() {
        float[] clean = NoiseStats.weights(1000, SCALE, 8);
        NoiseModel model = new CrossbarNoise(new CrossbarMapping(8, 2, SignScheme.DIFFERENTIAL, false),
                List.of(new GaussianDevice(0.1, 0.01), new StuckDevices(0.01, 0.01)));
        assertThat(NoiseStats.programAndRead(model, clean, null, 11))
                .isEqualTo(NoiseStats.programAndRead(model, clean, null, 11));
        assertThat(NoiseStats.programAndRead(model, clean, null, 11))
                .isNotEqualTo(NoiseStats.programAndRead(model, clean, null, 12));
    }

    @Test
    void badTensorsAndMasksAreRejectedNamingTheTensor() {
        NoiseModel model = SwimNoise.of(0.1, 0.03);
        SplittableRandom rng = new SplittableRandom(1);
        float[] w = {0.1f, -0.2f, 0.3f};
        assertThatThrownBy(() -> model.program("fc.weight", new int[] {2, 2}, w, null, rng))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fc.weight").hasMessageContaining("[2, 2]");
        assertThatThrownBy(() -> model.program("fc.weight", new int[] {3}, w, new LayerMask(new byte[2], false), rng))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mask of 2 weights");
        assertThatThrownBy(() -> model.program("fc.weight", new int[] {3}, new float[] {1, Float.POSITIVE_INFINITY, 0}, null, rng))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-finite");
        NoiseModel sixteen = new CrossbarNoise(new CrossbarMapping(16, 1, SignScheme.OFFSET, true), List.of());
        assertThatThrownBy(() -> sixteen.program("fc.weight", new int[] {3}, w, new LayerMask(new byte[3], true), rng))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16");
        assertThatThrownBy(() -> new CrossbarNoise(CrossbarMapping.swim(), java.util.Arrays.asList((DeviceModel) null)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAllZeroTensorStaysZero() {
        float[] zeros = new float[100];
        float[] out = NoiseStats.programAndRead(
                new CrossbarNoise(CrossbarMapping.swim(), List.of(new GaussianDevice(0.3, 0.03), new ReadNoise(0.1))), zeros, null, 1);
        assertThat(out).containsOnly(0f);
    }

    @Test
    void describeNamesTheMappingAndEveryModel() {
        String d = new CrossbarNoise(new CrossbarMapping(8, 2, SignScheme.OFFSET, false),
                List.of(new GaussianDevice(0.1, 0.03), new StuckDevices(0.001, 0), new ReadNoise(0.02))).describe();
        assertThat(d).contains("N=8", "m=2", "offset", "dev_var=0.1", "stuck(low=0.001", "read(sigma=0.02)");
        assertThat(SwimNoise.of(0.1, 0.03).describe()).isEqualTo("swim(dev_var=0.1, write_var=0.03)");
    }
}
