package dev.reliant.cim;

import java.util.SplittableRandom;

/** Sample statistics of weight noise for the statistical tests of this package. */
final class NoiseStats {
    private NoiseStats() {
    }

    /** Population std of out[i] − clean[i] over the indices where {@code take[i]} (all if null). */
    static double noiseStd(float[] clean, float[] out, boolean[] take) {
        double sum = 0;
        double sumSq = 0;
        long n = 0;
        for (int i = 0; i < clean.length; i++) {
            if (take == null || take[i]) {
                double d = (double) out[i] - clean[i];
                sum += d;
                sumSq += d * d;
                n++;
            }
        }
        double mean = sum / n;
        return Math.sqrt(sumSq / n - mean * mean);
    }

    /** Mean of out[i] − clean[i]. */
    static double noiseMean(float[] clean, float[] out) {
        double sum = 0;
        for (int i = 0; i < clean.length; i++) {
            sum += (double) out[i] - clean[i];
        }
        return sum / clean.length;
    }

    /** n weights uniform in (−scale, scale) with weight 0 set to exactly −scale, so max|W| = scale. */
    static float[] weights(int n, float scale, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        }
        w[0] = -scale;
        return w;
    }

    /** The weights one read of a freshly programmed instance gives. */
    static float[] programAndRead(NoiseModel model, float[] clean, LayerMask mask, long seed) {
        float[] out = new float[clean.length];
        model.program("t", new int[] {clean.length}, clean, mask, new SplittableRandom(seed))
                .read(out, new SplittableRandom(seed + 1));
        return out;
    }
}
