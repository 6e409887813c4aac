package dev.reliant.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints made by hand in both torch.save layouts. */
class PyTorchCheckpointTest {
    @TempDir
    Path dir;

    private static long[] l(long... v) {
        return v;
    }

    /**
     * OrderedDict with: a 2×3 float weight, its transpose (a non-contiguous view of the same
     * storage), a slice at an offset, a half tensor, an expanded (stride 0) view, and an int64
     * scalar counter.
     */
    private static byte[] stateDictPickle(String prefix) {
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark();
        p.str(prefix + "fc.weight").tensorV2("FloatStorage", "0", 6, 0, l(2, 3), l(3, 1));
        p.str(prefix + "fc.weight_t").tensorV2("FloatStorage", "0", 6, 0, l(3, 2), l(1, 3));
        p.str(prefix + "fc.row1").tensorV2("FloatStorage", "0", 6, 3, l(3), l(1));
        p.str(prefix + "half").tensorV2("HalfStorage", "1", 2, 0, l(2), l(1));
        p.str(prefix + "expanded").tensorV2("FloatStorage", "0", 6, 4, l(2, 2), l(0, 1));
        p.str(prefix + "bn.num_batches_tracked").tensorV2("LongStorage", "2", 1, 0, l(), l());
        return p.setitems().stop().bytes();
    }

