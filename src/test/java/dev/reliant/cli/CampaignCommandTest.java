package dev.reliant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.data.Dataset;
import dev.reliant.data.IdxWriter;
import dev.reliant.fault.ActivationTargets;
import dev.reliant.fault.Fault;
import dev.reliant.fault.FaultListCsv;
import dev.reliant.fault.FaultTargets;
import dev.reliant.graph.Graph;
import dev.reliant.io.SafeTensors;
import dev.reliant.models.FormulaWeights;
import dev.reliant.models.ModelZoo;
import dev.reliant.simd.Parallel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/**
 * {@code reliant campaign} in-process (and once in a child JVM that is killed), on LeNet with the
 * formula weights and random MNIST-format images written to a temporary directory.
 */
class CampaignCommandTest {
    private final int threadsBefore = Parallel.threads();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path tmp;
    Path weights;
    Path data;
    Path list;

    @BeforeEach
    void writeInputs() throws Exception {
        Graph g = ModelZoo.build("lenet");
        FormulaWeights.fill(g);
        weights = tmp.resolve("lenet.safetensors");
        SafeTensors.writeFloats(weights, g.parameters(), Map.of());
        data = Files.createDirectory(tmp.resolve("mnist"));
        Random rnd = new Random(7);
        int n = 40;
        byte[] pixels = new byte[n * 28 * 28];
        rnd.nextBytes(pixels);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rnd.nextInt(10);
        }
        Dataset ds = new Dataset("random", pixels, labels, 1, 28, 28, List.of());
        IdxWriter.writeImages(data.resolve("t10k-images-idx3-ubyte"), ds, false);
        IdxWriter.writeLabels(data.resolve("t10k-labels-idx1-ubyte"), ds, false);
        list = tmp.resolve("faults.csv");
        FaultListCsv.write(list, faults(g, 60));
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    /** Faults spread over every layer and all 32 bits. */
    static List<Fault> faults(Graph g, int count) {
        Random rnd = new Random(3);
        List<FaultTargets.Layer> layers = FaultTargets.weights(g).layers();
        List<Fault> faults = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            FaultTargets.Layer l = layers.get(k % layers.size());
            int[] shape = l.shape();
            int[] index = new int[shape.length];
            for (int d = 0; d < shape.length; d++) {
                index[d] = rnd.nextInt(shape[d]);
            }
            faults.add(new Fault(k, l.name(), index, (k * 7) % 32));
        }
        return faults;
    }

    private List<String> common(Path results) {
        return new ArrayList<>(List.of("campaign", "-m", "lenet", "-w", weights.toString(), "--dataset", "mnist",
                "--data", data.toString(), "--norm", "mnist", "--faults", list.toString(), "--out", results.toString()));
    }

    private int run(List<String> args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cmd = Main.newCommandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setColorScheme(CommandLine.Help.defaultColorScheme(Ansi.OFF));
        return Main.run(cmd, args.toArray(String[]::new));
    }

    private int run(String... args) {
        return run(List.of(args));
    }

    private void assertOneLineError(String... fragments) {
        List<String> lines = err.toString().lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("reliant: error: ").contains(fragments);
    }

    @Test
    void helpIsTheManual() {
        assertThat(run("campaign", "--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: reliant campaign").contains("--faults", "--resume", "--naive",
                "--fault-model", "--bits-per-fault", "--format", "--fold-bn", "--bench", "masked", "critical",
                "Activation lists", "Target", "faultlist", "--activations");
    }

    @Test
    void writesResultsSummariesAndNoJournal() throws Exception {
        Path results = tmp.resolve("RESULTS.csv");
        assertThat(run(common(results))).as(err.toString()).isZero();
        List<String> lines = Files.readAllLines(results);
        assertThat(lines.get(0)).isEqualTo("Injection,Layer,TensorIndex,Bit,n_injections,masked,non_critical,critical,"
                + "top1_correct,due,noop,fault_model,format");
        assertThat(lines).hasSize(61);
        assertThat(lines.get(1)).startsWith("0,conv1,\"(").endsWith(",0,bitflip,fp32");
        for (String row : lines.subList(1, lines.size())) {
            String[] v = row.replaceAll("\"[^\"]*\"", "IDX").split(",");
            assertThat(Long.parseLong(v[5]) + Long.parseLong(v[6]) + Long.parseLong(v[7])).isEqualTo(40);
            assertThat(v[4]).isEqualTo("40");
        }
        assertThat(Files.readAllLines(tmp.resolve("RESULTS-per-bit.csv"))).hasSize(33);
        assertThat(Files.readAllLines(tmp.resolve("RESULTS-per-layer.csv"))).hasSize(6)
                .element(1).asString().startsWith("conv1,12,0,480,");
        assertThat(tmp.resolve("RESULTS.csv.partial")).doesNotExist();
        assertThat(out.toString()).contains("golden", "critical", "all-masked", "fc3");

        // the naive path writes the same file; an existing file needs --force
        Path first = Files.copy(results, tmp.resolve("first.csv"));
        assertThat(run(common(results))).isEqualTo(1);
        assertOneLineError("RESULTS.csv exists", "--force");
        List<String> naive = common(results);
        naive.addAll(List.of("--naive", "--force", "--threads", "1"));
        assertThat(run(naive)).as(err.toString()).isZero();
        assertThat(Files.readAllBytes(results)).isEqualTo(Files.readAllBytes(first));
    }

    @Test
    void badListRowsAreOneLineWithFileLineAndField() throws Exception {
        Path results = tmp.resolve("R.csv");
        String[][] cases = {
            {"0,conv9,\"(0, 0, 0, 0)\",3", "Layer", "conv9"},
            {"0,conv1,\"(6, 0, 0, 0)\",3", "TensorIndex", "out of range"},
            {"0,conv1,\"(0, 0, 0, 0)\",32", "Bit", "32"},
            {"0,conv1,\"(0, 0, 0, 0)\",x", "Bit", "'x'"},
        };
        for (String[] c : cases) {
            Files.writeString(list, "Injection,Layer,TensorIndex,Bit\n" + c[0] + "\n");
            assertThat(run(common(results))).isEqualTo(1);
            assertOneLineError("faults.csv", "line 2", c[1], c[2]);
            assertThat(results).doesNotExist();
            assertThat(tmp.resolve("R.csv.partial")).doesNotExist();
        }
        Files.writeString(list, "Injection,Layer,TensorIndex,Bit\n0,conv1,\"(0, 0, 0, 0)\",9\n");
        List<String> int8 = common(results);
        int8.addAll(List.of("--format", "int8"));
        assertThat(run(int8)).isEqualTo(1);
        assertOneLineError("line 2", "Bit", "int8");
    }

    @Test
    void resumeNeedsAJournalAndTheSameCampaign() throws Exception {
        Path results = tmp.resolve("R.csv");
        List<String> resume = common(results);
        resume.add("--resume");
        assertThat(run(resume)).isEqualTo(1);
        assertOneLineError("nothing to resume");

        Files.writeString(tmp.resolve("R.csv.partial"), "# reliant campaign journal v1: something else\n"
                + "row,Injection,Layer,Bit,masked,non_critical,critical,top1_correct,due\n");
        assertThat(run(common(results))).isEqualTo(1);
        assertOneLineError("interrupted run", "--resume");
        assertThat(run(resume)).isEqualTo(1);
        assertOneLineError("belongs to another campaign");
        assertThat(results).doesNotExist();
    }

    @Test
    void benchComparesBothPaths() {
        List<String> args = common(tmp.resolve("unused.csv"));
        args.add("--bench=8");
        assertThat(run(args)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("fast ", "naive ", "evaluations/s", "counts identical for every fault");
        assertThat(tmp.resolve("unused.csv")).doesNotExist();
    }

    @Test
    void aKilledRunResumesToTheSameFile() throws Exception {
        Graph g = ModelZoo.build("lenet");
        FaultListCsv.write(list, faults(g, 1200));
        Path reference = tmp.resolve("reference.csv");
        assertThat(run(common(reference))).as(err.toString()).isZero();

        Path results = tmp.resolve("killed.csv");
        Path journal = tmp.resolve("killed.csv.partial");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(common(results));
        command.addAll(List.of("--naive", "--block", "10", "--threads", "1"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (journalRows(journal) < 25 && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(p.isAlive()).as("the child should still be running: %s",
                    Files.exists(tmp.resolve("child.log")) ? Files.readString(tmp.resolve("child.log")) : "").isTrue();
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        int journaled = journalRows(journal);
        assertThat(journaled).isBetween(25, 1199);
        assertThat(results).doesNotExist();
        // a line the process was writing when it died is cut off and its fault run again
        Files.writeString(journal, "1199,1199,fc", java.nio.file.StandardOpenOption.APPEND);

        List<String> resume = common(results);
        resume.add("--resume");
        assertThat(run(resume)).as(err.toString()).isZero();
        assertThat(Files.readAllBytes(results)).isEqualTo(Files.readAllBytes(reference));
        assertThat(Files.readAllBytes(tmp.resolve("killed-per-bit.csv")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("reference-per-bit.csv")));
        assertThat(journal).doesNotExist();
    }

    @Test
    void activationListRunsWithTheSameFilesOnBothPaths() throws Exception {
        Graph g = ModelZoo.build("lenet");
        List<Fault> faults = new ArrayList<>();
        Random rnd = new Random(5);
        List<ActivationTargets.NodeOutput> nodes = ActivationTargets.of(g).outputs();
        for (int k = 0; k < 33; k++) {
            ActivationTargets.NodeOutput o = nodes.get(k % nodes.size());
            int[] shape = o.shape();
            int[] index = new int[shape.length];
            for (int d = 0; d < shape.length; d++) {
                index[d] = rnd.nextInt(shape[d]);
            }
            faults.add(new Fault(k, o.name(), index, (k * 7) % 32));
        }
        FaultListCsv.writeActivations(list, faults);
        Path results = tmp.resolve("ACT.csv");
        assertThat(run(common(results))).as(err.toString()).isZero();
        assertThat(out.toString()).contains("33 activation faults", "relu_3", "golden");
        List<String> lines = Files.readAllLines(results);
        assertThat(lines).hasSize(34);
        assertThat(lines.get(1)).startsWith("0,conv1,\"(").endsWith(",0,bitflip,fp32");
        for (String row : lines.subList(1, lines.size())) {
            String[] v = row.replaceAll("\"[^\"]*\"", "IDX").split(",");
            assertThat(Long.parseLong(v[5]) + Long.parseLong(v[6]) + Long.parseLong(v[7])).isEqualTo(40);
        }
        assertThat(Files.readAllLines(tmp.resolve("ACT-per-bit.csv"))).hasSize(33);
        List<String> perNode = Files.readAllLines(tmp.resolve("ACT-per-layer.csv"));
        assertThat(perNode).hasSize(12);
        assertThat(perNode.get(2)).startsWith("relu,3,0,120,");
        assertThat(tmp.resolve("ACT.csv.partial")).doesNotExist();

        Path first = Files.copy(results, tmp.resolve("first.csv"));
        List<String> naive = common(results);
        naive.addAll(List.of("--naive", "--force", "--threads", "1", "--fold-bn"));
        assertThat(run(naive)).as(err.toString()).isZero();
        assertThat(Files.readAllBytes(results)).as("lenet has no batch norm to fold")
                .isEqualTo(Files.readAllBytes(first));

        List<String> bench = common(tmp.resolve("unused.csv"));
        bench.add("--bench=6");
        assertThat(run(bench)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("counts identical for every fault");
    }

    @Test
    void badActivationRowsAreOneLineWithFileLineAndField() throws Exception {
        Path results = tmp.resolve("R.csv");
        String[][] cases = {
            {"0,conv9,\"(0, 0, 0)\",3,activation", "Layer", "unknown node 'conv9'"},
            {"0,flatten,\"(0,)\",3,activation", "Layer", "view of 'maxpool_1'"},
            {"0,conv1,\"(0, 28, 0)\",3,activation", "TensorIndex", "out of range"},
            {"0,fc1,\"(0,)\",32,activation", "Bit", "32"},
        };
        for (String[] c : cases) {
            Files.writeString(list, "Injection,Layer,TensorIndex,Bit,Target\n" + c[0] + "\n");
            assertThat(run(common(results))).isEqualTo(1);
            assertOneLineError("faults.csv", "line 2", c[1], c[2]);
            assertThat(results).doesNotExist();
            assertThat(tmp.resolve("R.csv.partial")).doesNotExist();
        }
        Files.writeString(list, "Injection,Layer,TensorIndex,Bit,Target\n0,fc1,\"(0,)\",3,activation\n"
                + "1,fc1,\"(0, 0)\",3,weight\n");
        assertThat(run(common(results))).isEqualTo(1);
        assertOneLineError("faults.csv", "line 3", "Target", "'weight' in a list of activation faults");
    }

    private static int journalRows(Path journal) throws Exception {
        if (!Files.exists(journal)) {
            return 0;
        }
        String s = Files.readString(journal);
        return (int) Math.max(0, s.chars().filter(c -> c == '\n').count() - 2);
    }
}
