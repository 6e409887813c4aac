package dev.reliant.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.graph.Graph;
import dev.reliant.ops.BatchNorm2d;
import dev.reliant.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Names, shapes and counts of the zoo's models against specs/models.md. */
class ModelZooTest {

    private static long values(Graph g, int minRank) {
        return g.parameters().values().stream().filter(t -> t.rank() >= minRank).mapToLong(Tensor::numel).sum();
    }

    /** Faultable weights (tensors of rank >= 2) per specs/fault-injection.md §3. */
    @ParameterizedTest(name = "{0} ({1} classes): {2}")
    @CsvSource({"resnet20, 10, 268336", "mobilenetv2, 10, 2261824", "vgg11_bn, 10, 28133056",
        "densenet121, 10, 6872768", "googlenet, 10, 5476672", "resnet18-weiaicunzai, 100, 11210432"})
    void faultableWeightCountsMatchTheFaultInjectionSpec(String model, int classes, long expected) {
        Graph g = ModelZoo.build(model, ModelOptions.defaults().classes(classes));
        assertThat(values(g, 2)).isEqualTo(expected);
    }

    private static int[] shape(Graph g, String name) {
        return g.parameter(name).shape();
    }

    @Test
    void unknownModelListsTheKnownOnes() {
        assertThatThrownBy(() -> ModelZoo.build("resnet21"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown model 'resnet21'; known: resnet20, resnet32, resnet44, resnet56, resnet110")
                .hasMessageContaining("lenet, convnet");
        assertThat(ModelZoo.names()).contains("resnet20", "resnet18", "resnet18-weiaicunzai", "vgg11_bn",
                "mobilenetv2", "lenet", "convnet");
    }

    @Test
    void resnet20NamesShapesAndCounts() {
        Graph g = ModelZoo.build("resnet20");
        assertThat(g.parameters()).hasSize(97);
        assertThat(g.parameterCount()).isEqualTo(271_098);
        assertThat(values(g, 2)).isEqualTo(268_336);
        assertThat(g.parameterNames().subList(0, 11)).containsExactly("conv1.weight", "bn1.weight", "bn1.bias",
                "bn1.running_mean", "bn1.running_var", "layer1.0.conv1.weight", "layer1.0.bn1.weight",
                "layer1.0.bn1.bias", "layer1.0.bn1.running_mean", "layer1.0.bn1.running_var", "layer1.0.conv2.weight");
        assertThat(g.parameterNames().subList(95, 97)).containsExactly("linear.weight", "linear.bias");
        assertThat(shape(g, "conv1.weight")).containsExactly(16, 3, 3, 3);
        assertThat(shape(g, "layer2.0.conv1.weight")).containsExactly(32, 16, 3, 3);
        assertThat(shape(g, "layer3.2.conv2.weight")).containsExactly(64, 64, 3, 3);
        assertThat(shape(g, "linear.weight")).containsExactly(10, 64);
        assertThat(g.inputShape()).containsExactly(3, 32, 32);
        assertThat(g.outputShape()).containsExactly(10);
        // option-A shortcuts where the stride changes, and nowhere else
        assertThat(g.node("layer2.0.shortcut").outputShape()).containsExactly(32, 16, 16);
        assertThat(g.node("layer3.0.shortcut").outputShape()).containsExactly(64, 8, 8);
        assertThat(g.nodes().stream().filter(n -> n.op().type().equals("OptionAShortcut")).count()).isEqualTo(2);
        // every parameter is owned by the node of its module path
        assertThat(g.node(g.parameterOwner("layer1.0.bn1.running_var")).name()).isEqualTo("layer1.0.bn1");
        assertThat(g.node(g.parameterOwner("linear.bias")).name()).isEqualTo("linear");
    }

    @ParameterizedTest
    @CsvSource({"resnet32, 5", "resnet44, 7", "resnet56, 9", "resnet110, 18"})
    void deeperCifarResNets(String model, int blocks) {
        Graph g = ModelZoo.build(model);
        assertThat(g.parameters()).hasSize(30 * blocks + 7);
        assertThat(g.hasParameter("layer3." + (blocks - 1) + ".bn2.running_var")).isTrue();
        assertThat(g.hasParameter("layer3." + blocks + ".conv1.weight")).isFalse();
    }

    @Test
    void gtsrbResNet20HasStages50And25And13() {
        Graph g = ModelZoo.build("resnet20", ModelOptions.defaults().classes(43).inputSize(50));
        assertThat(g.node("layer1.2.relu_1").outputShape()).containsExactly(16, 50, 50);
        assertThat(g.node("layer2.2.relu_1").outputShape()).containsExactly(32, 25, 25);
        assertThat(g.node("layer3.2.relu_1").outputShape()).containsExactly(64, 13, 13);
        assertThat(shape(g, "linear.weight")).containsExactly(43, 64);
        assertThat(g.outputShape()).containsExactly(43);
    }

    @Test
    void lenetOfTheSwimStudy() {
        Graph g = ModelZoo.build("lenet");
        assertThat(g.parameterNames()).containsExactly("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias");
        Map<String, Integer> weights = Map.of("conv1.weight", 54, "conv2.weight", 864, "fc1.weight", 94_080,
                "fc2.weight", 10_080, "fc3.weight", 840);
        weights.forEach((name, n) -> assertThat(g.parameter(name).numel()).as(name).isEqualTo(n));
        assertThat(values(g, 2)).isEqualTo(105_918);
        assertThat(g.inputShape()).containsExactly(1, 28, 28);
        assertThat(g.node(g.parameterOwner("fc1.weight")).op().inputShape(0)).containsExactly(784);
    }

    @Test
    void convnetOfTheSwimStudy() {
        Graph g = ModelZoo.build("convnet");
        assertThat(values(g, 2)).isEqualTo(6_397_632);
        assertThat(g.parameter("classifier.0.weight").numel()).isEqualTo(4_194_304);
        assertThat(g.parameterNames()).containsExactly("features.0.weight", "features.0.bias", "features.2.weight",
                "features.2.bias", "features.5.weight", "features.5.bias", "features.7.weight", "features.7.bias",
                "features.10.weight", "features.10.bias", "features.12.weight", "features.12.bias",
                "classifier.0.weight", "classifier.0.bias", "classifier.2.weight", "classifier.2.bias",
                "classifier.4.weight", "classifier.4.bias");
        assertThat(g.node("features.14").op().type()).isEqualTo("MaxPool2d");
    }

    @Test
    void resnet18WithCifarStemAndTorchvisionNames() {
        Graph g = ModelZoo.build("resnet18");
        long convWeights = g.parameters().values().stream().filter(t -> t.rank() == 4).mapToLong(Tensor::numel).sum();
        assertThat(convWeights).isEqualTo(11_159_232);
        assertThat(shape(g, "conv1.weight")).containsExactly(64, 3, 3, 3);
        assertThat(shape(g, "layer2.0.downsample.0.weight")).containsExactly(128, 64, 1, 1);
        assertThat(g.hasParameter("layer2.0.downsample.1.running_var")).isTrue();
        assertThat(g.hasParameter("layer1.0.downsample.0.weight")).isFalse();
        assertThat(shape(g, "fc.weight")).containsExactly(10, 512);
        assertThat(g.node("layer4.1.relu_1").outputShape()).containsExactly(512, 4, 4);
        // torchvision registers downsample after bn2
        List<String> names = g.parameterNames();
        assertThat(names.indexOf("layer2.0.downsample.0.weight")).isGreaterThan(names.indexOf("layer2.0.bn2.running_var"));
    }

    @Test
    void resnet18OfWeiaicunzaiHasItsNames() {
        Graph g = ModelZoo.build("resnet18-weiaicunzai");
        assertThat(g.parameterNames()).startsWith("conv1.0.weight", "conv1.1.weight");
        assertThat(g.hasParameter("conv2_x.0.residual_function.3.weight")).isTrue();
        assertThat(shape(g, "conv3_x.0.shortcut.0.weight")).containsExactly(128, 64, 1, 1);
        assertThat(shape(g, "fc.weight")).containsExactly(100, 512);
    }

    @Test
    void vggIndicesFollowTheSequential() {
        Graph g11 = ModelZoo.build("vgg11_bn");
        for (int i : new int[] {0, 4, 8, 11, 15, 18, 22, 25}) {
            assertThat(g11.node("features." + i).op().type()).isEqualTo("Conv2d");
            assertThat(g11.hasParameter("features." + (i + 1) + ".running_mean")).isTrue();
        }
        Graph g13 = ModelZoo.build("vgg13_bn");
        for (int i : new int[] {0, 3, 7, 10, 14, 17, 21, 24, 28, 31}) {
            assertThat(g13.node("features." + i).op().type()).isEqualTo("Conv2d");
        }
        assertThat(shape(g11, "classifier.0.weight")).containsExactly(4096, 512);
        assertThat(shape(g11, "classifier.6.weight")).containsExactly(10, 4096);
    }

    @Test
    void mobilenetv2ShortcutsAndDepthwise() {
        Graph g = ModelZoo.build("mobilenetv2");
        for (int layer = 0; layer <= 16; layer++) {
            boolean conv = layer == 0 || layer == 1 || layer == 10 || layer == 16;
            assertThat(g.hasParameter("layers." + layer + ".shortcut.0.weight")).as("layers." + layer).isEqualTo(conv);
        }
        assertThat(shape(g, "layers.3.conv2.weight")).containsExactly(144, 1, 3, 3);
        assertThat(shape(g, "conv2.weight")).containsExactly(1280, 320, 1, 1);
        assertThat(shape(g, "linear.weight")).containsExactly(10, 1280);
    }

    @Test
    void densenetNamesInBothLayouts() {
        Graph tv = ModelZoo.build("densenet121");
        assertThat(shape(tv, "features.conv0.weight")).containsExactly(64, 3, 3, 3);
        assertThat(shape(tv, "features.denseblock4.denselayer16.conv2.weight")).containsExactly(32, 128, 3, 3);
        assertThat(shape(tv, "features.transition3.conv.weight")).containsExactly(512, 1024, 1, 1);
        assertThat(shape(tv, "classifier.weight")).containsExactly(10, 1024);
        assertThat(shape(ModelZoo.build("densenet161"), "classifier.weight")).containsExactly(10, 2208);
        Graph wz = ModelZoo.build("densenet121-weiaicunzai");
        assertThat(shape(wz, "conv1.weight")).containsExactly(64, 3, 3, 3);
        assertThat(wz.hasParameter("features.dense_block_layer_0.bottle_neck_layer_5.bottle_neck.5.weight")).isTrue();
        assertThat(shape(wz, "features.transition_layer_2.down_sample.1.weight")).containsExactly(512, 1024, 1, 1);
        assertThat(wz.hasParameter("features.dense_block3.bottle_neck_layer_15.bottle_neck.3.running_var")).isTrue();
        assertThat(shape(wz, "linear.weight")).containsExactly(100, 1024);
    }

    @Test
    void googlenetNamesAndBatchNormEpsilons() {
        Graph tv = ModelZoo.build("googlenet");
        assertThat(shape(tv, "conv1.conv.weight")).containsExactly(192, 3, 3, 3);
        assertThat(shape(tv, "inception4c.branch2.1.conv.weight")).containsExactly(256, 128, 3, 3);
        assertThat(((BatchNorm2d) tv.node("inception4c.branch2.1.bn").op()).eps()).isEqualTo(1e-3);
        assertThat(shape(tv, "fc.weight")).containsExactly(10, 1024);
        Graph wz = ModelZoo.build("googlenet-weiaicunzai");
        assertThat(shape(wz, "prelayer.6.weight")).containsExactly(192, 64, 3, 3);
        assertThat(wz.hasParameter("a3.b1.0.bias")).isTrue();
        assertThat(shape(wz, "a3.b3.6.weight")).containsExactly(32, 32, 3, 3);
        // weiaicunzai's nn.BatchNorm2d(n5x5, n5x5) passes the channel count as eps
        assertThat(((BatchNorm2d) wz.node("a3.b3.4").op()).eps()).isEqualTo(32.0);
        assertThat(((BatchNorm2d) wz.node("a3.b3.7").op()).eps()).isEqualTo(1e-5);
        assertThat(shape(wz, "linear.weight")).containsExactly(100, 1024);
    }

    @Test
    void anInputTooSmallIsReportedWithTheModel() {
        assertThatThrownBy(() -> ModelZoo.build("lenet", ModelOptions.defaults().inputSize(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("model 'lenet' with 1 input channels, 10 classes and input size 2: ");
    }

    @Test
    void inputChannelsChangeOnlyTheFirstLayer() {
        Graph gray = ModelZoo.build("resnet20", ModelOptions.defaults().inputChannels(1).inputSize(28));
        Graph rgb = ModelZoo.build("resnet20");
        assertThat(gray.inputShape()).containsExactly(1, 28, 28);
        assertThat(gray.parameter("conv1.weight").shape()).containsExactly(16, 1, 3, 3);
        assertThat(gray.parameterNames()).isEqualTo(rgb.parameterNames());
        assertThat(gray.parameterCount()).isEqualTo(rgb.parameterCount() - 16 * 2 * 9);
        assertThatThrownBy(() -> ModelOptions.defaults().inputChannels(0))
                .hasMessage("input channels must be >= 1, got 0");
    }
}
