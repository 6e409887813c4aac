package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.reliant.cim.CrossbarMapping.SignScheme;
import org.junit.jupiter.api.Test;

/** Encoding weights to device levels and decoding conductances back, for every scheme and slice width. */
class CrossbarMappingTest {

    @Test
    void everyCodeOfEightBitsRoundTripsForEverySchemeAndSliceWidth() {
        double scale = 0.37;
        for (SignScheme scheme : SignScheme.values()) {
            for (int m : new int[] {1, 2, 4, 8}) {
                CrossbarMapping map = new CrossbarMapping(8, m, scheme, false);
                int devices = map.devicesPerWeight();
                assertThat(devices).isEqualTo((scheme == SignScheme.DIFFERENTIAL ? 2 : 1) * 8 / m);
                int[] levels = new int[devices];
                double[] g = new double[devices];
                int count = 0;
                for (int code = map.minCode(); code <= map.maxCode(); code++) {
                    map.levels(code, levels);
                    for (int d = 0; d < devices; d++) {
                        assertThat(levels[d]).isBetween(0, map.maxLevel());
                        g[d] = levels[d] / (double) map.maxLevel();
                    }
                    double w = map.decode(g, code < 0, scale);
                    assertThat(w).as("%s m=%d code %d", scheme, m, code).isCloseTo(map.value(code, scale), within(1e-12));
                    assertThat(map.code(w, scale)).as("%s m=%d code %d", scheme, m, code).isEqualTo(code);
                    count++;
                }
                assertThat(count).isEqualTo(scheme == SignScheme.OFFSET ? 256 : 511);
            }
        }
    }

    @Test
    void levelsAreTheBitsOfTheStoredCodeMostSignificantSliceFirst() {
        int[] eight = new int[8];
        new CrossbarMapping(8, 1, SignScheme.SIGN_MAGNITUDE, false).levels(-0b10110001, eight);
        assertThat(eight).containsExactly(1, 0, 1, 1, 0, 0, 0, 1);
        int[] four = new int[4];
        new CrossbarMapping(8, 2, SignScheme.SIGN_MAGNITUDE, false).levels(0b11100100, four);
        assertThat(four).containsExactly(3, 2, 1, 0);
        CrossbarMapping offset = new CrossbarMapping(8, 4, SignScheme.OFFSET, false);
        int[] two = new int[2];
        offset.levels(-128, two);
        assertThat(two).containsExactly(0, 0);
        offset.levels(0, two); // stored 128
        assertThat(two).containsExactly(8, 0);
        offset.levels(127, two);
        assertThat(two).containsExactly(15, 15);
        CrossbarMapping diff = new CrossbarMapping(4, 1, SignScheme.DIFFERENTIAL, false);
        int[] pair = new int[8];
        diff.levels(-5, pair); // positive devices off, negative devices hold 0101
        assertThat(pair).containsExactly(0, 0, 0, 0, 0, 1, 0, 1);
        diff.levels(6, pair);
        assertThat(pair).containsExactly(0, 1, 1, 0, 0, 0, 0, 0);
    }

    @Test
    void swimSlicesWeighTwoToTheMinusIAndSumToTheSpecFactor() {
        CrossbarMapping swim = CrossbarMapping.swim();
        assertThat(swim.bits()).isEqualTo(8);
        assertThat(swim.slices()).isEqualTo(8);
        for (int d = 0; d < 8; d++) {
            assertThat(swim.significance(d)).isEqualTo(Math.scalb(1.0, -(d + 1)));
        }
        assertThat(Math.sqrt(swim.sumSquaredSignificance())).isCloseTo(0.5773459, within(5e-8));
        // a differential pair doubles the variance, an offset code doubles every significance
        assertThat(new CrossbarMapping(8, 1, SignScheme.DIFFERENTIAL, true).sumSquaredSignificance())
                .isCloseTo(2 * swim.sumSquaredSignificance(), within(1e-15));
        assertThat(new CrossbarMapping(8, 1, SignScheme.OFFSET, true).sumSquaredSignificance())
                .isCloseTo(4 * swim.sumSquaredSignificance(), within(1e-15));
    }

    @Test
    void codesRoundHalfToEvenAndSaturate() {
        CrossbarMapping map = new CrossbarMapping(8, 1, SignScheme.SIGN_MAGNITUDE, false); // step s/256
        assertThat(map.code(2.5 / 256, 1)).isEqualTo(2);
        assertThat(map.code(3.5 / 256, 1)).isEqualTo(4);
        assertThat(map.code(-2.5 / 256, 1)).isEqualTo(-2);
        assertThat(map.code(1.0, 1)).isEqualTo(255); // max|W| itself saturates to the largest code
        assertThat(map.code(-7, 1)).isEqualTo(-255);
        assertThat(map.code(0.3, 0)).isZero();
        CrossbarMapping offset = new CrossbarMapping(8, 1, SignScheme.OFFSET, false); // step s/128
        assertThat(offset.code(-1, 1)).isEqualTo(-128);
        assertThat(offset.code(1, 1)).isEqualTo(127);
        assertThat(offset.value(-128, 2)).isEqualTo(-2);
    }

    @Test
    void sixteenBitCodesRoundTripToo() {
        CrossbarMapping map = new CrossbarMapping(16, 4, SignScheme.OFFSET, false);
        int[] levels = new int[4];
        double[] g = new double[4];
        for (int code = map.minCode(); code <= map.maxCode(); code += 257) {
            map.levels(code, levels);
            for (int d = 0; d < 4; d++) {
                g[d] = levels[d] / 15.0;
            }
            assertThat(map.decode(g, false, 1)).isCloseTo(map.value(code, 1), within(1e-12));
        }
    }

    @Test
    void badParametersAreRejectedNamingTheValue() {
        assertThatThrownBy(() -> new CrossbarMapping(0, 1, SignScheme.OFFSET, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
        assertThatThrownBy(() -> new CrossbarMapping(17, 1, SignScheme.OFFSET, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 17");
        assertThatThrownBy(() -> new CrossbarMapping(8, 3, SignScheme.OFFSET, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("divide N = 8, got 3");
        assertThatThrownBy(() -> new CrossbarMapping(8, 0, SignScheme.OFFSET, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CrossbarMapping(8, 1, null, true))
                .isInstanceOf(IllegalArgumentException.class);
        CrossbarMapping map = CrossbarMapping.swim();
        assertThatThrownBy(() -> map.levels(256, new int[8]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("code 256");
        assertThatThrownBy(() -> map.decode(new double[7], false, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length 7");
        assertThatThrownBy(() -> CrossbarMapping.maxAbs("conv1.weight", new float[] {1, Float.NaN}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conv1.weight");
    }
}
