package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The b-bit, never-zero, unclamped quantizer of specs/cim-swim.md B.1. */
class LevelQuantizerTest {

    /** The outputs over a dense grid of [-1, 1] (step 1e-4, both ends included). */
    private static Set<Float> levelsOnUnitInterval(int bits) {
        LevelQuantizer q = new LevelQuantizer(bits);
        Set<Float> levels = new TreeSet<>();
        for (int i = -10_000; i <= 10_000; i++) {
            levels.add(q.quantize(i / 10_000f));
        }
        return levels;
    }

    /** ±k / 2^(b−1) for k = 1 … 2^(b−1). */
    private static Set<Float> symmetricLevels(int bits) {
        Set<Float> s = new TreeSet<>();
        int half = 1 << (bits - 1);
        for (int k = 1; k <= half; k++) {
            s.add((float) k / half);
            s.add((float) -k / half);
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 8})
    void levelSetsOfTheSpec(int bits) {
        Set<Float> levels = levelsOnUnitInterval(bits);
        assertThat(levels).hasSize(1 << bits).isEqualTo(symmetricLevels(bits));
        assertThat(levels).doesNotContain(0f, -0f);
    }

    @Test
    void explicitLevelSets() {
        assertThat(levelsOnUnitInterval(1)).containsExactly(-1f, 1f);
        assertThat(levelsOnUnitInterval(2)).containsExactly(-1f, -0.5f, 0.5f, 1f);
        assertThat(levelsOnUnitInterval(3)).containsExactly(-1f, -0.75f, -0.5f, -0.25f, 0.25f, 0.5f, 0.75f, 1f);
        assertThat(levelsOnUnitInterval(8)).contains(-1f, -1f / 128, 1f / 128, 127f / 128, 1f);
    }

    @Test
    void zeroNeverMapsToZero() {
        // b=1: (0+1)/2·1 = 0.5 -> rint 0 -> q2 = -1 -> -1
        assertThat(new LevelQuantizer(1).quantize(0f)).isEqualTo(-1f);
        // b=2: 0.5·3 = 1.5 -> 2 -> q1 = 2/3, q2 = 1/3, ·2 = 0.667 -> 1 -> 0.5
        assertThat(new LevelQuantizer(2).quantize(0f)).isEqualTo(0.5f);
        // b=3: 0.5·7 = 3.5 -> 4 -> q2 = 1/7, ·4 = 0.571 -> 1 -> 0.25
        assertThat(new LevelQuantizer(3).quantize(0f)).isEqualTo(0.25f);
    }

    @Test
    void inputsBeyondOneAreNotClamped() {
        // b=2, x=2: 1.5·3 = 4.5 -> 4 (half to even) -> q1 = 4/3, q2 = 5/3, ·2 = 3.33 -> 3 -> 1.5
        assertThat(new LevelQuantizer(2).quantize(2f)).isEqualTo(1.5f);
        // b=1, x=-3: -1·1 -> -1 -> q2 = -3 -> -3
        assertThat(new LevelQuantizer(1).quantize(-3f)).isEqualTo(-3f);
        // b=3, x=1.25: 1.125·7 = 7.875 -> 8 -> q2 = 9/7, ·4 = 5.14 -> 5 -> 1.25
        assertThat(new LevelQuantizer(3).quantize(1.25f)).isEqualTo(1.25f);
    }

    @Test
    void tensorFormMatchesTheScalarOne() {
        LevelQuantizer q = new LevelQuantizer(2);
        float[] x = {-1f, -0.3f, 0f, 0.2f, 0.9f, 2f};
        float[] out = q.quantize(x);
        assertThat(out).containsExactly(-1f, -0.5f, 0.5f, 0.5f, 1f, 1.5f);
        q.quantize(x, x);
        assertThat(x).containsExactly(out);
        assertThat(q.describe()).isEqualTo("levels(b=2)");
    }

    @Test
    void rejectsBadWidths() {
        assertThatThrownBy(() -> new LevelQuantizer(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0");
        assertThatThrownBy(() -> new LevelQuantizer(17)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 17");
    }
}
