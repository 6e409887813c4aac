package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Spec A.1: per-weight noise N(0, (0.5773459·σ·max|W|)²), from the per-slice simulation and
 * from the collapsed one-Gaussian form. With n samples the sample std has relative standard
 * error 1/sqrt(2n) and the sample mean standard error std/sqrt(n); every tolerance below is 5
 * standard errors (200,000 samples: 1.1 % of the std).
 */
class SwimNoiseTest {
    private static final int N = 200_000;
    private static final float SCALE = 1.7f;
    private static final double FACTOR = 0.5773459;

    private static double relTol(int n) {
        return 5 / Math.sqrt(2.0 * n);
    }

    @Test
    void sliceFactorIsTheSpecConstant() {
        assertThat(SwimNoise.SLICE_FACTOR).isCloseTo(FACTOR, within(5e-8));
    }

    @Test
    void perSliceSimulationGivesTheSpecStdPerWeight() {
        float[] clean = NoiseStats.weights(N, SCALE, 21);
        double sigma = 0.1;
        float[] out = NoiseStats.programAndRead(SwimNoise.of(sigma, 0.03), clean, null, 22);
        double expected = FACTOR * sigma * SCALE;
        assertThat(NoiseStats.noiseStd(clean, out, null)).isCloseTo(expected, within(relTol(N) * expected));
        assertThat(NoiseStats.noiseMean(clean, out)).isCloseTo(0, within(5 * expected / Math.sqrt(N)));
        // the noise does not depend on the weight: the largest weights get the same std as the small ones
        boolean[] large = new boolean[N];
        int count = 0;
        for (int i = 0; i < N; i++) {
            large[i] = Math.abs(clean[i]) > 0.75 * SCALE;
            count += large[i] ? 1 : 0;
        }
        assertThat(NoiseStats.noiseStd(clean, out, large)).isCloseTo(expected, within(relTol(count) * expected));
    }

    @Test
    void verifiedWeightsGetWriteVarAndTheOthersDevVar() {
        float[] clean = NoiseStats.weights(N, SCALE, 23);
        byte[] bits = new byte[N];
        boolean[] verified = new boolean[N];
        boolean[] unverified = new boolean[N];
        for (int i = 0; i < N; i += 2) {
            bits[i] = 1;
            verified[i] = true;
            unverified[i + 1] = true;
        }
        LayerMask mask = new LayerMask(bits, false);
        double devVar = 0.3;
        double writeVar = 0.03;
        double tol = relTol(N / 2);
        for (NoiseModel model : new NoiseModel[] {SwimNoise.of(devVar, writeVar), SwimNoise.collapsed(devVar, writeVar)}) {
            float[] out = NoiseStats.programAndRead(model, clean, mask, 24);
            double v = FACTOR * writeVar * SCALE;
            double u = FACTOR * devVar * SCALE;
            assertThat(NoiseStats.noiseStd(clean, out, verified)).as(model.describe()).isCloseTo(v, within(tol * v));
            assertThat(NoiseStats.noiseStd(clean, out, unverified)).as(model.describe()).isCloseTo(u, within(tol * u));
        }
    }

    @Test
    void zeroSigmaGivesExactlyTheCleanWeights() {
        float[] clean = NoiseStats.weights(5000, SCALE, 25);
        assertThat(NoiseStats.programAndRead(SwimNoise.of(0, 0), clean, null, 1)).isEqualTo(clean);
        assertThat(NoiseStats.programAndRead(SwimNoise.collapsed(0, 0), clean, null, 1)).isEqualTo(clean);
        byte[] all = new byte[clean.length];
        java.util.Arrays.fill(all, (byte) 1);
        LayerMask verified = new LayerMask(all, false);
        assertThat(NoiseStats.programAndRead(SwimNoise.of(0.3, 0), clean, verified, 1)).isEqualTo(clean);
        assertThat(NoiseStats.programAndRead(SwimNoise.collapsed(0.3, 0), clean, verified, 1)).isEqualTo(clean);
        // and σ > 0 really perturbs
        assertThat(NoiseStats.programAndRead(SwimNoise.of(0.3, 0), clean, null, 1)).isNotEqualTo(clean);
    }

