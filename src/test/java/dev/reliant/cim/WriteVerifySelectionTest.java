package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The global-quantile selection of specs/cim-swim.md A.6. */
class WriteVerifySelectionTest {

    private static Map<String, int[]> shapes(Map<String, ? extends Object> tensors) {
        Map<String, int[]> s = new LinkedHashMap<>();
        tensors.forEach((k, v) -> s.put(k, new int[] {v instanceof double[] d ? d.length : ((float[]) v).length}));
        return s;
    }

    @Test
    void quantileInterpolatesLinearlyAsNumPyDoes() {
        Map<String, double[]> s = new LinkedHashMap<>();
        s.put("a", new double[] {4, 1});
        s.put("b", new double[] {3, 2});
        // numpy.quantile([1, 2, 3, 4], q): position q·(n−1)
        assertThat(WriteVerifySelection.quantile(s, 0.5)).isEqualTo(2.5);
        assertThat(WriteVerifySelection.quantile(s, 0.9)).isCloseTo(3.7, within(1e-12));
        assertThat(WriteVerifySelection.quantile(s, 0)).isEqualTo(1);
        assertThat(WriteVerifySelection.quantile(s, 1)).isEqualTo(4);
    }

    @Test
    void selectsExactlyTheTopShareWithOneThresholdOverAllLayers() {
        // layer "hi" holds scores 500..999, layer "lo" 0..499: the top 10 % all lie in "hi"
        double[] lo = new double[500];
        double[] hi = new double[500];
        for (int i = 0; i < 500; i++) {
            lo[i] = i;
            hi[i] = 999 - i;
        }
        Map<String, double[]> scores = new LinkedHashMap<>();
        scores.put("lo", lo);
        scores.put("hi", hi);
        WriteVerifyMask m = WriteVerifySelection.select(scores, shapes(scores), 0.1);
        assertThat(m.verifiedCount()).isEqualTo(100);
        assertThat(m.layer("lo").verifiedCount()).isZero();
        for (int i = 0; i < 500; i++) {
            assertThat(m.layer("hi").verified(i)).as("score %d", 999 - i).isEqualTo(999 - i >= 900);
        }
        assertThat(m.verifiedFraction()).isEqualTo(0.1);
        assertThat(WriteVerifySelection.select(scores, shapes(scores), 0).verifiedCount()).isZero();
        assertThat(WriteVerifySelection.select(scores, shapes(scores), 1).verifiedCount()).isEqualTo(1000);
    }

    @Test
    void swimRanksBySensitivityAndBreaksTiesByMagnitude() {
        Map<String, float[]> w = new LinkedHashMap<>();
        w.put("fc", new float[] {0.1f, -1f, 0.5f, 0.2f});
        Map<String, float[]> s = new LinkedHashMap<>();
        s.put("fc", new float[] {0, 0, -3e-3f, 0});
        Map<String, double[]> swim = WriteVerifySelection.scores(WriteVerifySelection.Method.SWIM, w, s, null);
        // |S| dominates (alpha = 1e6), then |Wn| = |W| / max|W|
        assertThat(swim.get("fc")).containsExactly((double) 0.1f, 1.0, 1e6 * (double) 3e-3f + 0.5, (double) 0.2f);
        Map<String, double[]> mag = WriteVerifySelection.scores(WriteVerifySelection.Method.MAGNITUDE, w, s, null);
        assertThat(mag.get("fc")[1]).isEqualTo(1.0);
        Map<String, int[]> shapes = Map.of("fc", new int[] {4});
        WriteVerifyMask m = WriteVerifySelection.select(swim, shapes, 0.5);
        assertThat(new boolean[] {m.layer("fc").verified(0), m.layer("fc").verified(1), m.layer("fc").verified(2),
            m.layer("fc").verified(3)}).containsExactly(false, true, true, false);
    }

    @Test
    void randomVerifiesTheRequestedShareReproduciblyForASeed() {
        Map<String, float[]> w = new LinkedHashMap<>();
        w.put("a", new float[3000]);
        w.put("b", new float[7000]);
        Map<String, double[]> s1 = WriteVerifySelection.scores(WriteVerifySelection.Method.RANDOM, w, null,
                new SplittableRandom(7));
        Map<String, double[]> s2 = WriteVerifySelection.scores(WriteVerifySelection.Method.RANDOM, w, null,
                new SplittableRandom(7));
        assertThat(s1.get("b")).containsExactly(s2.get("b"));
        WriteVerifyMask m = WriteVerifySelection.select(s1, shapes(w), 0.05);
        // continuous scores: exactly floor share above the interpolated quantile, no ties
        assertThat(m.verifiedCount()).isBetween(499L, 500L);
        // spread over layers in proportion (binomial sd of layer a's count ≈ 12.6; 5 sd)
        assertThat(m.layer("a").verifiedCount()).isBetween(150L - 63, 150L + 63);
    }

    @Test
    void badInputIsRejectedWithTheTensorNamed() {
        Map<String, float[]> w = Map.of("fc", new float[] {1, 2});
        assertThatThrownBy(() -> WriteVerifySelection.scores(WriteVerifySelection.Method.SECOND, w, Map.of(), null))
                .hasMessageContaining("no sensitivity for weight fc");
        assertThatThrownBy(() -> WriteVerifySelection.scores(WriteVerifySelection.Method.SECOND, w,
                Map.of("fc", new float[] {1}), null)).hasMessageContaining("fc has 1 values");
        assertThatThrownBy(() -> WriteVerifySelection.scores(WriteVerifySelection.Method.SECOND, w,
                Map.of("fc", new float[] {Float.NaN, 1}), null)).hasMessageContaining("fc[0] is NaN");
        Map<String, double[]> scores = Map.of("fc", new double[] {1, 2});
        assertThatThrownBy(() -> WriteVerifySelection.select(scores, Map.of("fc", new int[] {2}), 1.5))
                .hasMessageContaining("mask_p must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> WriteVerifySelection.Method.parse("hessian")).hasMessageContaining("unknown method");
    }
}
