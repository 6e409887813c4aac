package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.reliant.cim.CrossbarMapping.SignScheme;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Read noise is redrawn at every read, programming noise is not. Statistical tolerances: 5
 * standard errors of a sample std over n = 100,000 values (relative 1/sqrt(2n)).
 */
class ReadNoiseTest {
    private static final int N = 100_000;
    private static final double TOL = 5 / Math.sqrt(2.0 * N);

    @Test
    void readsDifferByReadNoiseOnlyAndProgrammingNoiseStaysFixed() {
        float[] clean = NoiseStats.weights(N, 2f, 1);
        double readSigma = 0.05;
        CrossbarNoise model = new CrossbarNoise(new CrossbarMapping(8, 1, SignScheme.DIFFERENTIAL, true),
                List.of(new GaussianDevice(0.1, 0.01), new ReadNoise(readSigma)));
        double factor = Math.sqrt(2 * (1 - Math.pow(0.25, 8)) / 3); // differential pair of SWIM's slices
        assertThat(model.readNoiseFactor()).isCloseTo(readSigma * factor, within(1e-15));
        ProgrammedWeights p = model.program("w", new int[] {N}, clean, null, new SplittableRandom(2));
        assertThat(p.hasReadNoise()).isTrue();
        float[] a = new float[N];
        float[] b = new float[N];
        p.read(a, new SplittableRandom(3));
        p.read(b, new SplittableRandom(4));
        // two reads of one instance differ by two independent read noises: std sqrt(2)·σ_r·factor·s
        double expected = Math.sqrt(2) * readSigma * factor * 2;
        assertThat(NoiseStats.noiseStd(a, b, null)).isCloseTo(expected, within(TOL * expected));
        // same read stream, same read
        float[] again = new float[N];
        p.read(again, new SplittableRandom(3));
        assertThat(again).isEqualTo(a);
        // a second instance with the same programming seed has the same programming noise
        ProgrammedWeights q = model.program("w", new int[] {N}, clean, null, new SplittableRandom(2));
        float[] c = new float[N];
        q.read(c, new SplittableRandom(3));
        assertThat(c).isEqualTo(a);
    }

    @Test
    void readNoiseAloneHasTheComposedStdAroundTheCleanWeights() {
        float[] clean = NoiseStats.weights(N, 0.5f, 5);
        CrossbarNoise model = new CrossbarNoise(CrossbarMapping.swim(), List.of(new ReadNoise(0.03), new ReadNoise(0.04)));
        float[] out = NoiseStats.programAndRead(model, clean, null, 6);
        double expected = 0.05 * SwimNoise.SLICE_FACTOR * 0.5; // sqrt(0.03² + 0.04²) = 0.05
        assertThat(NoiseStats.noiseStd(clean, out, null)).isCloseTo(expected, within(TOL * expected));
        // but programming leaves the weights exact
        ProgrammedWeights p = new CrossbarNoise(CrossbarMapping.swim(), List.of(new ReadNoise(0))).program(
                "w", null, clean, null, new SplittableRandom(7));
        assertThat(p.hasReadNoise()).isFalse();
    }

    @Test
    void negativeOrNanSigmaIsRejected() {
        assertThatThrownBy(() -> new ReadNoise(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> new ReadNoise(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
