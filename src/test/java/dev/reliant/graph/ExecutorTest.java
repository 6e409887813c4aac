package dev.reliant.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.models.FormulaWeights;
import dev.reliant.models.ModelZoo;
import dev.reliant.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutorTest {
    private static final List<Executor.Options> MODES = List.of(Executor.Options.exact(), Executor.Options.fast());

    private static Graph resnet20() {
        Graph g = ModelZoo.build("resnet20");
        FormulaWeights.fill(g);
        return g;
    }

    private static float[] run(Executor e, float[] input, int batch) {
        float[] out = new float[batch * e.graph().node(e.graph().outputNode()).outputSize()];
        e.run(input, 0, batch, out, 0);
        return out;
    }

    private static void assertBitEqual(float[] actual, float[] expected, String what) {
        assertThat(actual.length).as(what).isEqualTo(expected.length);
        assertThat(Tensor.bitEquals(actual, 0, expected, 0, expected.length)).as(what).isTrue();
    }

    @Test
    void captureGivesTheOutputOfAPlainRun() {
        for (Graph g : new Graph[] {resnet20(), TinyModels.mixed()}) {
            float[] x = TinyModels.input(g, 3, 5);
            for (Executor.Options o : MODES) {
                Executor e = new Executor(g, o);
                Activations acts = e.newActivations();
                e.run(x, 0, 3, acts);
                assertBitEqual(acts.output(g.outputNode()), run(e, x, 3), g.name() + " " + o);
                assertThat(acts.batch()).isEqualTo(3);
                assertThat(acts.tensor(g.outputNode()).shape()).containsExactly(3, g.outputShape()[0]);
            }
        }
    }

    @Test
    void runFromAnyNodeReproducesTheOutputBitForBit() {
        for (Graph g : new Graph[] {resnet20(), TinyModels.mixed(), TinyModels.block()}) {
            float[] x = TinyModels.input(g, 2, 6);
            for (Executor.Options o : MODES) {
                Executor e = new Executor(g, o);
                float[] expected = run(e, x, 2);
                Activations acts = e.newActivations();
                e.run(x, 0, 2, acts);
                float[] before = acts.output(g.outputNode()).clone();
                for (int node = 0; node < g.size(); node++) {
                    assertBitEqual(e.runFrom(node, acts), expected, g.name() + " " + o + " from " + g.node(node).name());
                }
                assertBitEqual(acts.output(g.outputNode()), before, "runFrom leaves the activations alone");
            }
        }
    }

    @Test
    void runFromAfterAParameterChangeEqualsAFullRun() {
        Graph g = resnet20();
        float[] x = TinyModels.input(g, 2, 7);
        String[] changed = {"layer2.0.conv1.weight", "layer2.1.bn2.running_var", "layer1.0.bn1.weight", "linear.bias"};
        for (Executor.Options o : MODES) {
            Executor e = new Executor(g, o);
            Activations golden = e.newActivations();
            e.run(x, 0, 2, golden);
            float[] goldenOut = golden.output(g.outputNode()).clone();
            for (String name : changed) {
                int owner = g.parameterOwner(name);
                float old = g.parameter(name).data()[3];
                g.setParameterElement(name, 3, old * -8f + 0.5f);
                float[] faulty = e.runFrom(owner, golden);
                assertBitEqual(faulty, run(e, x, 2), o + " " + name);
                assertThat(Tensor.bitEquals(faulty, 0, goldenOut, 0, goldenOut.length)).as(name).isFalse();
                g.setParameterElement(name, 3, old);
                assertBitEqual(e.runFrom(owner, golden), goldenOut, o + " " + name + " restored");
            }
        }
    }

    @Test
    void inPlaceWeightPatchesEqualARepack() {
        Graph patched = resnet20();
        Graph repacked = resnet20();
        float[] x = TinyModels.input(patched, 2, 9);
        Executor e = new Executor(patched);
        run(e, x, 2); // prepares (packs) every layer
        for (String name : new String[] {"linear.weight", "layer3.2.conv2.weight"}) {
            float value = -1.489e38f;
            patched.setParameterElement(name, 5, value); // patched in place
            repacked.parameter(name).data()[5] = value;
            repacked.markChanged(name); // prepared again from scratch
        }
        assertBitEqual(run(e, x, 2), run(new Executor(repacked), x, 2), "patched vs repacked");
    }

    @Test
    void foldingChangesOnlyRounding() {
        Graph g = resnet20();
        float[] x = TinyModels.input(g, 4, 8);
        float[] exact = run(new Executor(g), x, 4);
        float[] folded = run(new Executor(g, Executor.Options.exact().foldBatchNorm(true)), x, 4);
        float[] fused = run(new Executor(g, Executor.Options.exact().fuseAddRelu(true)), x, 4);
        assertBitEqual(fused, exact, "add+relu fusion is exact");
        float scale = Tensor.of(exact, 4, 10).maxAbs();
        for (int i = 0; i < exact.length; i++) {
            assertThat(folded[i]).isCloseTo(exact[i], org.assertj.core.data.Offset.offset(1e-4f * Math.max(1, scale)));
        }
        Executor e = new Executor(g, Executor.Options.fast());
        assertThat(e.foldedBatchNorm(g.indexOf("layer1.0.conv1"))).isEqualTo(g.indexOf("layer1.0.bn1"));
        assertThat(e.storageOf(g.indexOf("layer1.0.bn1"))).isEqualTo(g.indexOf("layer1.0.conv1"));
        assertThat(e.storageOf(g.indexOf("layer1.0.relu_1"))).isEqualTo(g.indexOf("layer1.0.add"));
        assertThat(new Executor(g).foldedBatchNorm(g.indexOf("layer1.0.conv1"))).isEqualTo(-1);
    }

    @Test
    void resultsDoNotDependOnBatchSizeOrPosition() {
        Graph g = TinyModels.mixed();
        float[] x = TinyModels.input(g, 5, 9);
        Executor e = new Executor(g, Executor.Options.fast());
        float[] all = run(e, x, 5);
        int in = g.node(0).outputSize();
        int out = g.node(g.outputNode()).outputSize();
        for (int b = 0; b < 5; b++) {
            float[] one = new float[out];
            e.run(x, b * in, 1, one, 0);
            assertThat(Tensor.bitEquals(one, 0, all, b * out, out)).as("image " + b).isTrue();
        }
    }

    @Test
    void buffersAreReusedAcrossCallsAndNodes() {
        Graph g = resnet20();
        Executor e = new Executor(g);
        float[] x = TinyModels.input(g, 8, 10);
        float[] out = new float[80];
        e.run(x, 0, 8, out, 0);
        long floats = e.bufferFloats();
        long allNodes = g.nodes().stream().mapToLong(n -> 8L * n.outputSize()).sum();
        assertThat(floats).isLessThan(allNodes / 8);
        for (int i = 0; i < 3; i++) {
            e.run(x, 0, 8, out, 0);
            e.run(x, 0, 5, out, 0);
        }
        // the same buffers serve every call that does not need more (the kernels themselves
        // allocate nothing once compiled; the interpreter boxes vectors, so bytes are not counted here)
        assertThat(e.bufferFloats()).isEqualTo(floats);
        Activations acts = e.newActivations();
        e.run(x, 0, 8, acts);
        e.runFrom(g.indexOf("layer2.0.conv1"), acts, out, 0);
        long withRunFrom = e.bufferFloats();
        e.runFrom(g.indexOf("layer2.0.conv1"), acts, out, 0);
        e.runFrom(g.indexOf("layer2.0.conv1"), acts, out, 0);
        assertThat(e.bufferFloats()).isEqualTo(withRunFrom).isLessThanOrEqualTo(2 * floats);
    }

    @Test
    void activationsAreReusedForTheSameBatchSize() {
        Graph g = TinyModels.block();
        Executor e = new Executor(g);
        Activations acts = e.newActivations();
        e.run(TinyModels.input(g, 3, 1), 0, 3, acts);
        float[] first = acts.output(4);
        e.run(TinyModels.input(g, 3, 2), 0, 3, acts);
        assertThat(acts.output(4)).isSameAs(first);
        assertThat(acts.output("flatten")).isSameAs(acts.output("avgpool"));
    }

    @Test
    void misuseIsReportedClearly() {
        Graph g = TinyModels.block();
        Executor e = new Executor(g);
        Activations other = new Executor(g).newActivations();
        assertThatThrownBy(() -> e.runFrom(1, other, new float[5], 0))
                .hasMessage("these activations were captured by another executor");
        assertThatThrownBy(() -> e.runFrom(1, e.newActivations(), new float[5], 0))
                .hasMessageStartingWith("no batch captured yet");
        assertThatThrownBy(() -> e.run(new float[100], 0, 1, new float[5], 0))
                .hasMessage("input of model 'block': 1 images of [3, 6, 6] need 108 values from offset 0, the array has 100");
        assertThatThrownBy(() -> e.run(Tensor.zeros(2, 3, 5, 5)))
                .hasMessage("input of model 'block': expected shape [N, 3, 6, 6], got [2, 3, 5, 5]");
    }
}