    @Test
    void collapsedAndPerSliceAgreeIncludingDeviceGranularMasks() {
        float[] clean = NoiseStats.weights(N, SCALE, 26);
        SplittableRandom rng = new SplittableRandom(27);
        byte[] bits = new byte[N];
        for (int i = 0; i < N; i++) {
            bits[i] = (byte) rng.nextInt(256);
        }
        double devVar = 0.2;
        double writeVar = 0.02;
        for (LayerMask mask : new LayerMask[] {null, new LayerMask(bits, true)}) {
            float[] slices = NoiseStats.programAndRead(SwimNoise.of(devVar, writeVar), clean, mask, 28);
            float[] collapsed = NoiseStats.programAndRead(SwimNoise.collapsed(devVar, writeVar), clean, mask, 29);
            double a = NoiseStats.noiseStd(clean, slices, null);
            double b = NoiseStats.noiseStd(clean, collapsed, null);
            // the difference of two independent sample stds has std sqrt(2)·σ/sqrt(2n) = σ/sqrt(n)
            assertThat(a - b).isCloseTo(0, within(5 * a / Math.sqrt(N)));
            if (mask == null) {
                // both look Gaussian: a fourth standardised moment of 3 (std error sqrt(24/n) for a Gaussian)
                assertThat(kurtosis(clean, slices)).isCloseTo(3, within(5 * Math.sqrt(24.0 / N)));
                assertThat(kurtosis(clean, collapsed)).isCloseTo(3, within(5 * Math.sqrt(24.0 / N)));
            }
        }
        // per-device masks: the collapsed model's per-byte std against the direct sum over slices
        // (slices 1 and 8 verified, i.e. bits 0 and 7), with max|W| = 1
        double variance = 0;
        for (int i = 1; i <= 8; i++) {
            double s = (i == 1 || i == 8) ? writeVar : devVar;
            variance += Math.pow(4, -i) * s * s;
        }
        float[] ones = new float[N];
        java.util.Arrays.fill(ones, 1f);
        byte[] repeated = new byte[N];
        java.util.Arrays.fill(repeated, (byte) 0b1000_0001);
        LayerMask mask = new LayerMask(repeated, true);
        double expected = Math.sqrt(variance);
        for (NoiseModel model : new NoiseModel[] {SwimNoise.of(devVar, writeVar), SwimNoise.collapsed(devVar, writeVar)}) {
            float[] out = NoiseStats.programAndRead(model, ones, mask, 30);
            assertThat(NoiseStats.noiseStd(ones, out, null)).as(model.describe()).isCloseTo(expected, within(relTol(N) * expected));
        }
    }

    private static double kurtosis(float[] clean, float[] out) {
        double sum2 = 0;
        double sum4 = 0;
        for (int i = 0; i < clean.length; i++) {
            double d = (double) out[i] - clean[i];
            sum2 += d * d;
            sum4 += d * d * d * d;
        }
        double var = sum2 / clean.length;
        return sum4 / clean.length / (var * var);
    }

    @Test
    void sameSeedSameInstanceAndNoReadNoise() {
        float[] clean = NoiseStats.weights(1000, SCALE, 31);
        for (NoiseModel model : new NoiseModel[] {SwimNoise.of(0.1, 0.03), SwimNoise.collapsed(0.1, 0.03)}) {
            ProgrammedWeights p = model.program("w", new int[] {1000}, clean, null, new SplittableRandom(5));
            assertThat(p.hasReadNoise()).isFalse();
            float[] a = new float[1000];
            float[] b = new float[1000];
            p.read(a, new SplittableRandom(1));
            p.read(b, new SplittableRandom(2));
            assertThat(a).isEqualTo(b);
            assertThat(NoiseStats.programAndRead(model, clean, null, 5)).isEqualTo(a);
        }
    }

    @Test
    void negativeOrNanVariancesAreRejected() {
        assertThatThrownBy(() -> SwimNoise.of(-0.1, 0.03))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dev_var").hasMessageContaining("-0.1");
        assertThatThrownBy(() -> SwimNoise.collapsed(0.1, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("write_var").hasMessageContaining("NaN");
        assertThatThrownBy(() -> new GaussianDevice(Double.POSITIVE_INFINITY, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
