package dev.reliant.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.simd.Simd;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The SIMD optimizer updates against their plain twin, bit for bit, on lengths that hit every tail. */
class UpdateKernelsTwinTest {
    private static final int[] LENGTHS = {1, 3, 7, 8, 9, 15, 16, 17, 33, 100};

    @Test
    void activeImplementationFollowsTheSimdSwitch() {
        assertThat(UpdateKernels.get())
                .isSameAs(Simd.enabled() ? UpdateKernelsSimd.INSTANCE : UpdateKernelsPlain.INSTANCE);
    }

    @Test
    void sgdTwinsAgreeBitForBit() {
        for (int n : LENGTHS) {
            for (float wd : new float[] {0f, 5e-4f}) {
                for (int mode = 0; mode < 4; mode++) { // no momentum, first step, later step, later step Nesterov
                    boolean momentum = mode > 0;
                    boolean init = mode == 1;
                    boolean nesterov = mode == 3;
                    SplittableRandom r = new SplittableRandom(n * 31L + mode);
                    float[] p = random(r, n);
                    float[] g = random(r, n);
                    float[] buf = momentum ? random(r, n) : null;
                    float[] p2 = p.clone();
                    float[] buf2 = momentum ? buf.clone() : null;
                    UpdateKernelsPlain.INSTANCE.sgd(p, g, buf, 0, n, wd, 0.9f, nesterov, init, -0.05f);
                    UpdateKernelsSimd.INSTANCE.sgd(p2, g, buf2, 0, n, wd, 0.9f, nesterov, init, -0.05f);
                    String what = "sgd n=" + n + " wd=" + wd + " mode=" + mode;
                    assertBitEqual(p2, p, what + " params");
                    if (momentum) {
                        assertBitEqual(buf2, buf, what + " buffer");
                    }
                }
            }
        }
    }

    @Test
    void adamTwinsAgreeBitForBit() {
        for (int n : LENGTHS) {
            for (int mode = 0; mode < 3; mode++) { // no decay, L2 decay, decoupled decay
                SplittableRandom r = new SplittableRandom(n * 17L + mode);
                float[] p = random(r, n);
                float[] g = random(r, n);
                float[] m = random(r, n);
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = Math.abs(random(r, 1)[0]) * 1e-3f;
                }
                float[] p2 = p.clone();
                float[] m2 = m.clone();
                float[] v2 = v.clone();
                float factor = mode == 2 ? 1 - 1e-3f * 0.01f : 1f;
                float wd = mode == 1 ? 1e-2f : 0f;
                UpdateKernelsPlain.INSTANCE.adam(p, g, m, v, 0, n, factor, wd, 0.1f, 0.999f, 0.001f, -1e-3f, 0.0447f, 1e-8f);
                UpdateKernelsSimd.INSTANCE.adam(p2, g, m2, v2, 0, n, factor, wd, 0.1f, 0.999f, 0.001f, -1e-3f, 0.0447f, 1e-8f);
                String what = "adam n=" + n + " mode=" + mode;
                assertBitEqual(p2, p, what + " params");
                assertBitEqual(m2, m, what + " exp_avg");
                assertBitEqual(v2, v, what + " exp_avg_sq");
            }
        }
    }

    @Test
    void aSubRangeIsUpdatedAndNothingOutsideIt() {
        int n = 40;
        SplittableRandom r = new SplittableRandom(5);
        float[] p = random(r, n);
        float[] g = random(r, n);
        float[] before = p.clone();
        float[] p2 = p.clone();
        UpdateKernelsPlain.INSTANCE.sgd(p, g, null, 3, 37, 0f, 0f, false, false, -0.5f);
        UpdateKernelsSimd.INSTANCE.sgd(p2, g, null, 3, 37, 0f, 0f, false, false, -0.5f);
        assertBitEqual(p2, p, "sub-range");
        for (int i = 0; i < n; i++) {
            boolean inside = i >= 3 && i < 37;
            assertThat(p[i] != before[i]).as("element %d", i).isEqualTo(inside && g[i] != 0);
        }
    }

    static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble(-2, 2));
        }
        return a;
    }

    static void assertBitEqual(float[] actual, float[] expected, String what) {
        assertThat(actual.length).as(what + " length").isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }
}
