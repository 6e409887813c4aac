package dev.reliant.simd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** The FMA probe yields a finite, positive figure (no timing thresholds: see DESIGN). */
class FmaProbeTest {

    @Test
    void measureGflopsIsPositiveAndFinite() {
        double gflops = FmaProbe.measureGflops(30);
        assertThat(gflops).isPositive().isFinite();
    }

    @Test
    void resultOfTheActiveVariant() {
        FmaProbe.Result r = FmaProbe.measure(30);
        assertThat(r.variant()).isEqualTo(FmaProbe.Variant.active());
        assertThat(r.gflops()).isPositive().isFinite();
        assertThat(r.meanGflops()).isPositive().isFinite().isLessThanOrEqualTo(r.gflops() * (1 + 1e-9));
        assertThat(r.flops()).isPositive();
        assertThat(r.seconds()).isPositive();
        assertThat(r.checksum()).isFinite();
        assertThat(r.toString()).contains("GFLOP/s", r.variant().label());
    }

    @Test
    void plainVariantAlwaysRuns() {
        FmaProbe.Result r = FmaProbe.measure(30, FmaProbe.Variant.PLAIN);
        assertThat(r.gflops()).isPositive().isFinite();
        assertThat(r.variant().lanes()).isEqualTo(1);
        assertThat(r.variant().label()).startsWith("plain");
    }

    @Test
    void activeVariantFollowsTheSimdSwitch() {
        FmaProbe.Variant active = FmaProbe.Variant.active();
        assertThat(active.isSimd()).isEqualTo(Simd.enabled());
        if (active.isSimd()) {
            assertThat(active.label()).startsWith("simd " + active.bits() + "-bit");
            assertThat(active.lanes()).isEqualTo(active.bits() / 32);
        }
    }

    @Test
    void chainsStayFiniteOverLongRuns() {
        // 10^6 iterations: the chains converge to b / (1 - a) ≈ 1 instead of overflowing.
        float sum = FmaProbe.fmaPlain(1_000_000, 0.5f);
        assertThat(sum).isFinite();
        assertThat(sum / FmaProbe.CHAINS).isCloseTo(1f, within(0.01f));
    }

    @Test
    void vectorLanesComputeWhatTheScalarChainsDo() {
        assumeTrue(Simd.enabled(), "Vector API not enabled");
        // Lane-wise FMA is exact IEEE arithmetic, so every lane equals the scalar chain; only the
        // order of the final checksum additions differs.
        float plain = FmaProbe.fmaPlain(1000, 0.25f);
        float simd256 = FmaProbe.fmaSimd256(1000, 0.25f);
        assertThat(simd256).isCloseTo(8 * plain, within(1e-4f * 8 * plain));
        if (FmaProbe.Variant.active() == FmaProbe.Variant.SIMD_512) {
            assertThat(FmaProbe.fmaSimd512(1000, 0.25f)).isCloseTo(16 * plain, within(1e-4f * 16 * plain));
        }
    }

    @Test
    void simdVariantRefusedWhenTheVectorApiIsOff() {
        assumeTrue(!Simd.enabled(), "Vector API enabled");
        assertThatThrownBy(() -> FmaProbe.measure(30, FmaProbe.Variant.SIMD_256))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
