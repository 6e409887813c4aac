package dev.reliant.models;

import dev.reliant.testing.SharedData;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.io.SafeTensors;
import dev.reliant.tensor.Tensor;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every zoo architecture that ../shared/testvectors covers, against PyTorch: formula weights, the
 * stored input, and the stored logits within |Δ| ≤ 1e-4·max(1, max|logit|), computed both
 * operator by operator and with batch norms folded into the convolutions.
 */
class TestVectorsTest {

    static Stream<Arguments> vectors() {
        ModelOptions d = ModelOptions.defaults();
        ModelOptions gtsrb = d.classes(43).inputSize(50);
        return Stream.of(
                Arguments.of("cifar10-resnet20", "resnet20", d),
                Arguments.of("cifar10-resnet32", "resnet32", d),
                Arguments.of("cifar10-resnet44", "resnet44", d),
                Arguments.of("cifar10-resnet56", "resnet56", d),
                Arguments.of("cifar10-resnet110", "resnet110", d),
                Arguments.of("gtsrb-resnet20", "resnet20", gtsrb),
                Arguments.of("cifar100-resnet18", "resnet18-weiaicunzai", d.classes(100)),
                Arguments.of("cifar10-vgg11_bn", "vgg11_bn", d),
                Arguments.of("cifar10-vgg13_bn", "vgg13_bn", d),
                Arguments.of("cifar10-vgg16_bn", "vgg16_bn", d),
                Arguments.of("cifar10-vgg19_bn", "vgg19_bn", d),
                Arguments.of("gtsrb-vgg11_bn", "vgg11_bn", gtsrb),
                Arguments.of("cifar10-mobilenetv2", "mobilenetv2", d),
                Arguments.of("cifar10-densenet121", "densenet121", d),
                Arguments.of("cifar10-densenet161", "densenet161", d),
                Arguments.of("cifar100-densenet121", "densenet121-weiaicunzai", d.classes(100)),
                Arguments.of("gtsrb-densenet121", "densenet121-weiaicunzai", gtsrb),
                Arguments.of("cifar10-googlenet", "googlenet", d),
                Arguments.of("cifar100-googlenet", "googlenet-weiaicunzai", d.classes(100)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void logitsMatchPyTorch(String vector, String model, ModelOptions options) {
        Path file = SharedData.require("testvectors/models/" + vector + ".safetensors");
        SafeTensors.Contents contents = SafeTensors.read(file);
        Tensor input = contents.tensors().get("input").asFloat();
        Tensor expected = contents.tensors().get("logits").asFloat();

        Graph graph = ModelZoo.build(model, options);
        assertThat(graph.parameterCount()).as("parameter count of " + model)
                .isEqualTo(Long.parseLong(contents.metadata().get("parameters")));
        FormulaWeights.fill(graph);
        int[] s = input.shape();
        assertThat(FormulaWeights.input(s[0], s[1], s[2], s[3]).bitEquals(input))
                .as("formula input equals the stored input").isTrue();

        double tolerance = 1e-4 * Math.max(1.0, expected.maxAbs());
        for (Executor.Options opts : new Executor.Options[] {Executor.Options.exact(), Executor.Options.fast()}) {
            Tensor logits = new Executor(graph, opts).run(input);
            assertThat(logits.shape()).containsExactly(expected.shape());
            double worst = 0;
            for (int i = 0; i < logits.numel(); i++) {
                worst = Math.max(worst, Math.abs(logits.data()[i] - expected.data()[i]));
            }
            assertThat(worst).as(vector + " (" + opts + "): max |Δ| of " + logits.numel() + " logits, max |logit| "
                    + expected.maxAbs()).isLessThanOrEqualTo(tolerance);
        }
    }
}
