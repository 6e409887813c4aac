package dev.reliant.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.fault.FaultListGenerator.ActivationAllocation;
import dev.reliant.fault.FaultListGenerator.Sampler;
import dev.reliant.graph.Graph;
import dev.reliant.models.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Activation targets, list generation, the CSV layout with its Target column, and validation errors. */
class ActivationListTest {
    @TempDir
    Path tmp;

    private final Graph lenet = ModelZoo.build("lenet");

    @Test
    void targetsAreTheComputingNodesWithoutInputAndViews() {
        ActivationTargets t = ActivationTargets.of(lenet);
        assertThat(t.outputs().stream().map(ActivationTargets.NodeOutput::name)).containsExactly("conv1", "relu",
                "maxpool", "conv2", "relu_1", "maxpool_1", "fc1", "relu_2", "fc2", "relu_3", "fc3");
        // 6x28x28 twice, 6x14x14, 16x14x14 twice, 16x7x7, 120 twice, 84 twice, 10
        assertThat(t.valueCount()).isEqualTo(2 * 4704 + 1176 + 2 * 3136 + 784 + 2 * 120 + 2 * 84 + 10);
        assertThat(t.output("maxpool_1").shape()).containsExactly(16, 7, 7);
        assertThat(t.output("fc1").shape()).containsExactly(120);
    }

    @Test
    void allocationFollowsTheLeveugleFormulaOverOutputValues() {
        ActivationTargets t = ActivationTargets.of(lenet);
        ActivationAllocation a = FaultListGenerator.allocate(t, SampleSize.DEFAULT);
        double s = 18_058;
        double population = s * 32 * 2;
        double n = population / (1 + 0.01 * 0.01 * (population - 1) / (2.58 * 2.58 * 0.25));
        assertThat(a.population()).isEqualTo(population);
        assertThat(a.n()).isCloseTo(n, org.assertj.core.data.Offset.offset(1e-6));
        int total = 0;
        for (int l = 0; l < t.size(); l++) {
            assertThat(a.count(l)).as(t.outputs().get(l).name()).isEqualTo((int) Math.rint(t.outputs().get(l).numel() * n / s));
            total += a.count(l);
        }
        assertThat(a.total()).isEqualTo(total);
        assertThat(a.count(0)).as("conv1 has 4704 of 18058 values").isBetween(4_200, 4_350);
        assertThat(a.count(t.size() - 1)).as("fc3 has 10 values").isBetween(5, 10);
    }

    @Test
    void samplingIsDeterministicGroupedByNodeAndInRange() {
        ActivationTargets t = ActivationTargets.of(lenet);
        ActivationAllocation a = FaultListGenerator.allocate(t, new SampleSize(0.05, 1.96, 0.5));
        List<Fault> first = FaultListGenerator.sample(a, 7, Sampler.SPLITTABLE);
        assertThat(FaultListGenerator.sample(a, 7, Sampler.SPLITTABLE)).isEqualTo(first);
        assertThat(FaultListGenerator.sample(a, 8, Sampler.SPLITTABLE)).isNotEqualTo(first);
        assertThat(FaultListGenerator.sample(a, 7, Sampler.PYTHON)).isEqualTo(FaultListGenerator.sample(a, 7,
                Sampler.PYTHON)).isNotEqualTo(first);
        assertThat(first).hasSize(a.total());
        new ActivationListValidator(t).validate(first, "generated");
        Set<String> distinct = new HashSet<>();
        int node = 0;
        int[] perNode = new int[t.size()];
        for (int i = 0; i < first.size(); i++) {
            Fault f = first.get(i);
            assertThat(f.injection()).isEqualTo(i);
            while (!t.outputs().get(node).name().equals(f.layer())) {
                node++; // grouped in graph order: never back to an earlier node
            }
            perNode[node]++;
            assertThat(distinct.add(f.layer() + f.indexString() + f.bit())).as("duplicate %s", f).isTrue();
        }
        assertThat(perNode).containsExactly(a.counts());
        Set<Integer> bits = new HashSet<>();
        first.forEach(f -> bits.add(f.bit()));
        assertThat(bits).as("bits drawn over 0..31").hasSizeGreaterThan(28);
    }

    @Test
    void resNet20ListHasAboutTheStatisticalLimit() {
        ActivationTargets t = ActivationTargets.of(ModelZoo.build("resnet20"));
        assertThat(t.find("flatten")).isEmpty();
        assertThat(t.find("input")).isEmpty();
        assertThat(t.find("layer2.0.shortcut")).isPresent();
        ActivationAllocation a = FaultListGenerator.allocate(t, SampleSize.DEFAULT);
        assertThat(a.total()).isBetween(16_600, 16_660);
    }

