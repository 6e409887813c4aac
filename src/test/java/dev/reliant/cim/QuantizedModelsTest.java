package dev.reliant.cim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.graph.Activations;
import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.graph.Node;
import dev.reliant.models.ModelZoo;
import dev.reliant.models.SwimModels;
import dev.reliant.ops.Conv2d;
import dev.reliant.ops.Linear;
import dev.reliant.ops.Quantize;
import dev.reliant.tensor.Tensor;
import dev.reliant.train.Initializer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** SWIM's quantized models (specs/cim-swim.md A.2): y = q_N(op(x, W) + b) after every conv and linear layer. */
class QuantizedModelsTest {

    static long distinctValues(float[] a, int from, int to) {
        Set<Float> set = new HashSet<>();
        for (int i = from; i < to; i++) {
            set.add(a[i] + 0f); // −0 and +0 are one value
        }
        return set.size();
    }

    /** Every Conv2d/Linear feeds exactly one Quantize node of the given width, named layer.quant. */
    private static int checkQuantizedLayers(Graph g, int bits) {
        int layers = 0;
        for (Node node : g.nodes()) {
            if (node.op() instanceof Conv2d || node.op() instanceof Linear) {
                int[] consumers = g.consumers(node.index());
                assertThat(consumers).as(node.name()).hasSize(1);
                Node q = g.node(consumers[0]);
                assertThat(q.name()).isEqualTo(node.name() + ".quant");
                assertThat(q.op()).isInstanceOf(Quantize.class);
                assertThat(((Quantize) q.op()).bits()).isEqualTo(bits);
                layers++;
            }
        }
        long quantizers = g.nodes().stream().filter(n -> n.op() instanceof Quantize).count();
        assertThat(quantizers).isEqualTo(layers);
        return layers;
    }

    @Test
    void registryListsTheQuantizedModels() {
        assertThat(ModelZoo.names()).contains("qlenet", "qconvnet", "qresnet18", "lenet", "convnet");
        assertThat(ModelZoo.entry("qlenet").defaultInputSize()).isEqualTo(28);
        assertThat(ModelZoo.entry("qconvnet").inputChannels()).isEqualTo(3);
    }

    @Test
    void qlenetQuantizesEveryLayerOutputBeforeTheRelu() {
        Graph g = ModelZoo.build("qlenet");
        Graph plain = ModelZoo.build("lenet");
        assertThat(g.parameterNames()).isEqualTo(plain.parameterNames());
        assertThat(checkQuantizedLayers(g, 4)).isEqualTo(5);
        assertThat(g.node(g.consumers(g.indexOf("conv1.quant"))[0]).op().type()).isEqualTo("ReLU");
        assertThat(g.node(g.outputNode()).name()).isEqualTo("fc3.quant");
        assertThat(g.outputShape()).containsExactly(10);
    }

    @Test
    void qlenetForwardTakesAtMostTwoToTheNPlusOnePlusOneValuesPerLayerOutput() {
        Graph g = ModelZoo.build("qlenet");
        Initializer.initialize(g, Initializer.Scheme.PYTORCH, 3);
        int batch = 6;
        float[] x = new float[batch * 28 * 28];
        SplittableRandom rng = new SplittableRandom(9);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        Executor exec = new Executor(g);
        Activations acts = exec.capture(Tensor.of(x, batch, 1, 28, 28));
        int bound = (1 << 5) + 1;
        for (Node node : g.nodes()) {
            if (!(node.op() instanceof Quantize)) {
                continue;
            }
            int n = batch * node.outputSize();
            float[] out = acts.output(node.index());
            float[] layer = acts.output(node.input(0));
            assertThat(distinctValues(out, 0, n)).as(node.name()).isLessThanOrEqualTo(bound).isGreaterThan(2);
            // and it is q_4 of the whole batch's layer output
            float[] expected = new SwimQuantizer(4).quantize(java.util.Arrays.copyOf(layer, n));
            assertThat(java.util.Arrays.copyOf(out, n)).as(node.name()).containsExactly(expected);
        }
        // the fast executor gives the same logits (nothing to fold in LeNet; Quantize in place)
        float[] fast = new float[batch * 10];
        new Executor(g, Executor.Options.fast()).run(x, 0, batch, fast, 0);
        assertThat(fast).containsExactly(java.util.Arrays.copyOf(acts.output(g.outputNode()), batch * 10));
    }

    @Test
    void floatWeightsLoadIntoTheQuantizedModelAndChangeItsOutput() {
        Graph plain = ModelZoo.build("lenet");
        Initializer.initialize(plain, Initializer.Scheme.PYTORCH, 5);
        Graph q = ModelZoo.build("qlenet");
        q.loadStateDict(plain.parameters(), "lenet");
        float[] x = new float[2 * 28 * 28];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 29) / 29f;
        }
        Tensor in = Tensor.of(x, 2, 1, 28, 28);
        float[] a = new Executor(plain).run(in).data();
        float[] b = new Executor(q).run(in).data();
        assertThat(b).isNotEqualTo(a);
        assertThat(distinctValues(b, 0, b.length)).isLessThanOrEqualTo(33);
    }

    @Test
    void qconvnetHasSixBitOutputsAfterItsNineLayers() {
        Graph g = SwimModels.convnet("qconvnet", 3, 10, 32, 6);
        assertThat(checkQuantizedLayers(g, 6)).isEqualTo(9);
        assertThat(g.node(g.consumers(g.indexOf("features.0.quant"))[0]).name()).isEqualTo("features.1");
        assertThat(g.parameterNames()).isEqualTo(ModelZoo.build("convnet").parameterNames());
        assertThat(((Quantize) ModelZoo.build("qconvnet").node("classifier.4.quant").op()).bits()).isEqualTo(6);
    }

    @Test
    void qresnet18QuantizesConvOutputsBeforeBatchNorm() {
        Graph g = ModelZoo.build("qresnet18");
        assertThat(checkQuantizedLayers(g, 8)).isEqualTo(21); // 17 convs + 3 downsample convs + fc
        assertThat(g.node(g.consumers(g.indexOf("conv1.quant"))[0]).name()).isEqualTo("bn1");
        assertThat(g.node(g.consumers(g.indexOf("layer2.0.downsample.0.quant"))[0]).name())
                .isEqualTo("layer2.0.downsample.1");
        assertThat(g.parameterNames()).isEqualTo(ModelZoo.build("resnet18").parameterNames());
        // a batch norm after a Quantize is not folded into the convolution
        Executor fast = new Executor(g, Executor.Options.fast());
        assertThat(fast.foldedBatchNorm(g.indexOf("conv1"))).isEqualTo(-1);
    }

    @Test
    void zeroBitsIsTheFloatModelAndBadBitsAreRejected() {
        Graph g = SwimModels.lenet("lenet", 1, 10, 28, 0);
        assertThat(g.nodes().stream().map(Node::name).toList())
                .isEqualTo(ModelZoo.build("lenet").nodes().stream().map(Node::name).toList());
        assertThatThrownBy(() -> SwimModels.lenet("q", 1, 10, 28, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got -1");
        List<String> none = g.nodes().stream().filter(n -> n.op() instanceof Quantize).map(Node::name).toList();
        assertThat(none).isEmpty();
    }
}
