package dev.reliant.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.data.Dataset;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Graph;
import dev.reliant.tensor.FixedPointFormat;
import dev.reliant.tensor.IntFormat;
import dev.reliant.tensor.NumberFormat;
import dev.reliant.tensor.NumberFormats;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Stored formats: quantized golden weights, faults on the stored code, stuck-at no-ops, multi-bit faults. */
class CampaignFormatTest {
    private final Supplier<Graph> model = CampaignFixtures.formulaModel("lenet", 28);

    private static Fault fault(String layer, int bit, int... index) {
        return new Fault(0, layer, index, bit);
    }

    @Test
    void perTensorIntScaleIsMaxAbsOverLargestCode() {
        Graph g = model.get();
        float maxAbs = g.parameter("conv1.weight").maxAbs();
        StoredWeights w = new StoredWeights(g, FaultTargets.weights(g), CampaignFormat.parse("int8"));
        NumberFormat f = w.formatOf("conv1");
        assertThat(f).isEqualTo(new IntFormat(8, maxAbs / 127f));
        assertThat(w.formatOf("fc1")).isNotEqualTo(f);
        for (float v : g.parameter("conv1.weight").data()) {
            assertThat(f.quantize(v)).isEqualTo(v); // the golden model computes with stored values
        }
        assertThat(g.parameter("conv1.bias").data()).isEqualTo(model.get().parameter("conv1.bias").data());
    }

    @Test
    void int8FaultFlipsTheStoredCode() {
        Graph g = model.get();
        StoredWeights w = new StoredWeights(g, FaultTargets.weights(g), CampaignFormat.parse("int8"));
        IntFormat f = (IntFormat) w.formatOf("conv2");
        float stored = g.parameter("conv2.weight").data()[5 * 54 + 3 * 9 + 4];
        CampaignFault cf = w.resolve(0, fault("conv2", 7, 5, 3, 1, 1), FaultModel.BIT_FLIP, 1);
        assertThat(cf.original()).isEqualTo(stored);
        long code = Math.round(stored / f.scale()) & 0xFF;
        long flipped = code ^ 0x80;
        assertThat(cf.faulty()).isEqualTo(((byte) flipped) * f.scale());
        assertThat(cf.format()).isEqualTo(f);
    }

    @Test
    void fp16FaultActsOnTheHalfPrecisionBits() {
        Graph g = model.get();
        StoredWeights w = new StoredWeights(g, FaultTargets.weights(g), CampaignFormat.parse("fp16"));
        CampaignFault cf = w.resolve(0, fault("fc1", 14, 3, 7), FaultModel.BIT_FLIP, 1);
        long code = NumberFormats.FP16.encode(cf.original());
        assertThat(NumberFormats.FP16.encode(cf.faulty())).isEqualTo(code ^ (1 << 14));
        assertThatThrownBy(() -> w.resolve(4, fault("fc1", 16, 3, 7), FaultModel.BIT_FLIP, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fault 4").hasMessageContaining("16");
    }

    @Test
    void fp32MatchesTheSpecTestVectorShape() {
        Graph g = model.get();
        StoredWeights w = StoredWeights.fp32(g);
        CampaignFault cf = w.resolve(0, fault("conv1", 30, 1, 0, 0, 0), FaultModel.BIT_FLIP, 1);
        assertThat(Float.floatToRawIntBits(cf.faulty()))
                .isEqualTo(Float.floatToRawIntBits(cf.original()) ^ (1 << 30));
        assertThat((double) cf.faulty()).isEqualTo(Math.scalb((double) cf.original(), 128));
    }

    @Test
    void stuckAtOnAnEqualBitIsANoOp() {
        Graph g = model.get();
        StoredWeights w = StoredWeights.fp32(g);
        // |w| < 2: bit 30 is 0, so stuck-at-0 changes nothing and stuck-at-1 does
        CampaignFault zero = w.resolve(0, fault("fc2", 30, 1, 1), FaultModel.STUCK_AT_0, 1);
        CampaignFault one = w.resolve(1, fault("fc2", 30, 1, 1), FaultModel.STUCK_AT_1, 1);
        assertThat(zero.noop()).isTrue();
        assertThat(zero.changesNothing()).isTrue();
        assertThat(one.noop()).isFalse();
        assertThat((double) one.faulty()).isEqualTo(Math.scalb((double) one.original(), 128));
    }

    @Test
    void multiBitFaultCoversAdjacentBitsClippedAtTheTop() {
        Graph g = model.get();
        StoredWeights w = new StoredWeights(g, FaultTargets.weights(g), CampaignFormat.parse("Q3.12"));
        FixedPointFormat f = (FixedPointFormat) w.formatOf("fc3");
        CampaignFault cf = w.resolve(0, fault("fc3", 14, 2, 2), FaultModel.BIT_FLIP, 3);
        assertThat(f.encode(cf.faulty())).isEqualTo(f.encode(cf.original()) ^ 0xC000L); // bits 14, 15; 16 is beyond
    }

    @Test
    void campaignCountsNoOpsAsMaskedAndFlagsThem() {
        Dataset data = CampaignFixtures.randomImages(9, 1, 28, 11);
        List<Fault> faults = List.of(fault("fc2", 30, 1, 1), fault("conv1", 31, 0, 0, 1, 1), fault("fc1", 23, 4, 4));
        for (FaultModel m : FaultModel.values()) {
            for (boolean naive : new boolean[] {false, true}) {
                CampaignEngine e = new CampaignEngine(model, data, Normalization.MNIST,
                        CampaignSettings.defaults().withFaultModel(m).withNaive(naive));
                List<CampaignRow> rows = e.run(e.resolve(faults));
                for (CampaignRow r : rows) {
                    if (r.fault().noop()) {
                        assertThat(r.counts().masked()).isEqualTo(data.size());
                    }
                }
                assertThat(rows.get(0).fault().noop()).isEqualTo(m == FaultModel.STUCK_AT_0);
            }
        }
    }

    @Test
    void int8CampaignFastEqualsNaive() {
        Dataset data = CampaignFixtures.randomImages(9, 1, 28, 12);
        List<Fault> faults = CampaignFixtures.faultsInEveryLayer(model.get(), 6, 13).stream()
                .map(f -> new Fault(f.injection(), f.layer(), f.index(), f.bit() % 8)).toList();
        CampaignSettings s = CampaignSettings.defaults().withFormat(CampaignFormat.parse("int8"));
        CampaignEngine fast = new CampaignEngine(model, data, Normalization.MNIST, s);
        CampaignEngine naive = new CampaignEngine(model, data, Normalization.MNIST, s.withNaive(true));
        List<CampaignRow> a = fast.run(fast.resolve(faults));
        List<CampaignRow> b = naive.run(naive.resolve(faults));
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).counts()).isEqualTo(b.get(i).counts());
        }
        assertThat(a.stream().mapToLong(r -> r.counts().critical()).sum()).isPositive();
        // a bit beyond int8 is refused
        assertThatThrownBy(() -> fast.resolve(List.of(fault("fc1", 8, 0, 0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bit 8");
    }
}
