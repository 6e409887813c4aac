package dev.reliant.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.reliant.simd.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Batch norm in training mode against a double-precision transcription of PyTorch's rules. */
class BatchNormTrainingTest {
    private static final double EPS = 1e-5;

    private static float[] random(SplittableRandom rng, int n, double mean, double spread) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (mean + spread * (rng.nextDouble() * 2 - 1));
        }
        return a;
    }

    private static BatchNorm2d batchNorm(int channels, int h, int w, long seed) {
        BatchNorm2d bn = BatchNorm2d.create("bn", new int[] {channels, h, w}, EPS);
        SplittableRandom rng = new SplittableRandom(seed);
        System.arraycopy(random(rng, channels, 1, 0.5), 0, bn.weight().data(), 0, channels);
        System.arraycopy(random(rng, channels, 0, 0.5), 0, bn.bias().data(), 0, channels);
        System.arraycopy(random(rng, channels, 0, 0.2), 0, bn.runningMean().data(), 0, channels);
        System.arraycopy(random(rng, channels, 1.2, 0.5), 0, bn.runningVar().data(), 0, channels);
        for (Parameter p : bn.parameters()) {
            p.markChanged();
        }
        return bn;
    }

    private static float[] forward(Op op, float[] x, int batch) {
        float[] y = new float[batch * op.outputSize()];
        op.forward(new float[][] {x}, new int[1], batch, y, 0);
        return y;
    }

    /** Per channel: {mean, biased variance, unbiased variance} of x over (N, H, W), in double. */
    private static double[][] batchStatistics(float[] x, int batch, int channels, int spatial) {
        double[][] st = new double[channels][3];
        int m = batch * spatial;
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < spatial; i++) {
                    sum += x[(b * channels + c) * spatial + i];
                }
            }
            double mean = sum / m;
            double sq = 0;
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < spatial; i++) {
                    double d = x[(b * channels + c) * spatial + i] - mean;
                    sq += d * d;
                }
            }
            st[c] = new double[] {mean, sq / m, sq / (m - 1)};
        }
        return st;
    }

    /** {@code (x − mean) / √(var + eps) · γ + β} per channel, in double. */
    private static void assertNormalized(float[] y, float[] x, int batch, int channels, int spatial, double[] mean,
                                         double[] var, float[] gamma, float[] beta, double tolerance) {
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < spatial; i++) {
                    int k = (b * channels + c) * spatial + i;
                    double expected = (x[k] - mean[c]) / Math.sqrt(var[c] + EPS) * gamma[c] + beta[c];
                    assertThat((double) y[k]).as("element %d", k).isCloseTo(expected, within(tolerance));
                }
            }
        }
    }

    @Test
    void runningStatisticsFollowPyTorchsUpdateOverTwoForwards() {
        int batch = 3;
        int channels = 4;
        int spatial = 5 * 3;
        BatchNorm2d bn = batchNorm(channels, 5, 3, 1);
        double[] runningMean = new double[channels];
        double[] runningVar = new double[channels];
        for (int c = 0; c < channels; c++) {
            runningMean[c] = bn.runningMean().data()[c];
            runningVar[c] = bn.runningVar().data()[c];
        }
        bn.setTraining(true);
        SplittableRandom rng = new SplittableRandom(2);
        for (int step = 0; step < 2; step++) {
            float[] x = random(rng, batch * channels * spatial, 0.3 * step - 0.1, 1.5);
            long before = bn.runningVar().version();
            forward(bn, x, batch);
            assertThat(bn.runningVar().version()).as("running_var marked changed").isGreaterThan(before);
            double[][] st = batchStatistics(x, batch, channels, spatial);
            for (int c = 0; c < channels; c++) {
                runningMean[c] = 0.9 * runningMean[c] + 0.1 * st[c][0];
                runningVar[c] = 0.9 * runningVar[c] + 0.1 * st[c][2];
            }
        }
        for (int c = 0; c < channels; c++) {
            assertThat((double) bn.runningMean().data()[c]).as("running_mean[%d]", c)
                    .isCloseTo(runningMean[c], within(1e-6));
            assertThat((double) bn.runningVar().data()[c]).as("running_var[%d]", c)
                    .isCloseTo(runningVar[c], within(1e-6));
        }
    }

    @Test
    void trainingNormalizesWithBatchStatisticsAndEvalWithRunningOnes() {
        int batch = 2;
        int channels = 3;
        int spatial = 7 * 5;
        BatchNorm2d bn = batchNorm(channels, 7, 5, 3);
        float[] x = random(new SplittableRandom(4), batch * channels * spatial, 0.5, 2);
        float[] gamma = bn.weight().data();
        float[] beta = bn.bias().data();

        bn.setTraining(true);
        assertThat(bn.inPlaceInput()).as("training keeps the input for the backward").isEqualTo(-1);
        float[] train = forward(bn, x, batch);
        double[][] st = batchStatistics(x, batch, channels, spatial);
        double[] mean = new double[channels];
        double[] biased = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = st[c][0];
            biased[c] = st[c][1];
        }
        assertNormalized(train, x, batch, channels, spatial, mean, biased, gamma, beta, 1e-5);

        bn.setTraining(false);
        assertThat(bn.inPlaceInput()).isZero();
        float[] eval = forward(bn, x, batch);
        double[] runningMean = new double[channels];
        double[] runningVar = new double[channels];
        for (int c = 0; c < channels; c++) {
            runningMean[c] = bn.runningMean().data()[c];
            runningVar[c] = bn.runningVar().data()[c];
        }
        // The eval forward uses the running statistics the training forward just updated.
        assertNormalized(eval, x, batch, channels, spatial, runningMean, runningVar, gamma, beta, 1e-5);
        assertThat(Arrays.equals(train, eval)).isFalse();
    }

    @Test
    void trainingStaysAccurateWhenTheMeanDwarfsTheSpread() {
        int batch = 2;
        int channels = 2;
        int spatial = 9;
        BatchNorm2d bn = batchNorm(channels, 3, 3, 5);
        bn.setTraining(true);
        float[] x = random(new SplittableRandom(6), batch * channels * spatial, 1000, 0.01);
        float[] y = forward(bn, x, batch);
        double[][] st = batchStatistics(x, batch, channels, spatial);
        assertNormalized(y, x, batch, channels, spatial, new double[] {st[0][0], st[1][0]},
                new double[] {st[0][1], st[1][1]}, bn.weight().data(), bn.bias().data(), 1e-4);
    }

    @Test
    void trainingNeedsMoreThanOneValuePerChannel() {
        BatchNorm2d bn = BatchNorm2d.create("bn", new int[] {3}, EPS);
        bn.setTraining(true);
        assertThatThrownBy(() -> forward(bn, new float[3], 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than one value per channel");
    }

    @Test
    void backwardInTrainingModeMatchesTheBatchStatisticFormulaInDouble() {
        int batch = 3;
        int channels = 2;
        int spatial = 3 * 5;
        int m = batch * spatial;
        BatchNorm2d bn = batchNorm(channels, 3, 5, 7);
        bn.setTraining(true);
        SplittableRandom rng = new SplittableRandom(8);
        float[] x = random(rng, batch * channels * spatial, 0.2, 1);
        float[] dy = random(rng, x.length, 0, 1);
        float[] y = forward(bn, x, batch);
        BackwardContext ctx = new BackwardContext();
        ctx.inputs = new float[][] {x};
        ctx.inputOffsets = new int[1];
        ctx.output = y;
        ctx.batch = batch;
        ctx.gradOutput = dy;
        ctx.gradInputs = new float[][] {new float[x.length]};
        ctx.gradInputOffsets = new int[1];
        ctx.gradParameters = new float[][] {new float[channels], new float[channels], null, null};
        bn.backward(ctx);

        double[][] st = batchStatistics(x, batch, channels, spatial);
        for (int c = 0; c < channels; c++) {
            double invstd = 1 / Math.sqrt(st[c][1] + EPS);
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < spatial; i++) {
                    int k = (b * channels + c) * spatial + i;
                    sumDy += dy[k];
                    sumDyXhat += dy[k] * (x[k] - st[c][0]) * invstd;
                }
            }
            assertThat((double) ctx.gradParameters[0][c]).isCloseTo(sumDyXhat, within(1e-5));
            assertThat((double) ctx.gradParameters[1][c]).isCloseTo(sumDy, within(1e-5));
            double gamma = bn.weight().data()[c];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < spatial; i++) {
                    int k = (b * channels + c) * spatial + i;
                    double xhat = (x[k] - st[c][0]) * invstd;
                    double expected = gamma * invstd / m * (m * dy[k] - sumDy - xhat * sumDyXhat);
                    assertThat((double) ctx.gradInputs[0][k]).as("dx[%d]", k).isCloseTo(expected, within(1e-5));
                }
            }
        }
    }

    @Test
    void trainingPassesDoNotDependOnTheThreadCount() {
        int batch = 4;
        int channels = 3;
        int spatial = 40 * 40;
        SplittableRandom rng = new SplittableRandom(9);
        float[] x = random(rng, batch * channels * spatial, 0.1, 1);
        float[] dy = random(rng, x.length, 0, 1);
        int threads = Parallel.threads();
        try {
            float[][] one = runTraining(x, dy, batch, 1);
            float[][] three = runTraining(x, dy, batch, 3);
            for (int k = 0; k < one.length; k++) {
                assertThat(Arrays.equals(one[k], three[k])).as("result %d bit-identical", k).isTrue();
            }
        } finally {
            Parallel.setThreads(threads);
        }
    }

    /** Output, input gradient, weight gradient and running mean of one training step on {@code threads} threads. */
    private static float[][] runTraining(float[] x, float[] dy, int batch, int threads) {
        Parallel.setThreads(threads);
        BatchNorm2d bn = batchNorm(3, 40, 40, 10);
        bn.setTraining(true);
        float[] y = forward(bn, x, batch);
        BackwardContext ctx = new BackwardContext();
        ctx.inputs = new float[][] {x};
        ctx.inputOffsets = new int[1];
        ctx.output = y;
        ctx.batch = batch;
        ctx.gradOutput = dy;
        ctx.gradInputs = new float[][] {new float[x.length]};
        ctx.gradInputOffsets = new int[1];
        ctx.gradParameters = new float[][] {new float[3], new float[3], null, null};
        bn.backward(ctx);
        return new float[][] {y, ctx.gradInputs[0], ctx.gradParameters[0], bn.runningMean().data().clone()};
    }

    @Test
    void backwardOfAnotherBatchSizeThanTheTrainingForwardIsRefused() {
        BatchNorm2d bn = batchNorm(2, 3, 3, 11);
        bn.setTraining(true);
        float[] x = random(new SplittableRandom(12), 2 * 2 * 9, 0, 1);
        forward(bn, x, 2);
        BackwardContext ctx = new BackwardContext();
        ctx.inputs = new float[][] {x};
        ctx.inputOffsets = new int[1];
        ctx.batch = 1;
        ctx.gradOutput = new float[18];
        ctx.gradInputs = new float[][] {new float[18]};
        ctx.gradInputOffsets = new int[1];
        ctx.gradParameters = new float[4][];
        assertThatThrownBy(() -> bn.backward(ctx)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("training forward");
    }
}
