package dev.reliant.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * MT19937 against the reference outputs of Matsumoto and Nishimura's mt19937ar.c, and CPython's
 * {@code random} module against values printed by CPython 3.11.
 */
class PythonRandomTest {

    private static long[] outputs(PythonRandom r, int n) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextUnsigned32();
        }
        return v;
    }

    @Test
    void initGenrandMatchesTheReferenceImplementation() {
        assertThat(outputs(PythonRandom.byGenrand(5489), 5))
                .containsExactly(3499211612L, 581869302L, 3890346734L, 3586334585L, 545404204L);
    }

    @Test
    void initByArrayMatchesMt19937arOut() {
        PythonRandom r = PythonRandom.byArray(new int[] {0x123, 0x234, 0x345, 0x456});
        assertThat(outputs(r, 5)).containsExactly(1067595299L, 955945823L, 477289528L, 4107218783L, 4228976476L);
    }

    @Test
    void outputsPastTheFirstTwistStayOnTheReferenceSequence() {
        // outputs 996-1000 of mt19937ar.out (CPython's getrandbits(32) after seeding with the same key agrees);
        // they cross a second regeneration of the 624-word state
        long[] v = outputs(PythonRandom.byArray(new int[] {0x123, 0x234, 0x345, 0x456}), 1000);
        assertThat(new long[] {v[995], v[996], v[997], v[998], v[999]})
                .containsExactly(2643151863L, 3896204135L, 2416995901L, 1397735321L, 3460025646L);
    }

    @Test
    void randomMatchesCPythonSeed42() {
        PythonRandom r = PythonRandom.seeded(42);
        assertThat(r.random()).isEqualTo(0.6394267984578837);
        assertThat(r.random()).isEqualTo(0.025010755222666936);
        assertThat(r.random()).isEqualTo(0.27502931836911926);
    }

    @Test
    void randbelowMatchesCPythonRandrange() {
        PythonRandom r = PythonRandom.seeded(42);
        int[] got = new int[5];
        for (int i = 0; i < 5; i++) {
            got[i] = r.randbelow(10);
        }
        assertThat(got).containsExactly(1, 0, 4, 3, 3);
    }

    @Test
    void getrandbitsTakesTheTopBitsOfOneOutput() {
        PythonRandom r = PythonRandom.seeded(42);
        assertThat(new long[] {r.getrandbits(1), r.getrandbits(5), r.getrandbits(17), r.getrandbits(32)})
                .containsExactly(1L, 3L, 3278L, 3184935163L);
        assertThat(r.getrandbits(0)).isZero();
    }

    @Test
    void seedsFollowCPythonForZeroNegativeAndWideSeeds() {
        assertThat(PythonRandom.seeded(0).random()).isEqualTo(0.8444218515250481);
        assertThat(PythonRandom.seeded(-7).random()).isEqualTo(0.32383276483316237);
        assertThat(PythonRandom.seeded(7).random()).isEqualTo(0.32383276483316237);
        PythonRandom wide = PythonRandom.seeded((1L << 40) + 5); // key = [5, 256]
        assertThat(wide.random()).isEqualTo(0.5043802970418443);
        assertThat(wide.getrandbits(32)).isEqualTo(1153647273L);
        assertThat(PythonRandom.seeded((1L << 40) + 5).nextUnsigned32())
                .isEqualTo(PythonRandom.byArray(new int[] {5, 256}).nextUnsigned32());
    }

    @Test
    void randbelowOfOneStillConsumesDraws() {
        PythonRandom a = PythonRandom.seeded(3);
        PythonRandom b = PythonRandom.seeded(3);
        assertThat(a.randbelow(1)).isZero();
        // b draws the same one-bit values by hand: redraw while the bit is 1
        while (b.getrandbits(1) != 0) {
            // redraw
        }
        assertThat(a.nextUnsigned32()).isEqualTo(b.nextUnsigned32());
    }

    @Test
    void rejectsInvalidArguments() {
        PythonRandom r = PythonRandom.seeded(1);
        assertThatThrownBy(() -> r.randbelow(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n >= 1");
        assertThatThrownBy(() -> r.getrandbits(33)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("33");
        assertThatThrownBy(() -> PythonRandom.byArray(new int[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
