package dev.reliant.cim;

import java.util.SplittableRandom;

/** One programmed instance of a weight tensor (see {@link NoiseModel}). */
public interface ProgrammedWeights {

    /** Writes the weights one inference sees into {@code out}; read noise, if any, is drawn from {@code rng}. */
    void read(float[] out, SplittableRandom rng);

    /** Whether two reads can differ (read noise): then the evaluator reads again for every batch. */
    boolean hasReadNoise();

    /** Programmed weights without read noise: every read returns the same values. */
    static ProgrammedWeights fixed(float[] values) {
        float[] copy = values.clone();
        return new ProgrammedWeights() {
            @Override
            public void read(float[] out, SplittableRandom rng) {
                System.arraycopy(copy, 0, out, 0, copy.length);
            }

            @Override
            public boolean hasReadNoise() {
                return false;
            }
        };
    }
}
