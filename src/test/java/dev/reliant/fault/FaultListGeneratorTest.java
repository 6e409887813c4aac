package dev.reliant.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.fault.FaultListGenerator.Allocation;
import dev.reliant.fault.FaultListGenerator.Sampler;
import dev.reliant.models.ModelOptions;
import dev.reliant.models.ModelZoo;
import dev.reliant.tensor.NumberFormat;
import dev.reliant.tensor.NumberFormats;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Allocation and sampling of specs/fault-injection.md §3. The Python-compatible expectations were
 * produced by a plain CPython script ({@code random.seed(s)}, {@code random.randint(0, d - 1)} per
 * coordinate and for the bit, redraw of repeated triples).
 */
class FaultListGeneratorTest {
    private static final NumberFormat FP32 = NumberFormats.FP32;

    private static FaultTargets resnet20() {
        return FaultTargets.weights(ModelZoo.build("resnet20"));
    }

    private static Allocation allocate(String model, ModelOptions options) {
        return FaultListGenerator.allocate(FaultTargets.weights(ModelZoo.build(model, options)), SampleSize.DEFAULT,
                FP32);
    }

    /** SHA-256 of the rows as {@code layer|(i, j, …)|bit}, joined by newlines (the form the Python script hashed). */
    private static String digest(List<Fault> faults) throws Exception {
        String text = faults.stream().map(f -> f.layer() + "|" + f.indexString() + "|" + f.bit())
                .collect(Collectors.joining("\n"));
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void resNet20AllocationMatchesTheWorkedExample() {
        Allocation a = FaultListGenerator.allocate(resnet20(), SampleSize.DEFAULT, FP32);
        assertThat(a.population()).isEqualTo(17_173_504.0);
        assertThat(a.n()).isBetween(16_624.8, 16_625.0);
        int[] expected = new int[20];
        expected[0] = 27;
        for (int i = 1; i <= 6; i++) {
            expected[i] = 143;
        }
        expected[7] = 285;
        for (int i = 8; i <= 12; i++) {
            expected[i] = 571;
        }
        expected[13] = 1142;
        for (int i = 14; i <= 18; i++) {
            expected[i] = 2284;
        }
        expected[19] = 40;
        assertThat(a.counts()).containsExactly(expected);
        assertThat(a.total()).isEqualTo(16_627);
    }

    @Test
    void listLengthsOfTheModelSet() {
        ModelOptions cifar10 = ModelOptions.defaults();
        assertThat(allocate("resnet32", cifar10).total()).isEqualTo(16_630);
        assertThat(allocate("resnet44", cifar10).total()).isEqualTo(16_634);
        assertThat(allocate("mobilenetv2", cifar10).total()).isEqualTo(16_640);
        assertThat(allocate("vgg11_bn", cifar10).total()).isEqualTo(16_642);
        assertThat(allocate("densenet121", cifar10).total()).isEqualTo(16_628);
        assertThat(allocate("googlenet", cifar10).total()).isEqualTo(16_640);
        assertThat(allocate("resnet18", ModelOptions.defaults().classes(100)).total()).isEqualTo(16_644);
        assertThat(allocate("resnet20", ModelOptions.defaults().classes(43).inputSize(50)).total()).isEqualTo(16_629);
    }

    @Test
    void sharesRoundHalfToEven() {
        assertThat(FaultListGenerator.share(1, 2.5, 1)).isEqualTo(2);
        assertThat(FaultListGenerator.share(1, 3.5, 1)).isEqualTo(4);
        assertThat(FaultListGenerator.share(3, 2.5, 1)).isEqualTo(8); // 7.5
        assertThat(FaultListGenerator.share(1, 26.5, 2)).isEqualTo(13); // 13.25
        assertThat(FaultListGenerator.share(432, 16_624.891569494706, 268_336)).isEqualTo(27); // 26.77
    }

    @Test
    void pythonCompatibleSeed42ReproducesThePublishedResNet20List() throws Exception {
        List<Fault> faults = FaultListGenerator.sample(FaultListGenerator.allocate(resnet20(), SampleSize.DEFAULT,
                FP32), 42, Sampler.PYTHON);
        assertThat(faults).hasSize(16_627);
        assertThat(faults.get(0)).isEqualTo(new Fault(0, "conv1", new int[] {3, 0, 2, 1}, 15));
        assertThat(faults.get(1)).isEqualTo(new Fault(1, "conv1", new int[] {7, 0, 2, 0}, 5));
        // the published file says bit 30 on this row: it was edited by hand (spec §4.3)
        assertThat(faults.get(2)).isEqualTo(new Fault(2, "conv1", new int[] {13, 0, 0, 0}, 13));
        assertThat(faults.get(100)).isEqualTo(new Fault(100, "layer1.0.conv1", new int[] {1, 7, 0, 1}, 8));
        assertThat(faults.get(16_626)).isEqualTo(new Fault(16_626, "linear", new int[] {2, 26}, 4));
        assertThat(digest(faults)).isEqualTo("4828e43181c66a21feb66d850042f37e9fff44789942535673feeb886a83c0a2");
    }

    @Test
    void pythonCompatibleRedrawOfRepeatedFaults() throws Exception {
        // 600 of the 640 single-bit faults of `linear`: many repeats are redrawn (Python: seed 7, randint(0, 0) bit)
        FaultTargets t = resnet20();
        int[] counts = new int[t.size()];
        counts[19] = 600;
        Allocation a = new Allocation(t, 1, 1280, 600, counts);
        List<Fault> faults = FaultListGenerator.sample(a, 7, Sampler.PYTHON);
        assertThat(faults.get(0)).isEqualTo(new Fault(0, "linear", new int[] {5, 19}, 0));
        assertThat(faults.get(599)).isEqualTo(new Fault(599, "linear", new int[] {9, 54}, 0));
        assertThat(digest(faults)).isEqualTo("5faa47a207527d1866c52bd8a3d5e575f6754331cb6220e5019012117111bb09");
        assertThat(faults.stream().map(Fault::indexString).distinct().count()).isEqualTo(600);
    }

    @Test
    void sameSeedSameListAndNoRepeatedTriples() {
        Allocation a = FaultListGenerator.allocate(resnet20(), SampleSize.DEFAULT, FP32);
        for (Sampler s : Sampler.values()) {
            List<Fault> first = FaultListGenerator.sample(a, 123, s);
            assertThat(FaultListGenerator.sample(a, 123, s)).isEqualTo(first);
            assertThat(FaultListGenerator.sample(a, 124, s)).isNotEqualTo(first);
            Set<String> triples = new HashSet<>();
            for (int i = 0; i < first.size(); i++) {
                Fault f = first.get(i);
                assertThat(f.injection()).isEqualTo(i);
                assertThat(triples.add(f.layer() + f.indexString() + f.bit())).as("repeated %s", f).isTrue();
            }
        }
        assertThat(FaultListGenerator.sample(a, 42, Sampler.SPLITTABLE))
                .isNotEqualTo(FaultListGenerator.sample(a, 42, Sampler.PYTHON));
    }

    @Test
    void rowsAreGroupedByLayerWithValidIndicesAndBits() {
        FaultTargets t = resnet20();
        Allocation a = FaultListGenerator.allocate(t, SampleSize.DEFAULT, FP32);
        List<Fault> faults = FaultListGenerator.sample(a, 5, Sampler.SPLITTABLE);
        FaultListValidator v = new FaultListValidator(t, FP32);
        v.validate(faults, "generated");
        int row = 0;
        int[] bitsSeen = new int[32];
        for (int l = 0; l < t.size(); l++) {
            for (int k = 0; k < a.count(l); k++, row++) {
                assertThat(faults.get(row).layer()).isEqualTo(t.layers().get(l).name());
                bitsSeen[faults.get(row).bit()]++;
            }
        }
        assertThat(row).isEqualTo(faults.size());
        assertThat(java.util.Arrays.stream(bitsSeen).min().orElseThrow()).isGreaterThan(400); // about 520 per bit
    }

    @Test
    void theFormatsWidthBoundsTheBitsAndThePopulation() {
        FaultTargets t = resnet20();
        NumberFormat int8 = NumberFormats.parse("int8:0.05");
        Allocation a = FaultListGenerator.allocate(t, SampleSize.DEFAULT, int8);
        assertThat(a.bits()).isEqualTo(8);
        assertThat(a.population()).isEqualTo(268_336.0 * 8 * 2);
        for (Sampler s : Sampler.values()) {
            List<Fault> faults = FaultListGenerator.sample(a, 1, s);
            assertThat(faults).allMatch(f -> f.bit() < 8);
            assertThat(faults.stream().mapToInt(Fault::bit).max().orElseThrow()).isEqualTo(7);
        }
    }

    @Test
    void aLayerWithTooFewDistinctFaultsIsAnError() {
        FaultTargets t = resnet20();
        int[] counts = new int[t.size()];
        counts[19] = 641;
        Allocation a = new Allocation(t, 1, 1280, 641, counts);
        assertThatThrownBy(() -> FaultListGenerator.sample(a, 1, Sampler.SPLITTABLE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linear").hasMessageContaining("640 distinct");
        assertThatThrownBy(() -> new Allocation(t, 32, 1, 1, new int[3])).hasMessageContaining("3 layer counts for 20");
        assertThatThrownBy(() -> new Allocation(t, 33, 1, 1, counts)).hasMessageContaining("33");
    }

    @Test
    void exhaustiveListsEveryValueAndBitInOrder() {
        FaultTargets.Layer linear = resnet20().layer("linear");
        List<Fault> faults = FaultListGenerator.exhaustive(linear, 30, 31, FP32);
        assertThat(faults).hasSize(640 * 2);
        assertThat(faults.get(0)).isEqualTo(new Fault(0, "linear", new int[] {0, 0}, 30));
        assertThat(faults.get(1)).isEqualTo(new Fault(1, "linear", new int[] {0, 0}, 31));
        assertThat(faults.get(2)).isEqualTo(new Fault(2, "linear", new int[] {0, 1}, 30));
        assertThat(faults.get(128)).isEqualTo(new Fault(128, "linear", new int[] {1, 0}, 30));
        assertThat(faults.get(1279)).isEqualTo(new Fault(1279, "linear", new int[] {9, 63}, 31));
        assertThat(faults.stream().map(f -> f.indexString() + f.bit()).distinct().count()).isEqualTo(1280);
        FaultTargets.Layer conv1 = resnet20().layer("conv1");
        assertThat(FaultListGenerator.exhaustive(conv1, 0, 31, FP32)).hasSize(432 * 32);
        assertThat(FaultListGenerator.exhaustive(conv1, 7, 7, NumberFormats.parse("int8:1")))
                .hasSize(432).allMatch(f -> f.bit() == 7);
        assertThatThrownBy(() -> FaultListGenerator.exhaustive(conv1, 0, 8, NumberFormats.parse("int8:1")))
                .hasMessageContaining("bit 8");
        assertThatThrownBy(() -> FaultListGenerator.exhaustive(conv1, 5, 4, FP32)).hasMessageContaining("empty");
    }
}
