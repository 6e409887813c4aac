package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.cim.CrossbarMapping.SignScheme;
import org.junit.jupiter.api.Test;

/** The command-line form of noise models. */
class NoiseModelsTest {

    @Test
    void parsesEveryKind() {
        NoiseModel swim = NoiseModels.parse("swim:dev_var=0.1,write_var=0.03");
        assertThat(swim).isInstanceOf(CrossbarNoise.class);
        assertThat(swim.describe()).isEqualTo("swim(dev_var=0.1, write_var=0.03)");
        assertThat(NoiseModels.parse("swim").describe()).isEqualTo("swim(dev_var=0.3, write_var=0.03)");
        SwimNoise collapsed = (SwimNoise) NoiseModels.parse("swim-collapsed:dev_var=0.2");
        assertThat(collapsed.devVar()).isEqualTo(0.2);
        assertThat(collapsed.writeVar()).isEqualTo(0.03);
        LogNormalNoise ln = (LogNormalNoise) NoiseModels.parse("lognormal:bits=3,var_scale=2");
        assertThat(ln.bits()).isEqualTo(3);
        assertThat(ln.varScale()).isEqualTo(2);
        CrossbarNoise xbar = (CrossbarNoise) NoiseModels.parse(
                "crossbar:bits=6,slice=2,sign=differential,exact=false,dev_var=0.1,stuck_low=0.01,read=0.02");
        assertThat(xbar.mapping().bits()).isEqualTo(6);
        assertThat(xbar.mapping().sliceBits()).isEqualTo(2);
        assertThat(xbar.mapping().scheme()).isEqualTo(SignScheme.DIFFERENTIAL);
        assertThat(xbar.mapping().exactResidual()).isFalse();
        assertThat(xbar.models()).hasSize(3);
        assertThat(xbar.readNoiseFactor()).isPositive();
    }

    @Test
    void rejectsUnknownKindsKeysAndValues() {
        assertThatThrownBy(() -> NoiseModels.parse("gauss:dev_var=0.1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gauss");
        assertThatThrownBy(() -> NoiseModels.parse("swim:devvar=0.1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("devvar");
        assertThatThrownBy(() -> NoiseModels.parse("swim:dev_var=abc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("abc");
        assertThatThrownBy(() -> NoiseModels.parse("lognormal:var_scale=1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bits");
        assertThatThrownBy(() -> NoiseModels.parse("lognormal:bits=5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 5");
        assertThatThrownBy(() -> NoiseModels.parse("crossbar:sign=twos"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twos");
        assertThatThrownBy(() -> NoiseModels.parse("crossbar:bits=8,slice=3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 3");
        assertThatThrownBy(() -> NoiseModels.parse("swim:dev_var=0.1,dev_var=0.2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> NoiseModels.parse(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
