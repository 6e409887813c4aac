package dev.reliant.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes pickle opcodes by hand, the way torch.save's pickler emits them (protocol 2). */
final class PickleBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleBuilder op(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    PickleBuilder raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    private PickleBuilder le(long v, int n) {
        for (int i = 0; i < n; i++) {
            out.write((int) (v >>> (8 * i)) & 0xFF);
        }
        return this;
    }

    PickleBuilder proto(int v) {
        return op(0x80, v);
    }

    PickleBuilder global(String module, String name) {
        op('c');
        return raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    PickleBuilder stackGlobal(String module, String name) {
        return str(module).str(name).op(0x93);
    }

    /** BINUNICODE. */
    PickleBuilder str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X');
        le(b.length, 4);
        return raw(b);
    }

    /** SHORT_BINUNICODE (protocol 4). */
    PickleBuilder shortStr(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op(0x8c, b.length);
        return raw(b);
    }

    /** BININT1 / BININT2 / BININT / LONG1, as the pickler chooses. */
    PickleBuilder integer(long v) {
        if (v >= 0 && v < 256) {
            return op('K', (int) v);
        }
        if (v >= 0 && v < 65536) {
            op('M');
            return le(v, 2);
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            op('J');
            return le(v, 4);
        }
        op(0x8a, 8);
        return le(v, 8);
    }

    PickleBuilder binfloat(double d) {
        op('G');
        return raw(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(d).array());
    }

    PickleBuilder bool(boolean b) {
        return op(b ? 0x88 : 0x89);
    }

    PickleBuilder none() {
        return op('N');
    }

    PickleBuilder mark() {
        return op('(');
    }

    PickleBuilder tuple() {
        return op('t');
    }

    PickleBuilder emptyTuple() {
        return op(')');
    }

    PickleBuilder emptyDict() {
        return op('}');
    }

    PickleBuilder emptyList() {
        return op(']');
    }

    PickleBuilder setitems() {
        return op('u');
    }

    PickleBuilder setitem() {
        return op('s');
    }

    PickleBuilder appends() {
        return op('e');
    }

    PickleBuilder reduce() {
        return op('R');
    }

    PickleBuilder build() {
        return op('b');
    }

    PickleBuilder persid() {
        return op('Q');
    }

    PickleBuilder put(int i) {
        return op('q', i);
    }

    PickleBuilder get(int i) {
        return op('h', i);
    }

    PickleBuilder stop() {
        return op('.');
    }

    PickleBuilder orderedDict() {
        return global("collections", "OrderedDict").emptyTuple().reduce();
    }

    private PickleBuilder longs(long[] v) {
        mark();
        for (long x : v) {
            integer(x);
        }
        return tuple();
    }

    /** {@code _rebuild_tensor_v2(('storage', torch.T, key, 'cpu', numel), offset, size, stride, False, OrderedDict())}. */
    PickleBuilder tensorV2(String storageType, String key, long storageNumel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        mark().str("storage").global("torch", storageType).str(key).str("cpu").integer(storageNumel).tuple().persid();
        integer(offset).longs(size).longs(stride).bool(false).orderedDict();
        return tuple().reduce();
    }

    /**
     * The legacy form: {@code _rebuild_tensor(('storage', torch.T, key, 'cuda:0', numel, view), offset, size, stride)},
     * where view is None or (view_key, view_offset, view_size).
     */
    PickleBuilder tensorLegacy(String storageType, String key, long rootNumel, Object[] view,
            long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor").mark();
        mark().str("storage").global("torch", storageType).str(key).str("cuda:0").integer(rootNumel);
        if (view == null) {
            none();
        } else {
            mark().str((String) view[0]).integer((Long) view[1]).integer((Long) view[2]).tuple();
        }
        tuple().persid();
        integer(offset).longs(size).longs(stride);
        return tuple().reduce();
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
