package dev.reliant.simd;

import java.util.Arrays;
import java.util.Random;

/** Input and output arrays shared by the kernel tests. */
final class TestArrays {
    /** The value {@link #guarded} fills outputs with, so a write outside the stated range shows. */
    static final float GUARD = 12345.678f;

    private TestArrays() {}

    /** {@code n} standard normal values. */
    static float[] gaussian(Random rnd, int n) {
        return gaussian(rnd, n, 0, 1);
    }

    /** {@code n} normal values {@code (float) (mean + sd · N(0, 1))}. */
    static float[] gaussian(Random rnd, int n, double mean, double sd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * sd + mean);
        }
        return v;
    }

    /** An output array of {@code n} values, all {@link #GUARD}. */
    static float[] guarded(int n) {
        return filled(n, GUARD);
    }

    /** {@code n} copies of {@code value}. */
    static float[] filled(int n, float value) {
        float[] v = new float[n];
        Arrays.fill(v, value);
        return v;
    }
}
