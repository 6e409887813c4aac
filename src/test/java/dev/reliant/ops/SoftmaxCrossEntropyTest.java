package dev.reliant.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SoftmaxCrossEntropyTest {
    private static final int CLASSES = 7;

    private static float[] randomLogits(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextGaussian() * 2);
        }
        return a;
    }

    private static int[] randomLabels(SplittableRandom rng, int batch, int classes) {
        int[] labels = new int[batch];
        for (int b = 0; b < batch; b++) {
            labels[b] = rng.nextInt(classes);
        }
        return labels;
    }

    /**
     * The mean of {@code −Σ_k t_k·log(e^{x_k} / Σ_j e^{x_j})} with t = (1 − ε)·onehot + ε/C, written
     * directly from the definition (no max subtraction: the logits here are small).
     */
    private static double referenceLoss(float[] logits, int[] labels, int classes, double eps) {
        double total = 0;
        for (int b = 0; b < labels.length; b++) {
            double z = 0;
            for (int k = 0; k < classes; k++) {
                z += Math.exp(logits[b * classes + k]);
            }
            for (int k = 0; k < classes; k++) {
                double target = (k == labels[b] ? 1 - eps : 0) + eps / classes;
                total -= target * Math.log(Math.exp(logits[b * classes + k]) / z);
            }
        }
        return total / labels.length;
    }

    @Test
    void lossMatchesTheDefinitionWithAndWithoutLabelSmoothing() {
        SplittableRandom rng = new SplittableRandom(1);
        int batch = 5;
        float[] logits = randomLogits(rng, batch * CLASSES);
        int[] labels = randomLabels(rng, batch, CLASSES);
        for (double eps : new double[] {0, 0.1, 0.5}) {
            SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(CLASSES, eps);
            double value = loss.compute(logits, 0, batch, labels, 0, null, 0).loss();
            assertThat(value).as("eps %s", eps).isCloseTo(referenceLoss(logits, labels, CLASSES, eps), within(1e-12));
        }
    }

    @Test
    void gradientMatchesFiniteDifferencesOfTheLoss() {
        SplittableRandom rng = new SplittableRandom(2);
        int batch = 3;
        float[] logits = randomLogits(rng, batch * CLASSES);
        int[] labels = randomLabels(rng, batch, CLASSES);
        for (double eps : new double[] {0, 0.2}) {
            SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(CLASSES, eps);
            float[] grad = new float[logits.length + 4];
            loss.compute(logits, 0, batch, labels, 0, grad, 4);
            for (int i = 0; i < logits.length; i++) {
                float saved = logits[i];
                float plus = saved + 1e-3f;
                float minus = saved - 1e-3f;
                logits[i] = plus;
                double lp = loss.compute(logits, 0, batch, labels, 0, null, 0).loss();
                logits[i] = minus;
                double lm = loss.compute(logits, 0, batch, labels, 0, null, 0).loss();
                logits[i] = saved;
                double numeric = (lp - lm) / ((double) plus - minus);
                assertThat((double) grad[4 + i]).as("eps %s, logit %d", eps, i).isCloseTo(numeric, within(1e-6));
            }
        }
    }

    @Test
    void gradientIsSoftmaxMinusTargetOverTheBatchAndEachRowSumsToZero() {
        float[] logits = {1f, 2f, 3f};
        float[] grad = new float[3];
        new SoftmaxCrossEntropy(3, 0.3).compute(logits, 0, 1, new int[] {2}, 0, grad, 0);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        double[] target = {0.1, 0.1, 0.8};
        double sum = 0;
        for (int k = 0; k < 3; k++) {
            assertThat((double) grad[k]).isCloseTo(Math.exp(k + 1) / z - target[k], within(1e-7));
            sum += grad[k];
        }
        assertThat(sum).isCloseTo(0, within(1e-7));

        float[] twice = new float[6];
        new SoftmaxCrossEntropy(3, 0.3).compute(new float[] {1f, 2f, 3f, 1f, 2f, 3f}, 0, 2, new int[] {2, 2}, 0,
                twice, 0);
        assertThat((double) twice[0]).as("divided by the batch size").isCloseTo(grad[0] / 2.0, within(1e-8));
    }

    @Test
    void hugeLogitsDoNotOverflow() {
        float[] logits = {1e30f, 0f, -1e30f, 3e38f, 3e38f, -3e38f};
        float[] grad = new float[6];
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(3);
        SoftmaxCrossEntropy.Result r = loss.compute(logits, 0, 2, new int[] {0, 2}, 0, grad, 0);
        assertThat(r.isFinite()).isTrue();
        // Image 0 is certain and right (loss 0); image 1 puts log-probability −6e38 − log 2 on its label.
        double expected = (0 + (3e38 + 3e38 + Math.log(2))) / 2;
        assertThat(r.loss()).isCloseTo(expected, within(1e32));
        for (float g : grad) {
            assertThat(Float.isFinite(g)).isTrue();
        }
        assertThat(grad[0]).isEqualTo(0f);
        assertThat((double) grad[3]).isCloseTo(0.25, within(1e-7));
        assertThat((double) grad[5]).isCloseTo(-0.5, within(1e-7));
        assertThat(r.correct()).isEqualTo(1);
    }

    @Test
    void nanOrInfiniteLogitsGiveANonFiniteLossThatIsReturned() {
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(3, 0.1);
        SoftmaxCrossEntropy.Result nan = loss.compute(new float[] {0f, Float.NaN, 1f}, 0, 1, new int[] {0}, 0,
                new float[3], 0);
        assertThat(nan.isFinite()).isFalse();
        assertThat(nan.loss()).isNaN();
        SoftmaxCrossEntropy.Result inf = loss.compute(new float[] {0f, Float.POSITIVE_INFINITY, 1f}, 0, 1,
                new int[] {0}, 0, null, 0);
        assertThat(inf.isFinite()).isFalse();
    }

    @Test
    void aMinusInfiniteLogitElsewhereThanTheLabelIsHarmlessWithoutSmoothing() {
        SoftmaxCrossEntropy.Result r = new SoftmaxCrossEntropy(3).compute(
                new float[] {2f, Float.NEGATIVE_INFINITY, 1f}, 0, 1, new int[] {0}, 0, null, 0);
        assertThat(r.loss()).isCloseTo(Math.log(1 + Math.exp(-1)), within(1e-12));
    }

    @Test
    void countsCorrectTopOnePredictions() {
        float[] logits = {
            0f, 5f, 1f, // argmax 1
            3f, 1f, 2f, // argmax 0
            1f, 1f, 0f, // tie: the first maximum, 0
            0f, 0f, 9f, // argmax 2
        };
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(3);
        assertThat(loss.compute(logits, 0, 4, new int[] {1, 2, 1, 2}, 0, null, 0).correct()).isEqualTo(2);
        assertThat(loss.compute(logits, 0, 4, new int[] {1, 0, 0, 2}, 0, null, 0).correct()).isEqualTo(4);
    }

    @Test
    void readsAtOffsets() {
        float[] logits = {9f, 9f, 1f, 2f, 3f};
        int[] labels = {7, 1};
        float[] grad = new float[5];
        SoftmaxCrossEntropy.Result r = new SoftmaxCrossEntropy(3).compute(logits, 2, 1, labels, 1, grad, 2);
        assertThat(r.loss()).isCloseTo(referenceLoss(new float[] {1f, 2f, 3f}, new int[] {1}, 3, 0), within(1e-12));
        assertThat(grad[0]).isZero();
        assertThat(grad[1]).isZero();
        assertThat(grad[3]).isNegative();
    }

    @Test
    void badArgumentsAreRefusedWithOneLine() {
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(3);
        assertThatThrownBy(() -> loss.compute(new float[6], 0, 2, new int[] {0, 3}, 0, null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(
                        "cross-entropy: label 3 of image 1 is outside [0, 3)");
        assertThatThrownBy(() -> loss.compute(new float[5], 0, 2, new int[] {0, 1}, 0, null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("logits");
        assertThatThrownBy(() -> loss.compute(new float[6], 0, 2, new int[] {0, 1}, 0, new float[4], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gradient");
        assertThatThrownBy(() -> new SoftmaxCrossEntropy(3, 1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label smoothing");
        assertThatThrownBy(() -> new SoftmaxCrossEntropy(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