    private static Map<String, byte[]> storages() {
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("0", TorchFiles.f32(1, 2, 3, 4, 5, 6));
        s.put("1", ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3C00)
                .putShort((short) 0xC000).array());
        s.put("2", TorchFiles.i64(391));
        return s;
    }

    private static void assertStandardTensors(PyTorchCheckpoint c) {
        assertThat(c.tensors().keySet()).containsExactly(
                "fc.weight", "fc.weight_t", "fc.row1", "half", "expanded", "bn.num_batches_tracked");
        assertThat(c.tensors().get("fc.weight").shape()).containsExactly(2, 3);
        assertThat(c.tensors().get("fc.weight").toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(c.tensors().get("fc.weight_t").shape()).containsExactly(3, 2);
        assertThat(c.tensors().get("fc.weight_t").toFloatArray()).containsExactly(1, 4, 2, 5, 3, 6);
        assertThat(c.tensors().get("fc.row1").toFloatArray()).containsExactly(4, 5, 6);
        assertThat(c.tensors().get("half").dtype()).isEqualTo(DType.F16);
        assertThat(c.tensors().get("half").toFloatArray()).containsExactly(1, -2);
        assertThat(c.tensors().get("expanded").toFloatArray()).containsExactly(5, 6, 5, 6);
        StoredTensor n = c.tensors().get("bn.num_batches_tracked");
        assertThat(n.dtype()).isEqualTo(DType.I64);
        assertThat(n.shape()).isEmpty();
        assertThat(n.toLongArray()).containsExactly(391);
        assertThat(c.floatWeights().keySet())
                .containsExactly("fc.weight", "fc.weight_t", "fc.row1", "half", "expanded");
        assertThat(c.floatWeights().get("half").data()).containsExactly(1f, -2f);
    }

    @Test
    void zipStateDictWithViews() throws IOException {
        Path f = TorchFiles.zip(dir.resolve("m.pth"), "archive", stateDictPickle(""), storages());
        PyTorchCheckpoint c = PyTorchCheckpoint.read(f);
        assertThat(c.format()).isEqualTo(PyTorchCheckpoint.Format.ZIP);
        assertThat(c.stateDictKey()).isEmpty();
        assertThat(c.strippedModulePrefix()).isFalse();
        assertThat(c.metadata()).isEmpty();
        assertStandardTensors(c);
        assertThat(PyTorchCheckpoint.readStateDict(f).keySet()).hasSize(6);
    }

    @Test
    void zipWithDataParallelPrefixNestedUnderModelWithMetadata() throws IOException {
        byte[] inner = stateDictPickle("module.");
        // {'epoch': 90, 'best_acc': 0.9173, 'arch': 'resnet20', 'model': <state_dict>, 'optimizer': {...}}
        PickleBuilder p = new PickleBuilder().proto(2).emptyDict().mark()
                .str("epoch").integer(90)
                .str("best_acc").binfloat((double) 91.73f)
                .str("arch").str("resnet20")
                .str("amp").none()
                .str("model");
        // splice the inner dict: drop its PROTO (2 bytes) and STOP (1 byte)
        p.raw(java.util.Arrays.copyOfRange(inner, 2, inner.length - 1));
        p.str("optimizer").emptyDict().mark().str("lr").binfloat(0.1).setitems();
        p.setitems().stop();
        Path f = TorchFiles.zip(dir.resolve("ckpt.pth"), "ckpt", p.bytes(), storages());
        PyTorchCheckpoint c = PyTorchCheckpoint.read(f);
        assertThat(c.stateDictKey()).isEqualTo("model");
        assertThat(c.strippedModulePrefix()).isTrue();
        assertStandardTensors(c);
        assertThat(c.metadata()).containsExactly(Map.entry("epoch", "90"), Map.entry("best_acc", "91.7300033569336"),
                Map.entry("arch", "resnet20"), Map.entry("amp", "None"));
        assertThat(c.skippedEntries()).containsExactly("optimizer");
    }

    @Test
    void zipWritten_byNewerPyTorchWithProtocol4OpcodesParametersAndStateDictMetadata() throws IOException {
        // Protocol-4 style: FRAME, SHORT_BINUNICODE, STACK_GLOBAL, MEMOIZE; a Parameter wrapper;
        // _rebuild_tensor_v3 with an explicit dtype; the OrderedDict's _metadata set by BUILD.
        PickleBuilder p = new PickleBuilder().proto(4).op(0x95).raw(new byte[8])
                .stackGlobal("collections", "OrderedDict").op(0x94).emptyTuple().reduce().op(0x94).mark();
        p.shortStr("w").stackGlobal("torch._utils", "_rebuild_parameter");
        p.mark().global("torch._utils", "_rebuild_tensor_v3").mark()
                .mark().shortStr("storage").stackGlobal("torch", "UntypedStorage").shortStr("0").shortStr("cpu")
                .integer(16).tuple().persid()
                .integer(1).mark().integer(3).tuple().mark().integer(1).tuple().bool(false).orderedDict()
                .stackGlobal("torch", "float32").tuple().reduce();
        p.bool(true).orderedDict().tuple().reduce();
        p.setitems();
        p.emptyDict().mark().shortStr("_metadata").orderedDict().setitems().build();
        p.stop();
        Path f = TorchFiles.zip(dir.resolve("new.pt"), "new", p.bytes(), Map.of("0", TorchFiles.f32(9, 8, 7, 6)));
        PyTorchCheckpoint c = PyTorchCheckpoint.read(f);
        assertThat(c.tensors().get("w").toFloatArray()).containsExactly(8, 7, 6);
    }

    @Test
    void bigEndianZipIsByteSwapped() throws IOException {
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark()
                .str("w").tensorV2("FloatStorage", "0", 2, 0, l(2), l(1)).setitems().stop();
        byte[] be = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-3f).array();
        Path f = TorchFiles.zip(dir.resolve("be.pth"), "be", p.bytes(), Map.of("0", be), "big");
        assertThat(PyTorchCheckpoint.read(f).tensors().get("w").toFloatArray()).containsExactly(1.5f, -3f);
    }

    @Test
    void legacyFileWithStorageViews() throws IOException {
        // {'best_prec1': 91.78, 'state_dict': OrderedDict(module.a = root[0:4] viewed 2×2,
        //   module.b = view (key 'v', offset 4, size 2) of root, module.c = a column of a)}
        PickleBuilder p = new PickleBuilder().proto(2).emptyDict().mark()
                .str("best_prec1").binfloat(91.78000183105469)
                .str("state_dict").orderedDict().mark()
                .str("module.a").tensorLegacy("FloatStorage", "root", 6, null, 0, l(2, 2), l(2, 1))
                .str("module.b").tensorLegacy("FloatStorage", "root", 6, new Object[] {"v", 4L, 2L}, 0, l(2), l(1))
                .str("module.c").tensorLegacy("FloatStorage", "root", 6, null, 1, l(2), l(2))
                .setitems().setitems().stop();
        Path f = TorchFiles.legacy(dir.resolve("old.th"), p.bytes(), List.of("root"),
                Map.of("root", TorchFiles.f32(1, 2, 3, 4, 5, 6)), Map.of());
        PyTorchCheckpoint c = PyTorchCheckpoint.read(f);
        assertThat(c.format()).isEqualTo(PyTorchCheckpoint.Format.LEGACY);
        assertThat(c.stateDictKey()).isEqualTo("state_dict");
        assertThat(c.strippedModulePrefix()).isTrue();
        assertThat(c.metadata()).containsExactly(Map.entry("best_prec1", "91.78000183105469"));
        assertThat(c.tensors().keySet()).containsExactly("a", "b", "c");
        assertThat(c.tensors().get("a").toFloatArray()).containsExactly(1, 2, 3, 4);
        assertThat(c.tensors().get("b").toFloatArray()).containsExactly(5, 6);
        assertThat(c.tensors().get("c").toFloatArray()).containsExactly(2, 4);
    }

    @Test
    void prefixIsKeptUnlessEveryNameHasIt() throws IOException {
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark()
                .str("module.w").tensorV2("FloatStorage", "0", 1, 0, l(1), l(1))
                .str("head.w").tensorV2("FloatStorage", "0", 1, 0, l(1), l(1))
                .str("not_a_tensor").integer(3)
                .setitems().stop();
        Path f = TorchFiles.zip(dir.resolve("p.pth"), "p", p.bytes(), Map.of("0", TorchFiles.f32(1)));
        PyTorchCheckpoint c = PyTorchCheckpoint.read(f);
        assertThat(c.tensors().keySet()).containsExactly("module.w", "head.w");
        assertThat(c.skippedEntries()).containsExactly("not_a_tensor");
    }

    @Test
    void pythonReprOfFloats() {
        assertThat(PyTorchCheckpoint.pythonRepr(91.78000183105469)).isEqualTo("91.78000183105469");
        assertThat(PyTorchCheckpoint.pythonRepr(93.62)).isEqualTo("93.62");
        assertThat(PyTorchCheckpoint.pythonRepr(1.0)).isEqualTo("1.0");
        assertThat(PyTorchCheckpoint.pythonRepr(-0.0)).isEqualTo("-0.0");
        assertThat(PyTorchCheckpoint.pythonRepr(1e16)).isEqualTo("1e+16");
        assertThat(PyTorchCheckpoint.pythonRepr(1e23)).isEqualTo("1e+23");
        assertThat(PyTorchCheckpoint.pythonRepr(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(PyTorchCheckpoint.pythonRepr(123456.789)).isEqualTo("123456.789");
        assertThat(PyTorchCheckpoint.pythonRepr(Double.MIN_VALUE)).isEqualTo("5e-324");
        assertThat(PyTorchCheckpoint.pythonRepr(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
        assertThat(PyTorchCheckpoint.pythonRepr(1e15)).isEqualTo("1000000000000000.0");
        assertThat(PyTorchCheckpoint.pythonRepr(0.0001)).isEqualTo("0.0001");
        assertThat(PyTorchCheckpoint.pythonRepr(1.5e-5)).isEqualTo("1.5e-05");
        assertThat(PyTorchCheckpoint.pythonRepr(-2.5e-300)).isEqualTo("-2.5e-300");
        assertThat(PyTorchCheckpoint.pythonRepr(Double.NaN)).isEqualTo("nan");
        assertThat(PyTorchCheckpoint.pythonRepr(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
    }
}