    @Test
    void csvRoundTripWithTargetColumn() throws Exception {
        ActivationAllocation a = FaultListGenerator.allocate(ActivationTargets.of(lenet), new SampleSize(0.1, 1.96, 0.5));
        List<Fault> faults = FaultListGenerator.sample(a, 3, Sampler.SPLITTABLE);
        Path f = tmp.resolve("act.csv");
        FaultListCsv.writeActivations(f, faults);
        List<String> lines = Files.readAllLines(f);
        assertThat(lines.get(0)).isEqualTo("Injection,Layer,TensorIndex,Bit,Target");
        assertThat(lines.get(1)).matches("0,conv1,\"\\(\\d+, \\d+, \\d+\\)\",\\d+,activation");
        assertThat(lines.get(lines.size() - 1)).matches("\\d+,(fc|relu_)\\d,\"\\(\\d+,\\)\",\\d+,activation");
        assertThat(FaultListCsv.isActivationList(f)).isTrue();
        assertThat(FaultListCsv.readActivations(f, new ActivationListValidator(lenet))).isEqualTo(faults);

        // columns are found by name; a weight list is not an activation list
        Files.writeString(f, "Target,Bit,TensorIndex,Layer,Injection\nactivation,3,\"(5,)\",fc2,0\n");
        assertThat(FaultListCsv.readActivations(f, new ActivationListValidator(lenet)))
                .containsExactly(new Fault(0, "fc2", new int[] {5}, 3));
        Path w = tmp.resolve("w.csv");
        FaultListCsv.write(w, List.of(new Fault(0, "fc2", new int[] {5, 3}, 3)));
        assertThat(FaultListCsv.isActivationList(w)).isFalse();
        Files.writeString(w, "Injection,Layer,TensorIndex,Bit,Target\n0,fc2,\"(5, 3)\",3,weight\n");
        assertThat(FaultListCsv.isActivationList(w)).isFalse();
        assertThat(FaultListCsv.read(w, new FaultListValidator(lenet, dev.reliant.tensor.NumberFormats.FP32)))
                .hasSize(1);
    }

    private void assertBad(String row, String... fragments) throws Exception {
        Path f = tmp.resolve("bad.csv");
        Files.writeString(f, "Injection,Layer,TensorIndex,Bit,Target\n0,conv1,\"(0, 0, 0)\",1,activation\n" + row + "\n");
        assertThatThrownBy(() -> {
            if (FaultListCsv.isActivationList(f)) {
                FaultListCsv.readActivations(f, new ActivationListValidator(lenet));
            }
        }).isInstanceOf(FaultListException.class).hasMessageStartingWith("file " + f + ": line 3, field ")
                .hasMessageContainingAll(fragments).satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void badRowsAreOneLineErrorsWithFileLineAndField() throws Exception {
        assertBad("1,conv9,\"(0, 0, 0)\",1,activation", "'Layer'", "unknown node 'conv9'", "11 faultable nodes",
                "conv1 … fc3");
        assertBad("1,flatten,\"(3,)\",1,activation", "'Layer'", "flatten", "view of 'maxpool_1'");
        assertBad("1,input,\"(0, 0, 0)\",1,activation", "'Layer'", "input");
        assertBad("1,conv1,\"(6, 0, 0)\",1,activation", "'TensorIndex'", "out of range", "[6, 28, 28]", "0..5");
        assertBad("1,fc1,\"(0, 0)\",1,activation", "'TensorIndex'", "2 coordinates", "rank 1");
        assertBad("1,fc1,\"(0,)\",32,activation", "'Bit'", "32", "0..31");
        assertBad("1,fc1,\"(0,)\",3,neuron", "'Target'", "unknown target 'neuron'");
        assertBad("1,fc1,\"(0,)\",3,weight", "'Target'", "'weight' in a list of activation faults");
        assertBad("0,fc1,\"(0,)\",3,activation", "'Injection'", "appears twice");

        // an activation list read as a weight list
        Path f = tmp.resolve("act.csv");
        FaultListCsv.writeActivations(f, List.of(new Fault(0, "fc1", new int[] {1}, 2)));
        assertThatThrownBy(() -> FaultListCsv.read(f, new FaultListValidator(lenet,
                dev.reliant.tensor.NumberFormats.FP32))).isInstanceOf(FaultListException.class)
                .hasMessageContainingAll("line 2", "'Target'", "'activation' in a list of weight faults");
        // an activation list without its Target column
        Files.writeString(f, "Injection,Layer,TensorIndex,Bit\n0,fc1,\"(1,)\",2\n");
        assertThatThrownBy(() -> FaultListCsv.readActivations(f, new ActivationListValidator(lenet)))
                .isInstanceOf(FaultListException.class).hasMessageContainingAll("line 1", "'Target'", "missing column");
    }

    @Test
    void resolvingNamesTheFaultAndTheStoringNode() {
        ActivationTargets t = ActivationTargets.of(lenet);
        dev.reliant.graph.Executor ex = new dev.reliant.graph.Executor(lenet);
        CampaignFault f = t.resolve(4, new Fault(9, "maxpool_1", new int[] {2, 3, 4}, 30), ex);
        assertThat(f.node()).isEqualTo(lenet.indexOf("maxpool_1"));
        assertThat(f.flatIndex()).isEqualTo((2 * 7 + 3) * 7 + 4);
        assertThat(f.position()).isEqualTo(4);
        assertThatThrownBy(() -> t.resolve(4, new Fault(9, "maxpool_1", new int[] {2, 7, 4}, 30), ex))
                .hasMessageStartingWith("fault 4 (Injection 9): ").hasMessageContaining("out of range");
        assertThatThrownBy(() -> t.resolve(0, new Fault(0, "fc3", new int[] {1}, 32), ex))
                .hasMessageContaining("32");
    }
}
