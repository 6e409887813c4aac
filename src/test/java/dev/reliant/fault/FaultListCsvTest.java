package dev.reliant.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reliant.fault.FaultListCsv.ResultRow;
import dev.reliant.graph.Graph;
import dev.reliant.models.ModelZoo;
import dev.reliant.tensor.NumberFormats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSV layouts of specs/fault-injection.md §4 and their one-line errors. */
class FaultListCsvTest {
    private static final Graph RESNET20 = ModelZoo.build("resnet20");

    @TempDir
    Path tmp;

    private static final List<Fault> SAMPLE = List.of(
            new Fault(0, "conv1", new int[] {3, 0, 2, 1}, 15),
            new Fault(1, "layer1.0.conv1", new int[] {13, 0, 0, 0}, 30),
            new Fault(2, "linear", new int[] {7, 42}, 0));

    private Path file(String name, String content) throws Exception {
        return Files.writeString(tmp.resolve(name), content);
    }

    @Test
    void writesThePyTorchLayoutExactly() throws Exception {
        Path f = tmp.resolve("list.csv");
        FaultListCsv.write(f, SAMPLE);
        assertThat(Files.readString(f)).isEqualTo("""
                Injection,Layer,TensorIndex,Bit
                0,conv1,"(3, 0, 2, 1)",15
                1,layer1.0.conv1,"(13, 0, 0, 0)",30
                2,linear,"(7, 42)",0
                """);
        assertThat(FaultListCsv.read(f)).isEqualTo(SAMPLE);
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("list.csv");
        }
    }

    @Test
    void writingReplacesAnExistingFileWhole() throws Exception {
        Path f = file("list.csv", "old content that is longer than the new one ".repeat(20));
        FaultListCsv.write(f, SAMPLE.subList(0, 1));
        assertThat(Files.readString(f)).isEqualTo("Injection,Layer,TensorIndex,Bit\n0,conv1,\"(3, 0, 2, 1)\",15\n");
    }

    @Test
    void readsColumnsByNameInAnyOrderWithResults() throws Exception {
        Path f = file("results.csv", """
                Injection,Layer,TensorIndex,Bit,n_injections,masked,non_critical,critical
                0,conv1,"(3, 0, 2, 1)",15,10000,9990,8,2
                1,linear,"(7, 42)",30,10000,0,0,10000
                """);
        assertThat(FaultListCsv.read(f)).containsExactly(SAMPLE.get(0), new Fault(1, "linear", new int[] {7, 42}, 30));
        List<ResultRow> rows = FaultListCsv.readResults(f);
        assertThat(rows.get(0).masked()).isEqualTo(9990);
        assertThat(rows.get(0).nonCritical()).isEqualTo(8);
        assertThat(rows.get(0).critical()).isEqualTo(2);
        assertThat(rows.get(0).images()).isEqualTo(10_000);
        assertThat(rows.get(1).critical()).isEqualTo(10_000);
        assertThat(rows.get(1).extra()).isEmpty();

        Path shuffled = file("shuffled.csv", "Bit,TensorIndex,Layer,Injection\n15,\"(3,0,2,1)\",conv1,0\n");
        assertThat(FaultListCsv.read(shuffled)).containsExactly(SAMPLE.get(0));
    }

    @Test
    void readsWindowsLineEndingsAndAByteOrderMark() throws Exception {
        Path f = file("crlf.csv", "\uFEFFInjection,Layer,TensorIndex,Bit\r\n0,conv1,\"(3, 0, 2, 1)\",15\r\n"
                + "1,conv1,\"(3, 0)\",x\r\n");
        assertThatThrownBy(() -> FaultListCsv.read(f)).hasMessage("file " + f + ": line 3, field 'Bit': 'x' is not an integer");
        Files.writeString(f, "\uFEFFInjection,Layer,TensorIndex,Bit\r\n0,conv1,\"(3, 0, 2, 1)\",15\r\n");
        assertThat(FaultListCsv.read(f)).containsExactly(SAMPLE.get(0));
    }

    @Test
    void readsTheOlderRevisionWithTopKColumns() throws Exception {
        Path f = file("old.csv", """
                Injection,Layer,TensorIndex,Bit,n_injections,top_1_correct,top_5_correct,top_1_robust,top_5_robust,masked,non_critical,critical
                0,conv1,"(3, 0, 2, 1)",15,10000,9100,9950,9998,10000,9990,8,2
                """);
        ResultRow r = FaultListCsv.readResults(f).get(0);
        assertThat(r.fault()).isEqualTo(SAMPLE.get(0));
        assertThat(r.nInjections()).isEqualTo(10_000);
        assertThat(new long[] {r.masked(), r.nonCritical(), r.critical()}).containsExactly(9990, 8, 2);
        assertThat(r.extra()).containsExactly(Map.entry("top_1_correct", "9100"), Map.entry("top_5_correct", "9950"),
                Map.entry("top_1_robust", "9998"), Map.entry("top_5_robust", "10000"));
    }

    @Test
    void resultsRoundTripWithExtraColumns() throws Exception {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("top_1_correct", "9100");
        extra.put("due", "0");
        List<ResultRow> rows = List.of(new ResultRow(SAMPLE.get(0), 10_000, 9990, 8, 2, extra),
                new ResultRow(SAMPLE.get(2), 10_000, 10_000, 0, 0, extra));
        Path f = tmp.resolve("r.csv");
        FaultListCsv.writeResults(f, rows);
        assertThat(Files.readString(f).lines().toList()).containsExactly(
                "Injection,Layer,TensorIndex,Bit,n_injections,masked,non_critical,critical,top_1_correct,due",
                "0,conv1,\"(3, 0, 2, 1)\",15,10000,9990,8,2,9100,0",
                "2,linear,\"(7, 42)\",0,10000,10000,0,0,9100,0");
        assertThat(FaultListCsv.readResults(f)).isEqualTo(rows);
        List<ResultRow> mixed = List.of(rows.get(0), new ResultRow(SAMPLE.get(1), 1, 1, 0, 0, Map.of()));
        assertThatThrownBy(() -> FaultListCsv.writeResults(tmp.resolve("m.csv"), mixed))
                .hasMessageContaining("extra columns");
    }

    @Test
    void kerasVariantNamesLayersAndPermutesIndices() throws Exception {
        Path f = tmp.resolve("tf.csv");
        FaultListCsv.writeKeras(f, SAMPLE, RESNET20);
        assertThat(Files.readString(f)).isEqualTo("""
                Injection,Layer,TensorIndex,Bit
                0,conv2d,"(2, 1, 0, 3)",15
                1,conv2d_1,"(0, 0, 0, 13)",30
                2,dense,"(42, 7)",0
                """);
        assertThat(FaultListCsv.readKeras(f, RESNET20)).isEqualTo(SAMPLE);
        Map<FaultTargets.Layer, String> names = FaultListCsv.kerasNames(RESNET20);
        assertThat(names.values()).startsWith("conv2d", "conv2d_1", "conv2d_2").endsWith("conv2d_18", "dense");
    }

    @Test
    void kerasDepthwiseKernelsMapBackThroughThePyTorchForm() throws Exception {
        Graph g = ModelZoo.build("mobilenetv2");
        FaultTargets.Layer depthwise = FaultTargets.weights(g).layers().stream().filter(l -> l.shape()[1] == 1)
                .findFirst().orElseThrow();
        int c = depthwise.shape()[0] - 1;
        List<Fault> faults = List.of(new Fault(0, depthwise.name(), new int[] {c, 0, 2, 1}, 31));
        Path f = tmp.resolve("dw.csv");
        FaultListCsv.writeKeras(f, faults, g);
        assertThat(Files.readString(f)).contains("\"(2, 1, 0, " + c + ")\",31");
        assertThat(FaultListCsv.readKeras(f, g)).isEqualTo(faults);
    }

    @Test
    void readWithAValidatorChecksEveryRow() throws Exception {
        FaultListValidator v = new FaultListValidator(RESNET20, NumberFormats.FP32);
        Path good = tmp.resolve("good.csv");
        FaultListCsv.write(good, SAMPLE);
        assertThat(FaultListCsv.read(good, v)).isEqualTo(SAMPLE);

        // a full-size list with a bad last row (line numbers are looked up only for the row at fault)
        List<Fault> big = new java.util.ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            big.add(new Fault(i, "layer3.2.conv2", new int[] {i % 64, i / 64 % 64, 1, 2}, i % 32));
        }
        big.add(new Fault(20_000, "linear", new int[] {3, 64}, 1));
        Path bigFile = tmp.resolve("big.csv");
        FaultListCsv.write(bigFile, big);
        assertThatThrownBy(() -> FaultListCsv.read(bigFile, v)).hasMessageContaining("line 20002, field 'TensorIndex'");
        assertThat(FaultListCsv.read(bigFile).subList(0, 20_000)).isEqualTo(big.subList(0, 20_000));

        Path unknown = file("unknown.csv", "Injection,Layer,TensorIndex,Bit\n0,conv1,\"(0, 0, 0, 0)\",1\n"
                + "1,conv9,\"(0, 0, 0, 0)\",1\n");
        assertThatThrownBy(() -> FaultListCsv.read(unknown, v)).isInstanceOf(FaultListException.class)
                .hasMessage("file " + unknown + ": line 3, field 'Layer': unknown layer 'conv9' (model resnet20 has "
                        + "20 faultable layers: conv1 … linear)");
        Path range = file("range.csv", "Injection,Layer,TensorIndex,Bit\n0,linear,\"(10, 0)\",1\n");
        assertThatThrownBy(() -> FaultListCsv.read(range, v))
                .hasMessageStartingWith("file " + range + ": line 2, field 'TensorIndex': index (10, 0) out of range")
                .hasMessageContaining("[10, 64]");
        Path rank = file("rank.csv", "Injection,Layer,TensorIndex,Bit\n0,linear,\"(1, 0, 0, 0)\",1\n");
        assertThatThrownBy(() -> FaultListCsv.read(rank, v))
                .hasMessageStartingWith("file " + rank + ": line 2, field 'TensorIndex'").hasMessageContaining("rank 2");
        Path bit = file("bit.csv", "Injection,Layer,TensorIndex,Bit\n0,linear,\"(1, 0)\",8\n");
        assertThat(FaultListCsv.read(bit, v)).hasSize(1);
        assertThatThrownBy(() -> FaultListCsv.read(bit, new FaultListValidator(RESNET20, NumberFormats.parse("int8:1"))))
                .hasMessage("file " + bit + ": line 2, field 'Bit': bit 8 out of range for int8 (bits 0..7)");
    }

    @Test
    void malformedFilesGiveOneLineWithFileLineAndField() throws Exception {
        Path empty = file("empty.csv", "");
        assertThatThrownBy(() -> FaultListCsv.read(empty)).isInstanceOf(FaultListException.class)
                .hasMessageStartingWith("file " + empty + ": line 1: empty file");
        Path missing = file("missing.csv", "Injection,Layer,TensorIndex\n0,conv1,\"(0, 0, 0, 0)\"\n");
        assertThatThrownBy(() -> FaultListCsv.read(missing))
                .hasMessageStartingWith("file " + missing + ": line 1, field 'Bit': missing column");
        Path noResults = tmp.resolve("list.csv");
        FaultListCsv.write(noResults, SAMPLE);
        assertThatThrownBy(() -> FaultListCsv.readResults(noResults))
                .hasMessageContaining("field 'n_injections': missing column");
        Path tuple = file("tuple.csv", "Injection,Layer,TensorIndex,Bit\n0,conv1,\"(0, 0, 0, 0)\",1\n"
                + "1,conv1,\"(0, x, 0, 0)\",1\n");
        assertThatThrownBy(() -> FaultListCsv.read(tuple))
                .hasMessageStartingWith("file " + tuple + ": line 3, field 'TensorIndex': malformed index '(0, x, 0, 0)'");
        Path bit = file("bit.csv", "Injection,Layer,TensorIndex,Bit\n\n\n0,conv1,\"(0, 0, 0, 0)\",thirty\n");
        assertThatThrownBy(() -> FaultListCsv.read(bit))
                .hasMessage("file " + bit + ": line 4, field 'Bit': 'thirty' is not an integer");
        Path shortRow = file("short.csv", "Injection,Layer,TensorIndex,Bit\n0,conv1\n");
        assertThatThrownBy(() -> FaultListCsv.read(shortRow))
                .hasMessageStartingWith("file " + shortRow + ": line 2, field 'TensorIndex': missing value");
        Path twice = file("twice.csv", "Injection,Layer,TensorIndex,Bit\n0,conv1,\"(0, 0, 0, 0)\",1\n"
                + "0,conv1,\"(0, 0, 0, 1)\",1\n");
        assertThatThrownBy(() -> FaultListCsv.read(twice))
                .hasMessage("file " + twice + ": line 3, field 'Injection': injection 0 appears twice (first on line 2)");
        Path negative = file("neg.csv", "Injection,Layer,TensorIndex,Bit\n0,conv1,\"(0, 0, 0, 0)\",-1\n");
        assertThatThrownBy(() -> FaultListCsv.read(negative)).hasMessageContaining("line 2, field 'Bit': negative");
        Path quote = file("quote.csv", "Injection,Layer,TensorIndex,Bit\n0,conv1,\"(0, 0, 0, 0),1\n");
        assertThatThrownBy(() -> FaultListCsv.read(quote)).isInstanceOf(FaultListException.class)
                .hasMessageStartingWith("file " + quote + ": malformed CSV");
        assertThatThrownBy(() -> FaultListCsv.read(tmp.resolve("nope.csv")))
                .hasMessage("file " + tmp.resolve("nope.csv") + ": not found");
        for (FaultListException e : new FaultListException[] {catchFault(empty), catchFault(tuple), catchFault(bit)}) {
            assertThat(e.getMessage()).doesNotContain("\n");
        }
    }

    private static FaultListException catchFault(Path f) {
        try {
            FaultListCsv.read(f);
        } catch (FaultListException e) {
            return e;
        }
        throw new AssertionError("no error for " + f);
    }

    @Test
    void kerasReadingErrors() throws Exception {
        Path unknown = file("tf.csv", "Injection,Layer,TensorIndex,Bit\n0,conv2d_19,\"(0, 0, 0, 0)\",1\n");
        assertThatThrownBy(() -> FaultListCsv.readKeras(unknown, RESNET20))
                .hasMessageStartingWith("file " + unknown + ": line 2, field 'Layer': unknown Keras layer 'conv2d_19'")
                .hasMessageContaining("conv2d … dense");
        Path pytorchName = file("pt.csv", "Injection,Layer,TensorIndex,Bit\n0,conv1,\"(0, 0, 0, 0)\",1\n");
        assertThatThrownBy(() -> FaultListCsv.readKeras(pytorchName, RESNET20))
                .hasMessageContaining("unknown Keras layer 'conv1'");
        Path rank = file("rank.csv", "Injection,Layer,TensorIndex,Bit\n0,dense,\"(0, 0, 0, 0)\",1\n");
        assertThatThrownBy(() -> FaultListCsv.readKeras(rank, RESNET20))
                .hasMessageContaining("line 2, field 'TensorIndex'").hasMessageContaining("rank 2");
        // Keras (in, out) = (64, 0) is PyTorch (0, 64): in is out of range
        Path range = file("range.csv", "Injection,Layer,TensorIndex,Bit\n0,dense,\"(64, 0)\",1\n");
        assertThatThrownBy(() -> FaultListCsv.readKeras(range, RESNET20))
                .hasMessageContaining("line 2, field 'TensorIndex': Keras index (64, 0) of dense is PyTorch index (0, 64)");
        assertThatThrownBy(() -> FaultListCsv.writeKeras(tmp.resolve("x.csv"),
                List.of(new Fault(0, "linear.bias", new int[] {1}, 0)), RESNET20))
                .hasMessageContaining("unknown layer 'linear.bias'");
    }

    @Test
    void indexTuplesParseAsPythonPrintsThem() {
        assertThat(FaultListCsv.parseIndex("(3, 0, 2, 1)")).containsExactly(3, 0, 2, 1);
        assertThat(FaultListCsv.parseIndex(" (7,42) ")).containsExactly(7, 42);
        assertThat(FaultListCsv.parseIndex("(5,)")).containsExactly(5);
        for (String bad : new String[] {"", "()", "3, 0", "(3, -1)", "(3,, 1)", "[3, 1]", "(99999999999)", "(1.5)"}) {
            assertThatThrownBy(() -> FaultListCsv.parseIndex(bad)).as(bad).hasMessageContaining("malformed index");
        }
        assertThat(FaultListCsv.fromKeras(FaultListCsv.toKeras(new int[] {1, 2, 3, 4}))).containsExactly(1, 2, 3, 4);
        assertThat(FaultListCsv.toKeras(new int[] {1, 2, 3, 4})).containsExactly(3, 4, 2, 1);
    }
}
