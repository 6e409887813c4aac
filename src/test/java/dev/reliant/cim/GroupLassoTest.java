package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The group-lasso penalty of spec B.4: values by hand, the gradient against central finite differences. */
class GroupLassoTest {
    /** [2, 4, 1, 1] with groups of 2 channels: norms 5, 0 (filter 0) and 1, 1.5 (filter 1), mean 1.875. */
    private static final double[] W = {3, 4, 0, 0, 1, 0, 0, 1.5};
    private static final int[] SHAPE = {2, 4, 1, 1};

    @Test
    void penaltyByHand() {
        assertThat(new GroupLasso(0.1, 1.0, 2).norms(W, SHAPE)).containsExactly(5, 0, 1, 1.5);
        // min(5, 1.875) + 0 + 1 + 1.5 = 4.375
        assertThat(new GroupLasso(0.1, 1.0, 2).penalty(W, SHAPE)).isCloseTo(0.4375, within(1e-15));
        // ratio 0.5 caps at 0.9375: 3 groups capped, 3·0.9375 = 2.8125
        assertThat(new GroupLasso(0.1, 0.5, 2).penalty(W, SHAPE)).isCloseTo(0.28125, within(1e-15));
        assertThat(new GroupLasso(0.1, 1.0, 2).groups(SHAPE)).isEqualTo(4);
        // groups of 16 over 4 channels: one (partial) group per filter, norms 5 and sqrt(3.25)
        assertThat(new GroupLasso(1, 1.0, 16).norms(W, SHAPE)).containsExactly(5, Math.sqrt(3.25));
    }

    @Test
    void gradientByHandFlowsThroughTheMinAndTheMean() {
        // ratio 1, cap 1.875: group 0 (n=5) is capped -> its gradient only through the mean: 1·1/4 (one capped group of 4)
        double[] g = new GroupLasso(1, 1.0, 2).gradient(W, SHAPE);
        double viaMean = 0.25;
        assertThat(g[0]).isCloseTo(viaMean * 3 / 5, within(1e-15));
        assertThat(g[1]).isCloseTo(viaMean * 4 / 5, within(1e-15));
        assertThat(g[2]).as("a zero group has no gradient").isZero();
        assertThat(g[4]).isCloseTo((1 + viaMean) * 1 / 1, within(1e-15));
        assertThat(g[7]).isCloseTo((1 + viaMean) * 1.5 / 1.5, within(1e-15));
    }

    @Test
    void gradientMatchesCentralFiniteDifferences() {
        // a conv weight [3, 20, 3, 3] with g = 16 (full and partial groups), random in ±1
        int[] shape = {3, 20, 3, 3};
        SplittableRandom rng = new SplittableRandom(42);
        double[] w = new double[3 * 20 * 9];
        for (int i = 0; i < w.length; i++) {
            w[i] = rng.nextDouble(-1, 1);
        }
        for (double ratio : new double[] {1.0, 0.5}) {
            GroupLasso gl = new GroupLasso(1e-4, ratio, 16);
            double[] g = gl.gradient(w, shape);
            double h = 1e-6;
            for (int i = 0; i < w.length; i++) {
                double[] p = w.clone();
                double[] m = w.clone();
                p[i] += h;
                m[i] -= h;
                double fd = (gl.penalty(p, shape) - gl.penalty(m, shape)) / (2 * h);
                // central differences of a smooth function: error O(h²) plus rounding ~1e-4·1e-16/1e-6, far below 1e-9
                assertThat(g[i]).as("ratio %s, weight %d", ratio, i).isCloseTo(fd, within(1e-9));
            }
            float[] wf = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                wf[i] = (float) w[i];
            }
            float[] acc = new float[w.length];
            acc[0] = 1f;
            gl.addGradient(wf, shape, acc);
            assertThat((double) acc[0]).isCloseTo(1 + g[0], within(1e-6));
        }
    }

    @Test
    void sparsityCountsZeroElementsAndZeroGroups() {
        float[] v = {3, 4, 0, 0, 1, 0, 0, 1.5f};
        assertThat(GroupLasso.elementSparsity(v)).isEqualTo(0.5);
        assertThat(new GroupLasso(1, 1, 2).groupSparsity(v, SHAPE)).isEqualTo(0.25);
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> new GroupLasso(-1, 1, 16)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> new GroupLasso(1, 0, 16)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ratio");
        assertThatThrownBy(() -> new GroupLasso(1, 1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new GroupLasso(1, 1, 2).penalty(W, new int[] {2, 4})).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("[2, 4]");
        assertThatThrownBy(() -> new GroupLasso(1, 1, 2).penalty(W, new int[] {2, 3, 1, 1})).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("8");
    }
}
