package dev.reliant.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.graph.Graph;
import dev.reliant.models.ModelZoo;
import dev.reliant.tensor.NumberFormats;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks of faults against a model and a number format. */
class FaultListValidatorTest {
    private static final Graph RESNET20 = ModelZoo.build("resnet20");
    private final FaultListValidator fp32 = new FaultListValidator(RESNET20, NumberFormats.FP32);

    private static Fault fault(String layer, int bit, int... index) {
        return new Fault(0, layer, index, bit);
    }

    @Test
    void acceptsFaultsOnTargetValuesAndBits() {
        assertThat(fp32.problem(fault("conv1", 31, 15, 2, 2, 2))).isEmpty();
        assertThat(fp32.problem(fault("conv1.weight", 0, 0, 0, 0, 0))).isEmpty();
        assertThat(fp32.problem(fault("linear", 30, 9, 63))).isEmpty();
    }

    @Test
    void reportsTheFieldAtFault() {
        assertThat(fp32.problem(fault("conv0", 1, 0, 0, 0, 0))).get()
                .satisfies(p -> assertThat(p.field()).isEqualTo("Layer"))
                .satisfies(p -> assertThat(p.message()).contains("unknown layer 'conv0'"));
        assertThat(fp32.problem(fault("conv1", 1, 16, 0, 0, 0))).get()
                .satisfies(p -> assertThat(p.field()).isEqualTo("TensorIndex"))
                .satisfies(p -> assertThat(p.message()).contains("(16, 0, 0, 0)", "coordinate 0 is 16, must be 0..15"));
        assertThat(fp32.problem(fault("conv1", 1, 0, 0, 0))).get()
                .satisfies(p -> assertThat(p.message()).contains("3 coordinates", "rank 4"));
        assertThat(fp32.problem(fault("conv1", 32, 0, 0, 0, 0))).get()
                .satisfies(p -> assertThat(p.field()).isEqualTo("Bit"))
                .satisfies(p -> assertThat(p.message()).isEqualTo("bit 32 out of range for fp32 (bits 0..31)"));
        FaultListValidator fp16 = new FaultListValidator(RESNET20, NumberFormats.FP16);
        assertThat(fp16.problem(fault("conv1", 16, 0, 0, 0, 0))).get()
                .satisfies(p -> assertThat(p.message()).contains("fp16 (bits 0..15)"));
    }

    @Test
    void biasesAreTargetsOnlyWhenIncluded() {
        Fault bias = fault("linear.bias", 3, 9);
        assertThat(fp32.problem(bias)).get().satisfies(p -> assertThat(p.message()).contains("not a fault target"));
        FaultListValidator withBiases = new FaultListValidator(FaultTargets.of(RESNET20,
                EnumSet.of(FaultTargets.Kind.WEIGHT, FaultTargets.Kind.BIAS)), NumberFormats.FP32);
        assertThat(withBiases.problem(bias)).isEmpty();
    }

    @Test
    void validateNamesTheSourceAndRow() {
        List<Fault> faults = List.of(new Fault(0, "conv1", new int[] {0, 0, 0, 0}, 1),
                new Fault(7, "linear", new int[] {0, 0}, 40));
        assertThatThrownBy(() -> fp32.validate(faults, "generated list"))
                .isInstanceOf(FaultListException.class)
                .hasMessage("generated list: fault 1 (Injection 7), field 'Bit': bit 40 out of range for fp32 (bits 0..31)");
        fp32.validate(faults.subList(0, 1), "ok");
    }
}
