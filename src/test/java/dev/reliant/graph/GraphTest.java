package dev.reliant.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.models.ModelZoo;
import dev.reliant.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class GraphTest {

    @Test
    void consumersAndDownstreamOfAResNetBlock() {
        Graph g = TinyModels.block();
        assertThat(g.nodes().stream().map(Node::name)).containsExactly("input", "c1", "b1", "relu", "c2", "b2", "add",
                "relu_1", "avgpool", "flatten", "fc");
        assertThat(g.node("add").inputs()).containsExactly(5, 3);
        assertThat(g.consumers(0)).containsExactly(1);
        assertThat(g.consumers(3)).containsExactly(4, 6);
        assertThat(g.consumers(10)).isEmpty();
        assertThat(g.downstream(0)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(g.downstream(3)).containsExactly(4, 5, 6, 7, 8, 9, 10);
        assertThat(g.downstream(4)).containsExactly(5, 6, 7, 8, 9, 10);
        assertThat(g.downstream(6)).containsExactly(7, 8, 9, 10);
        assertThat(g.downstream(10)).isEmpty();
        assertThat(g.inputNode()).isZero();
        assertThat(g.outputNode()).isEqualTo(10);
    }

    @Test
    void downstreamIsExactReachabilityInTopologicalOrder() {
        for (Graph g : new Graph[] {ModelZoo.build("resnet20"), ModelZoo.build("mobilenetv2"), TinyModels.mixed()}) {
            for (int i = 0; i < g.size(); i++) {
                TreeSet<Integer> reach = new TreeSet<>();
                ArrayDeque<Integer> todo = new ArrayDeque<>();
                todo.add(i);
                while (!todo.isEmpty()) {
                    for (int c : g.consumers(todo.poll())) {
                        if (reach.add(c)) {
                            todo.add(c);
                        }
                    }
                }
                assertThat(g.downstream(i)).as(g.name() + " node " + g.node(i).name())
                        .containsExactly(reach.stream().mapToInt(Integer::intValue).toArray());
                for (int in : g.node(i).inputs()) {
                    assertThat(in).isLessThan(i);
                    assertThat(g.consumers(in)).contains(i);
                }
            }
        }
    }

    @Test
    void parametersInRegistrationOrderOwnedByOneNode() {
        Graph g = TinyModels.block();
        assertThat(g.parameterNames()).containsExactly("c1.weight", "b1.weight", "b1.bias", "b1.running_mean",
                "b1.running_var", "c2.weight", "c2.bias", "b2.weight", "b2.bias", "b2.running_mean", "b2.running_var",
                "fc.weight", "fc.bias");
        assertThat(g.parameterOwner("b1.running_var")).isEqualTo(2);
        assertThat(g.parameterOwner("fc.bias")).isEqualTo(10);
        assertThat(g.parameterCount()).isEqualTo(4 * 3 * 9 + 16 + 4 * 4 * 9 + 4 + 16 + 5 * 4 + 5);
        assertThatThrownBy(() -> g.parameter("c3.weight")).hasMessageStartingWith("unknown parameter 'c3.weight' in model 'block'");
        assertThatThrownBy(() -> g.node("nope")).hasMessage("unknown node 'nope' in model 'block'");
        assertThatThrownBy(() -> g.parameters().put("x", Tensor.zeros(1))).isInstanceOf(UnsupportedOperationException.class);
    }

    private static Map<String, Tensor> copyOf(Graph g) {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        g.parameters().forEach((k, v) -> sd.put(k, v.copy()));
        return sd;
    }

    @Test
    void loadStateDictCopiesValuesAndIgnoresNumBatchesTrackedAndModulePrefix() {
        Graph source = TinyModels.block();
        Graph target = TinyModels.randomise(TinyModels.block(), 99);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        copyOf(source).forEach((k, v) -> sd.put("module." + k, v));
        sd.put("module.b1.num_batches_tracked", Tensor.zeros());
        long before = target.handle("c1.weight").version();
        target.loadStateDict(sd, "ckpt.pth");
        for (String name : source.parameterNames()) {
            assertThat(target.parameter(name).bitEquals(source.parameter(name))).as(name).isTrue();
        }
        assertThat(target.handle("c1.weight").version()).isGreaterThan(before);
        assertThat(target.parameter("c1.weight").data()).isNotSameAs(sd.get("module.c1.weight").data());
    }

    @Test
    void loadStateDictReportsEveryProblemInOneLineAndLoadsNothing() {
        Graph g = TinyModels.block();
        Map<String, Tensor> sd = copyOf(g);
        sd.remove("b2.running_var");
        sd.put("fc.weight", Tensor.zeros(10, 4));
        sd.put("fc2.weight", Tensor.zeros(3, 3));
        sd.put("b2.num_batches_tracked", Tensor.zeros());
        float kept = g.parameter("c1.weight").data()[0];
        sd.get("c1.weight").data()[0] = kept + 1;
        assertThatThrownBy(() -> g.loadStateDict(sd, "weights.safetensors"))
                .isInstanceOfSatisfying(StateDictException.class, e -> assertThat(e.problems()).containsExactly(
                        "weights.safetensors: missing tensor 'b2.running_var' (model 'block' expects shape [4])",
                        "weights.safetensors: tensor 'fc.weight' has shape [10, 4], model 'block' expects [5, 4]",
                        "weights.safetensors: unexpected tensor 'fc2.weight' with shape [3, 3] (model 'block' has no such parameter)"));
        assertThat(g.parameter("c1.weight").data()[0]).isEqualTo(kept);
    }

    @Test
    void builderRejectsBadArchitectures() {
        GraphBuilder b = new GraphBuilder("bad");
        int x = b.input(3, 8, 8);
        int c = b.conv("conv", x, 4, 3, 1, 1, false);
        assertThatThrownBy(() -> b.conv("conv", x, 4, 3, 1, 1, false)).hasMessage("bad: node name 'conv' is used twice");
        assertThatThrownBy(() -> b.add(c, x)).hasMessage("add: operands have different shapes [4, 8, 8] and [3, 8, 8]");
        assertThatThrownBy(() -> b.linear("fc", c, 10, true)).hasMessageContaining("flatten first");

        GraphBuilder unused = new GraphBuilder("unused");
        int in = unused.input(2);
        unused.relu(in);
        unused.relu(in);
        assertThatThrownBy(unused::build).hasMessageContaining("node 'relu' is not used by any other node");
    }

    @Test
    void generatedNamesFollowTheScope() {
        GraphBuilder b = new GraphBuilder("names");
        int x = b.input(2, 2, 2);
        b.scope("layer1.0");
        x = b.relu(x);
        x = b.relu(x);
        b.scope("");
        x = b.relu(x);
        b.flatten(x);
        Graph g = b.build();
        assertThat(g.nodes().stream().map(Node::name)).containsExactly("input", "layer1.0.relu", "layer1.0.relu_1",
                "relu", "flatten");
    }

    @Test
    void setParameterElementChangesOneValueAndItsVersion() {
        Graph g = TinyModels.block();
        long v = g.handle("fc.weight").version();
        g.setParameterElement("fc.weight", 7, 3.5f);
        assertThat(g.parameter("fc.weight").data()[7]).isEqualTo(3.5f);
        assertThat(g.handle("fc.weight").version()).isGreaterThan(v);
        assertThatThrownBy(() -> g.setParameterElement("fc.weight", 20, 0f))
                .hasMessage("index 20 outside [0, 20) of parameter 'fc.weight' [5, 4]");
    }
}
