package dev.reliant.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.graph.Graph;
import dev.reliant.models.ModelOptions;
import dev.reliant.models.ModelZoo;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The faultable layers and weight counts of specs/fault-injection.md §2 and the table of §3. */
class FaultTargetsTest {

    private static FaultTargets weights(String model) {
        return FaultTargets.weights(ModelZoo.build(model));
    }

    @Test
    void resNet20HasTwentyLayersInStateDictOrder() {
        FaultTargets t = weights("resnet20");
        assertThat(t.size()).isEqualTo(20);
        assertThat(t.weightCount()).isEqualTo(268_336);
        List<String> names = t.layers().stream().map(FaultTargets.Layer::name).toList();
        assertThat(names.get(0)).isEqualTo("conv1");
        assertThat(names.get(1)).isEqualTo("layer1.0.conv1");
        assertThat(names.get(7)).isEqualTo("layer2.0.conv1");
        assertThat(names.get(19)).isEqualTo("linear");
        assertThat(t.layers()).allMatch(l -> l.kind() == FaultTargets.Kind.WEIGHT && l.rank() >= 2);
        assertThat(t.layer("linear").shape()).containsExactly(10, 64);
        assertThat(t.layer("conv1").parameterName()).isEqualTo("conv1.weight");
        long sum = 0;
        for (FaultTargets.Layer l : t.layers()) {
            sum += l.numel();
        }
        assertThat(sum).isEqualTo(t.weightCount());
    }

    @Test
    void layerCountsAndWeightsOfTheModelSet() {
        Object[][] table = {
            {"resnet32", 32, 461_872L}, {"resnet44", 44, 655_408L}, {"mobilenetv2", 58, 2_261_824L},
            {"vgg11_bn", 11, 28_133_056L}, {"densenet121", 121, 6_872_768L}, {"googlenet", 56, 5_476_672L},
        };
        for (Object[] row : table) {
            FaultTargets t = weights((String) row[0]);
            assertThat(t.size()).as((String) row[0]).isEqualTo(row[1]);
            assertThat(t.weightCount()).as((String) row[0]).isEqualTo(row[2]);
        }
        FaultTargets r18 = FaultTargets.weights(ModelZoo.build("resnet18", ModelOptions.defaults().classes(100)));
        assertThat(r18.size()).isEqualTo(21);
        assertThat(r18.weightCount()).isEqualTo(11_210_432L);
        FaultTargets gtsrb = FaultTargets.weights(ModelZoo.build("resnet20",
                ModelOptions.defaults().classes(43).inputSize(50)));
        assertThat(gtsrb.weightCount()).isEqualTo(270_448L);
    }

    @Test
    void depthwiseKernelsAreTargetsByRank() {
        FaultTargets t = weights("mobilenetv2");
        assertThat(t.layers()).anySatisfy(l -> assertThat(l.shape()[1]).isEqualTo(1));
        assertThat(t.layers()).noneMatch(l -> l.name().endsWith(".weight") || l.name().contains("bn"));
    }

    @Test
    void biasesAndBatchNormsAreOptionalTargetsWithFullNames() {
        Graph g = ModelZoo.build("resnet20");
        FaultTargets withBn = FaultTargets.of(g, EnumSet.of(FaultTargets.Kind.WEIGHT, FaultTargets.Kind.BATCH_NORM));
        // 19 batch norms, each with a scale and a shift of one value per channel
        assertThat(withBn.size()).isEqualTo(20 + 2 * 19);
        assertThat(withBn.layers().get(1).name()).isEqualTo("bn1.weight");
        assertThat(withBn.layers().get(1).kind()).isEqualTo(FaultTargets.Kind.BATCH_NORM);
        assertThat(withBn.layers().get(2).name()).isEqualTo("bn1.bias");
        assertThat(withBn.weightCount()).isEqualTo(268_336 + 2 * (16 * 7 + 32 * 6 + 64 * 6));
        assertThat(withBn.find("bn1.running_mean")).isEmpty();

        FaultTargets biases = FaultTargets.of(g, EnumSet.of(FaultTargets.Kind.BIAS));
        assertThat(biases.layers()).extracting(FaultTargets.Layer::name).containsExactly("linear.bias");
        assertThat(biases.weightCount()).isEqualTo(10);
        assertThatThrownBy(() -> FaultTargets.of(g, EnumSet.noneOf(FaultTargets.Kind.class)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void layersAreFoundByListNameOrParameterName() {
        FaultTargets t = weights("resnet20");
        assertThat(t.layer("layer3.2.conv2")).isSameAs(t.layer("layer3.2.conv2.weight"));
        assertThatThrownBy(() -> t.layer("conv9"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown layer 'conv9'")
                .hasMessageContaining("20 faultable layers: conv1 … linear");
        assertThatThrownBy(() -> t.layer("bn1"))
                .hasMessageContaining("not a fault target");
    }
}
