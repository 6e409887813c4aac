package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Spec B.2 on quantized weights. Tolerances are 5 standard errors for n = 200,000 draws: the
 * sample std of ε has relative std error 1/sqrt(2n), the sample median std error
 * sqrt(π/2)·σ/sqrt(n).
 */
class LogNormalNoiseTest {
    private static final int N = 200_000;

    /** 4-bit levels of B.1 (±k/8, k = 1..8), random, with one weight at +1 so hi = 1. */
    private static float[] fourBitWeights(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] w = new float[N];
        for (int i = 0; i < N; i++) {
            w[i] = (rng.nextBoolean() ? 1 : -1) * (1 + rng.nextInt(8)) / 8f;
        }
        w[0] = 1;
        return w;
    }

    private static int signChanges(float[] w, float[] out) {
        int n = 0;
        for (int i = 0; i < w.length; i++) {
            n += Math.signum(w[i]) != Math.signum(out[i]) ? 1 : 0;
        }
        return n;
    }

    private static int above(float[] out, float cap) {
        int n = 0;
        for (float v : out) {
            n += Math.abs(v) > cap ? 1 : 0;
        }
        return n;
    }

    @Test
    void sigmaIsTheTableEntryTimesVarScale() {
        assertThat(new LogNormalNoise(1, 1).sigma()).isEqualTo(0.08164);
        assertThat(new LogNormalNoise(2, 1).sigma()).isEqualTo(0.12542);
        assertThat(new LogNormalNoise(3, 2).sigma()).isCloseTo(0.4124, within(1e-15));
        assertThat(new LogNormalNoise(4, 3).sigma()).isCloseTo(3 * 0.34597, within(1e-15));
        assertThat(new LogNormalNoise(8, 4).sigma()).isCloseTo(4 * 0.369039, within(1e-15));
    }

    @Test
    void signNeverChangesAndMagnitudesNeverExceedTheSignedMaximum() {
        float[] w = fourBitWeights(1);
        w[1] = -1; // also a negative weight at the cap
        float[] out = NoiseStats.programAndRead(new LogNormalNoise(4, 4), w, null, 2); // sigma 1.38: the cap binds often
        int capped = 0;
        for (int i = 0; i < N; i++) {
            capped += Math.abs(out[i]) == 1f ? 1 : 0;
        }
        assertThat(signChanges(w, out)).isZero();
        assertThat(above(out, 1f)).isZero();
        assertThat(capped).isGreaterThan(N / 10);
    }

    @Test
    void theCapIsTheSignedMaximumNotTheLargestMagnitude() {
        float[] w = new float[N];
        for (int i = 0; i < N; i++) {
            w[i] = i % 2 == 0 ? -1f : 0.5f; // hi = 0.5 while max|W| = 1
        }
        float[] out = NoiseStats.programAndRead(new LogNormalNoise(8, 1), w, null, 3);
        assertThat(above(out, 0.5f)).isZero();
        assertThat(signChanges(w, out)).isZero();
        // a tensor without positive weights keeps its signs (cap max|W|)
        float[] negative = {-0.25f, -1f, -0.5f};
        float[] neg = NoiseStats.programAndRead(new LogNormalNoise(8, 1), negative, null, 4);
        for (int i = 0; i < 3; i++) {
            assertThat(neg[i]).isNegative().isGreaterThanOrEqualTo(-1f);
        }
    }

    @Test
    void oneBitWeightsCanOnlyShrink() {
        float[] w = new float[N];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < N; i++) {
            w[i] = rng.nextBoolean() ? 1f : -1f;
        }
        w[0] = 1;
        float[] out = NoiseStats.programAndRead(new LogNormalNoise(1, 2), w, null, 6);
        assertThat(above(out, 1f)).isZero();
        assertThat(signChanges(w, out)).isZero();
        int shrunk = 0;
        for (int i = 0; i < N; i++) {
            shrunk += Math.abs(out[i]) < 1f ? 1 : 0;
        }
        // half the draws have ε < 0 (binomial std error sqrt(n)/2 = 224, tolerance 5 of them)
        assertThat(shrunk).isCloseTo(N / 2, within(1120));
    }

    @Test
    void uncappedWeightsHaveALogRatioWithMedianZeroAndStdSigma() {
        float[] w = new float[N];
        SplittableRandom rng = new SplittableRandom(7);
        for (int i = 0; i < N; i++) {
            w[i] = rng.nextBoolean() ? 0.125f : -0.125f; // cap 1 needs ε > ln 8 = 6 σ: never in 200k draws
        }
        w[0] = 1;
        LogNormalNoise model = new LogNormalNoise(4, 1);
        double sigma = model.sigma();
        float[] out = NoiseStats.programAndRead(model, w, null, 8);
        double[] logs = new double[N - 1];
        double sum = 0;
        double sumSq = 0;
        for (int i = 1; i < N; i++) {
            double l = Math.log(out[i] / w[i]);
            logs[i - 1] = l;
            sum += l;
            sumSq += l * l;
        }
        Arrays.sort(logs);
        double median = logs[logs.length / 2];
        double mean = sum / logs.length;
        double std = Math.sqrt(sumSq / logs.length - mean * mean);
        assertThat(median).isCloseTo(0, within(5 * Math.sqrt(Math.PI / 2) * sigma / Math.sqrt(N)));
        assertThat(std).isCloseTo(sigma, within(5 * sigma / Math.sqrt(2.0 * N)));
    }

    @Test
    void zeroSigmaLeavesTheWeightsAloneAndVerifiedWeightsUseTheirOwnSigma() {
        float[] w = fourBitWeights(9);
        assertThat(NoiseStats.programAndRead(new LogNormalNoise(4, 0), w, null, 1)).isEqualTo(w);
        byte[] all = new byte[N];
        Arrays.fill(all, (byte) 1);
        LayerMask verified = new LayerMask(all, false);
        assertThat(NoiseStats.programAndRead(new LogNormalNoise(4, 1, 0), w, verified, 1)).isEqualTo(w);
        // with the default (no verified sigma) the mask has no effect
        assertThat(NoiseStats.programAndRead(new LogNormalNoise(4, 1), w, verified, 1))
                .isEqualTo(NoiseStats.programAndRead(new LogNormalNoise(4, 1), w, null, 1));
        float[] zero = {0f, 0.5f, -0.5f};
        assertThat(NoiseStats.programAndRead(new LogNormalNoise(8, 3), zero, null, 1)[0]).isZero();
    }

    @Test
    void undefinedBitWidthsAndBadScalesAreRejected() {
        for (int bits : new int[] {0, 5, 6, 7, 16}) {
            assertThatThrownBy(() -> new LogNormalNoise(bits, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got " + bits);
        }
        assertThatThrownBy(() -> new LogNormalNoise(4, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("var_scale").hasMessageContaining("-1");
        assertThatThrownBy(() -> new LogNormalNoise(4, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("var_scale");
        assertThatThrownBy(() -> new LogNormalNoise(4, 1, -0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("verified sigma");
    }

    @Test
    void applyOnAnArrayDrawsExactlyWhatProgramDraws() {
        float[] w = fourBitWeights(11);
        LogNormalNoise model = new LogNormalNoise(4, 2);
        float[] programmed = new float[N];
        model.program("w", new int[] {N}, w, null, new SplittableRandom(5)).read(programmed, new SplittableRandom(0));
        float[] applied = new float[N];
        LogNormalNoise.apply(w, model.sigma(), new SplittableRandom(5), applied);
        assertThat(applied).containsExactly(programmed);
        assertThat(signChanges(w, applied)).isZero();
        float[] inPlace = w.clone();
        LogNormalNoise.apply(inPlace, 0, new SplittableRandom(5), inPlace);
        assertThat(inPlace).as("sigma 0 leaves the weights untouched").containsExactly(w);
        assertThatThrownBy(() -> LogNormalNoise.apply(w, -1, new SplittableRandom(1), applied))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }
}
