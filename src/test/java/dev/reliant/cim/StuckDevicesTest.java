package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.reliant.cim.CrossbarMapping.SignScheme;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Stuck-at-low/high devices: observed rates, their effect through each sign scheme, fixed per instance. */
class StuckDevicesTest {

    @Test
    void observedRatesMatchTheGivenOnes() {
        StuckDevices stuck = new StuckDevices(0.01, 0.03);
        SplittableRandom rng = new SplittableRandom(1);
        int n = 1_000_000;
        int low = 0;
        int high = 0;
        for (int i = 0; i < n; i++) {
            double g = stuck.program(0.5, i % 8, i % 2 == 0, rng);
            if (g == 0) {
                low++;
            } else if (g == 1) {
                high++;
            } else {
                assertThat(g).isEqualTo(0.5);
            }
        }
        // binomial std errors sqrt(p(1-p)/n) = 1.0e-4 and 1.7e-4; tolerance 5 of them
        assertThat(low / (double) n).isCloseTo(0.01, within(5 * Math.sqrt(0.01 * 0.99 / n)));
        assertThat(high / (double) n).isCloseTo(0.03, within(5 * Math.sqrt(0.03 * 0.97 / n)));
    }

    @Test
    void devicesAllStuckGiveTheExtremeCodeOfEachScheme() {
        float[] clean = {0.3f, -0.7f, 1f, 0f};
        byte[] allVerified = {1, 1, 1, 1}; // write-verify cannot move a stuck device
        for (LayerMask mask : new LayerMask[] {null, new LayerMask(allVerified, false)}) {
            // sign-magnitude: every bit set is 255/256 of s with the weight's sign
            float[] sm = read(new CrossbarMapping(8, 1, SignScheme.SIGN_MAGNITUDE, false), new StuckDevices(0, 1), clean, mask);
            assertThat(sm).containsExactly(255 / 256f, -255 / 256f, 255 / 256f, 255 / 256f);
            float[] low = read(new CrossbarMapping(8, 2, SignScheme.SIGN_MAGNITUDE, false), new StuckDevices(1, 0), clean, mask);
            assertThat(low).containsOnly(0f);
            // a differential pair fully on cancels
            float[] diff = read(new CrossbarMapping(8, 4, SignScheme.DIFFERENTIAL, false), new StuckDevices(0, 1), clean, mask);
            assertThat(diff).containsOnly(0f);
            // offset: all devices high is the largest code 127/128, all low the smallest −1
            float[] hi = read(new CrossbarMapping(8, 1, SignScheme.OFFSET, false), new StuckDevices(0, 1), clean, mask);
            assertThat(hi).containsOnly(127 / 128f);
            float[] lo = read(new CrossbarMapping(8, 1, SignScheme.OFFSET, false), new StuckDevices(1, 0), clean, mask);
            assertThat(lo).containsOnly(-1f);
        }
    }

    @Test
    void stuckDevicesOverrideEarlierProgrammingNoiseAndStayFixedAcrossReads() {
        float[] clean = NoiseStats.weights(10_000, 1f, 2);
        CrossbarNoise model = new CrossbarNoise(new CrossbarMapping(8, 1, SignScheme.SIGN_MAGNITUDE, false),
                List.of(new GaussianDevice(0.2, 0), new StuckDevices(0, 1)));
        float[] out = NoiseStats.programAndRead(model, clean, null, 3);
        for (int i = 0; i < clean.length; i++) {
            assertThat(Math.abs(out[i])).isEqualTo(255 / 256f);
        }
        CrossbarNoise partial = new CrossbarNoise(CrossbarMapping.swim(), List.of(new StuckDevices(0.05, 0.05)));
        ProgrammedWeights p = partial.program("w", null, clean, null, new SplittableRandom(4));
        assertThat(p.hasReadNoise()).isFalse();
        float[] a = new float[clean.length];
        float[] b = new float[clean.length];
        p.read(a, new SplittableRandom(5));
        p.read(b, new SplittableRandom(6));
        assertThat(a).isEqualTo(b).isNotEqualTo(clean);
        // a device stuck at its own level changes nothing, so a weight changes with probability
        // 1 − 0.95^8 = 0.337 (binomial std error 47 of 10,000 weights; tolerance 5 of them)
        int changed = 0;
        for (int i = 0; i < clean.length; i++) {
            changed += a[i] != clean[i] ? 1 : 0;
        }
        assertThat(changed).isCloseTo((int) Math.round(10_000 * (1 - Math.pow(0.95, 8))), within(236));
    }

    private static float[] read(CrossbarMapping map, DeviceModel model, float[] clean, LayerMask mask) {
        return NoiseStats.programAndRead(new CrossbarNoise(map, List.of(model)), clean, mask, 7);
    }

    @Test
    void ratesOutsideTheUnitIntervalAreRejected() {
        assertThatThrownBy(() -> new StuckDevices(-0.1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stuck-at-low").hasMessageContaining("-0.1");
        assertThatThrownBy(() -> new StuckDevices(0, 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stuck-at-high").hasMessageContaining("1.5");
        assertThatThrownBy(() -> new StuckDevices(Double.NaN, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StuckDevices(0.6, 0.6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<= 1");
    }
}
