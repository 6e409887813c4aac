package dev.reliant.io;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A restricted pickle interpreter for PyTorch checkpoints: it reads the opcodes of pickle
 * protocols 0–5 that hold data, and resolves globals only from a fixed allow-list of names it
 * interprets itself (collections.OrderedDict, torch._utils._rebuild_tensor*, torch.*Storage,
 * torch dtypes, …; see {@link #resolveGlobal}). No Python is run and no Java class is looked up
 * by name: a pickle that refers to anything else, such as {@code os.system}, is rejected at the
 * GLOBAL opcode, before anything could be called.
 *
 * <p>Every length field is checked against the bytes that remain before anything is allocated,
 * nesting of values needs no recursion, and each malformed input gives a {@link
 * WeightFileException} naming the file, the pickle and the byte.
 */
final class Unpickler {
    /** Largest integer accepted from LONG1/LONG4, in bytes. */
    private static final int MAX_LONG_BYTES = 1 << 16;
    /** Longest text line (protocol 0 opcodes). */
    private static final int MAX_LINE = 1 << 16;

    private final Path file;
    private final String label;
    private final PickleInput in;
    private final Function<Object, Object> persistentLoader;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private long opPos;

    private Unpickler(Path file, String label, PickleInput in, Function<Object, Object> persistentLoader) {
        this.file = file;
        this.label = label;
        this.in = in;
        this.persistentLoader = persistentLoader;
    }

    /**
     * Reads one pickle, up to and including its STOP opcode.
     *
     * @param label names the pickle in messages, e.g. {@code "archive/data.pkl"}
     * @param persistentLoader turns a BINPERSID's id into a value; null if none are allowed
     */
    static Object load(Path file, String label, PickleInput in, Function<Object, Object> persistentLoader) {
        return new Unpickler(file, label, in, persistentLoader).run();
    }

    private WeightFileException fail(String message) {
        return new WeightFileException(file, label + ", byte " + opPos + ": " + message);
    }

    private Object run() {
        while (true) {
            opPos = in.position();
            int op = in.read();
            if (op < 0) {
                throw fail("the pickle ends without a STOP opcode (file truncated?)");
            }
            switch (op) {
                case 0x80: { // PROTO
                    int v = u8();
                    if (v > 5) {
                        throw fail("pickle protocol " + v + " is newer than 5");
                    }
                    break;
                }
                case 0x95: // FRAME: a buffering hint, the frame's bytes follow inline
                    u64("frame");
                    break;
                case '.': // STOP
                    return pop();
                case '(': // MARK
                    marks.add(stack.size());
                    break;
                case '0': // POP
                    pop();
                    break;
                case '1': // POP_MARK
                    popMark();
                    break;
                case '2': // DUP
                    push(peek());
                    break;
                case 'N':
                    push(Py.None.NONE);
                    break;
                case 0x88:
                    push(Boolean.TRUE);
                    break;
                case 0x89:
                    push(Boolean.FALSE);
                    break;
                case 'I': { // INT, text
                    String s = line();
                    if (s.equals("01")) {
                        push(Boolean.TRUE);
                    } else if (s.equals("00")) {
                        push(Boolean.FALSE);
                    } else {
                        push(parseInt(s));
                    }
                    break;
                }
                case 'L': { // LONG, text
                    String s = line();
                    push(parseInt(s.endsWith("L") ? s.substring(0, s.length() - 1) : s));
                    break;
                }
                case 'J': // BININT
                    push((long) bytesLE(4, true).intValue());
                    break;
                case 'K': // BININT1
                    push((long) u8());
                    break;
                case 'M': // BININT2
                    push(bytesLE(2, false).longValue());
                    break;
                case 0x8a: // LONG1
                    push(readLong(u8()));
                    break;
                case 0x8b: { // LONG4
                    long n = bytesLE(4, true).longValue();
                    if (n < 0) {
                        throw fail("negative LONG4 length");
                    }
                    push(readLong(n));
                    break;
                }
                case 'F': { // FLOAT, text
                    String s = line();
                    try {
                        push(Double.parseDouble(s));
                    } catch (NumberFormatException e) {
                        throw fail("malformed FLOAT " + Json.quote(s));
                    }
                    break;
                }
                case 'G': { // BINFLOAT, big-endian
                    byte[] b = bytes(8, "float");
                    push(ByteBuffer.wrap(b).getDouble());
                    break;
                }
                case 'X': // BINUNICODE
                    push(utf8(bytes(bytesLE(4, false).longValue(), "string")));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    push(utf8(bytes(u8(), "string")));
                    break;
                case 0x8d: // BINUNICODE8
                    push(utf8(bytes(u64("string"), "string")));
                    break;
                case 'T': { // BINSTRING (Python 2 str), decoded as torch.load does: UTF-8
                    long n = bytesLE(4, true).longValue();
                    if (n < 0) {
                        throw fail("negative BINSTRING length");
                    }
                    push(utf8(bytes(n, "string")));
                    break;
                }
                case 'U': // SHORT_BINSTRING
                    push(utf8(bytes(u8(), "string")));
                    break;
                case 'B': // BINBYTES
                    push(new Py.Bytes(bytes(bytesLE(4, false).longValue(), "bytes")));
                    break;
                case 'C': // SHORT_BINBYTES
                    push(new Py.Bytes(bytes(u8(), "bytes")));
                    break;
                case 0x8e: // BINBYTES8
                case 0x96: // BYTEARRAY8
                    push(new Py.Bytes(bytes(u64("bytes"), "bytes")));
                    break;
                case ')':
                    push(new Py.Tuple(new ArrayList<>()));
                    break;
                case 't': // TUPLE
                    push(new Py.Tuple(popMark()));
                    break;
                case 0x85: // TUPLE1
                case 0x86: // TUPLE2
                case 0x87: { // TUPLE3
                    int n = op - 0x84;
                    List<Object> items = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        items.add(0, pop());
                    }
                    push(new Py.Tuple(items));
                    break;
                }
                case ']':
                    push(new ArrayList<>());
                    break;
                case 'l': // LIST
                    push(new ArrayList<>(popMark()));
                    break;
                case 'a': { // APPEND
                    Object v = pop();
                    asList(peek(), "APPEND").add(v);
                    break;
                }
                case 'e': { // APPENDS
                    List<Object> items = popMark();
                    asList(peek(), "APPENDS").addAll(items);
                    break;
                }
                case '}':
                    push(new Py.Dict(false));
                    break;
                case 'd': { // DICT
                    List<Object> items = popMark();
                    Py.Dict d = new Py.Dict(false);
                    putPairs(d, items);
                    push(d);
                    break;
                }
                case 's': { // SETITEM
                    Object v = pop();
                    Object k = pop();
                    putPairs(asDict(peek(), "SETITEM"), List.of(k, v));
                    break;
                }
                case 'u': { // SETITEMS
                    List<Object> items = popMark();
                    putPairs(asDict(peek(), "SETITEMS"), items);
                    break;
                }
                case 0x8f: // EMPTY_SET
                    push(new LinkedHashSet<>());
                    break;
                case 0x90: { // ADDITEMS
                    List<Object> items = popMark();
                    Object top = peek();
                    if (!(top instanceof Set)) {
                        throw fail("ADDITEMS to a " + Py.typeName(top) + ", not a set");
                    }
                    addAll(castSet(top), items);
                    break;
                }
                case 0x91: { // FROZENSET
                    Set<Object> s = new LinkedHashSet<>();
                    addAll(s, popMark());
                    push(s);
                    break;
                }
                case 'c': { // GLOBAL
                    String module = line();
                    String name = line();
                    push(resolveGlobal(module, name));
                    break;
                }
                case 0x93: { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String) || !(name instanceof String)) {
                        throw fail("STACK_GLOBAL needs two strings");
                    }
                    push(resolveGlobal((String) module, (String) name));
                    break;
                }
                case 'R': { // REDUCE
                    Object args = pop();
                    Object callable = pop();
                    if (!(args instanceof Py.Tuple)) {
                        throw fail("REDUCE arguments are a " + Py.typeName(args) + ", not a tuple");
                    }
                    push(call(callable, (Py.Tuple) args));
                    break;
                }
                case 0x81: { // NEWOBJ
                    Object args = pop();
                    Object cls = pop();
                    push(newObject(cls, args));
                    break;
                }
                case 0x92: { // NEWOBJ_EX
                    Object kwargs = pop();
                    Object args = pop();
                    Object cls = pop();
                    if (!(kwargs instanceof Py.Dict) || !((Py.Dict) kwargs).map.isEmpty()) {
                        throw fail("NEWOBJ_EX with keyword arguments is not supported");
                    }
                    push(newObject(cls, args));
                    break;
                }
                case 'b': { // BUILD
                    Object state = pop();
                    Object obj = peek();
                    if (obj instanceof Py.Dict) {
                        ((Py.Dict) obj).state = state;
                    } else if (!(obj instanceof Py.TensorRef)) {
                        throw fail("cannot set the state of a " + Py.typeName(obj));
                    }
                    break;
                }
                case 'Q': { // BINPERSID
                    Object pid = pop();
                    if (persistentLoader == null) {
                        throw fail("unexpected persistent id in this pickle");
                    }
                    push(persistentLoader.apply(pid));
                    break;
                }
                case 'p': // PUT
                    memo.put(parseIndex(line()), peek());
                    break;
                case 'q': // BINPUT
                    memo.put((long) u8(), peek());
                    break;
                case 'r': // LONG_BINPUT
                    memo.put(bytesLE(4, false).longValue(), peek());
                    break;
                case 0x94: // MEMOIZE
                    memo.put((long) memo.size(), peek());
                    break;
                case 'g': // GET
                    push(memoGet(parseIndex(line())));
                    break;
                case 'h': // BINGET
                    push(memoGet(u8()));
                    break;
                case 'j': // LONG_BINGET
                    push(memoGet(bytesLE(4, false).longValue()));
                    break;
                default:
                    throw fail("unsupported pickle opcode 0x" + String.format("%02x", op)
                            + (op >= 0x20 && op < 0x7F ? " ('" + (char) op + "')" : "")
                            + " (not a PyTorch checkpoint, or a corrupt one)");
            }
        }
    }

    // ---------------------------------------------------------------- globals and calls

    /**
     * The allow-list. Python 2 pickles name builtins {@code __builtin__}. Anything not listed is
     * refused here, so no REDUCE can ever reach it.
     */
    private Object resolveGlobal(String module, String name) {
        String m = module.equals("__builtin__") ? "builtins" : module;
        String qualified = m + "." + name;
        for (Py.Global g : Py.Global.values()) {
            if (g.qualifiedName.equals(qualified)) {
                return g;
            }
        }
        if (m.equals("torch")) {
            Py.StorageType st = storageType(name);
            if (st != null) {
                return st;
            }
            DType dt = torchDtype(name);
            if (dt != null) {
                return new Py.TorchDtype(name, dt);
            }
            if (name.endsWith("Storage")) {
                throw new WeightFileException(file, "checkpoint uses storage type " + Json.quote("torch." + name)
                        + ", which reliant does not support");
            }
        }
        throw new WeightFileException(file, "checkpoint refers to " + Json.quote(qualified)
                + ", which is not allowed (loading never executes code)");
    }

    private static Py.StorageType storageType(String name) {
        DType d;
        switch (name) {
            case "DoubleStorage": d = DType.F64; break;
            case "FloatStorage": d = DType.F32; break;
            case "HalfStorage": d = DType.F16; break;
            case "BFloat16Storage": d = DType.BF16; break;
            case "LongStorage": d = DType.I64; break;
            case "IntStorage": d = DType.I32; break;
            case "ShortStorage": d = DType.I16; break;
            case "CharStorage": d = DType.I8; break;
            case "ByteStorage": d = DType.U8; break;
            case "BoolStorage": d = DType.BOOL; break;
            case "UntypedStorage": return new Py.StorageType(name, null);
            default: return null;
        }
        return new Py.StorageType(name, d);
    }

    private static DType torchDtype(String name) {
        switch (name) {
            case "float32": case "float": return DType.F32;
            case "float64": case "double": return DType.F64;
            case "float16": case "half": return DType.F16;
            case "bfloat16": return DType.BF16;
            case "int64": case "long": return DType.I64;
            case "int32": case "int": return DType.I32;
            case "int16": case "short": return DType.I16;
            case "int8": return DType.I8;
            case "uint8": return DType.U8;
            case "uint16": return DType.U16;
            case "uint32": return DType.U32;
            case "uint64": return DType.U64;
            case "bool": return DType.BOOL;
            case "float8_e4m3fn": return DType.F8_E4M3;
            case "float8_e5m2": return DType.F8_E5M2;
            default: return null;
        }
    }

    private Object call(Object callable, Py.Tuple args) {
        if (!(callable instanceof Py.Global)) {
            throw fail("cannot call " + Py.typeName(callable));
        }
        Py.Global g = (Py.Global) callable;
        switch (g) {
            case ORDERED_DICT: {
                Py.Dict d = new Py.Dict(true);
                if (args.size() == 1) {
                    Object src = args.get(0);
                    if (!(src instanceof List)) {
                        throw fail("OrderedDict(...) of a " + Py.typeName(src) + " is not supported");
                    }
                    for (Object pair : (List<?>) src) {
                        List<Object> kv = sequence(pair, "OrderedDict item");
                        if (kv.size() != 2) {
                            throw fail("OrderedDict item of length " + kv.size());
                        }
                        putPairs(d, kv);
                    }
                } else if (args.size() != 0) {
                    throw fail("OrderedDict() takes at most 1 argument, got " + args.size());
                }
                return d;
            }
            case REBUILD_TENSOR:
                arity(g, args, 4, 4);
                return tensor(args, null);
            case REBUILD_TENSOR_V2:
                arity(g, args, 6, 7);
                return tensor(args, null);
            case REBUILD_TENSOR_V3: {
                arity(g, args, 7, 8);
                Object dt = args.get(6);
                if (!(dt instanceof Py.TorchDtype)) {
                    throw fail(g + ": argument 7 is a " + Py.typeName(dt) + ", not a torch dtype");
                }
                return tensor(args, ((Py.TorchDtype) dt).dtype);
            }
            case REBUILD_PARAMETER:
            case REBUILD_PARAMETER_WITH_STATE: {
                arity(g, args, g == Py.Global.REBUILD_PARAMETER ? 3 : 4, g == Py.Global.REBUILD_PARAMETER ? 3 : 4);
                Object data = args.get(0);
                if (!(data instanceof Py.TensorRef)) {
                    throw fail(g + ": data is a " + Py.typeName(data) + ", not a tensor");
                }
                return data;
            }
            case REBUILD_FROM_TYPE_V2: {
                arity(g, args, 4, 4);
                Object type = args.get(1);
                if (type != Py.Global.TENSOR_TYPE && type != Py.Global.PARAMETER_TYPE) {
                    throw fail(g + ": tensor subclass " + Py.typeName(type) + " is not supported");
                }
                Object func = args.get(0);
                if (!(func instanceof Py.Global) || !((Py.Global) func).qualifiedName.startsWith("torch._utils._rebuild_")) {
                    throw fail(g + ": rebuild function " + Py.typeName(func) + " is not supported");
                }
                if (!(args.get(2) instanceof Py.Tuple)) {
                    throw fail(g + ": arguments are a " + Py.typeName(args.get(2)) + ", not a tuple");
                }
                return call(func, (Py.Tuple) args.get(2));
            }
            case SIZE: {
                arity(g, args, 0, 1);
                return args.size() == 0 ? new Py.Tuple(new ArrayList<>())
                        : new Py.Tuple(new ArrayList<>(sequence(args.get(0), "torch.Size")));
            }
            case DEVICE: {
                arity(g, args, 1, 2);
                if (!(args.get(0) instanceof String)) {
                    throw fail("torch.device of a " + Py.typeName(args.get(0)));
                }
                return args.size() == 2 ? args.get(0) + ":" + args.get(1) : args.get(0);
            }
            case CODECS_ENCODE: {
                arity(g, args, 1, 2);
                if (!(args.get(0) instanceof String)) {
                    throw fail("_codecs.encode of a " + Py.typeName(args.get(0)));
                }
                String enc = args.size() == 2 ? String.valueOf(args.get(1)).toLowerCase().replace('_', '-') : "utf-8";
                String s = (String) args.get(0);
                switch (enc) {
                    case "latin1": case "latin-1": case "iso-8859-1":
                        return new Py.Bytes(s.getBytes(StandardCharsets.ISO_8859_1));
                    case "utf-8": case "utf8":
                        return new Py.Bytes(s.getBytes(StandardCharsets.UTF_8));
                    case "ascii":
                        return new Py.Bytes(s.getBytes(StandardCharsets.US_ASCII));
                    default:
                        throw fail("_codecs.encode with encoding " + Json.quote(enc) + " is not supported");
                }
            }
            case SET:
            case FROZENSET: {
                arity(g, args, 0, 1);
                Set<Object> s = new LinkedHashSet<>();
                if (args.size() == 1) {
                    addAll(s, sequence(args.get(0), g.qualifiedName));
                }
                return s;
            }
            default:
                throw fail("cannot call " + g);
        }
    }

    private Object newObject(Object cls, Object args) {
        if (!(args instanceof Py.Tuple)) {
            throw fail("NEWOBJ arguments are a " + Py.typeName(args) + ", not a tuple");
        }
        if (cls == Py.Global.ORDERED_DICT) {
            return new Py.Dict(true);
        }
        if (cls == Py.Global.SET || cls == Py.Global.FROZENSET) {
            return new LinkedHashSet<>();
        }
        throw fail("cannot construct a " + Py.typeName(cls));
    }

    private void arity(Py.Global g, Py.Tuple args, int min, int max) {
        if (args.size() < min || args.size() > max) {
            throw fail(g + " called with " + args.size() + " arguments, expected "
                    + (min == max ? String.valueOf(min) : min + " to " + max));
        }
    }

    /** _rebuild_tensor[_v2|_v3](storage, storage_offset, size, stride, …). */
    private Py.TensorRef tensor(Py.Tuple args, DType dtype) {
        Object s = args.get(0);
        if (!(s instanceof Py.StorageRef)) {
            throw fail("tensor storage is a " + Py.typeName(s) + ", not a storage");
        }
        Py.StorageRef storage = (Py.StorageRef) s;
        DType d = dtype != null ? dtype : storage.type.dtype;
        if (d == null) {
            throw fail("tensor on an untyped storage without a dtype");
        }
        long offset = nonNegative(args.get(1), "storage offset");
        List<Object> size = sequence(args.get(2), "tensor size");
        List<Object> stride = sequence(args.get(3), "tensor stride");
        if (size.size() != stride.size()) {
            throw fail("tensor size has " + size.size() + " dimensions but stride has " + stride.size());
        }
        long[] sz = new long[size.size()];
        long[] st = new long[size.size()];
        for (int i = 0; i < sz.length; i++) {
            sz[i] = nonNegative(size.get(i), "tensor size");
            st[i] = nonNegative(stride.get(i), "tensor stride");
        }
        return new Py.TensorRef(storage, d, offset, sz, st);
    }

    private long nonNegative(Object o, String what) {
        if (!(o instanceof Long) || (Long) o < 0) {
            throw fail(what + " is " + (o instanceof Long ? o : "a " + Py.typeName(o)) + ", not a non-negative integer");
        }
        return (Long) o;
    }

    private List<Object> sequence(Object o, String what) {
        if (o instanceof Py.Tuple) {
            return ((Py.Tuple) o).items;
        }
        if (o instanceof List) {
            @SuppressWarnings("unchecked")
            List<Object> l = (List<Object>) o;
            return l;
        }
        throw fail(what + " is a " + Py.typeName(o) + ", not a tuple or list");
    }

    // ---------------------------------------------------------------- containers

    @SuppressWarnings("unchecked")
    private List<Object> asList(Object o, String op) {
        if (!(o instanceof List)) {
            throw fail(op + " to a " + Py.typeName(o) + ", not a list");
        }
        return (List<Object>) o;
    }

    private Py.Dict asDict(Object o, String op) {
        if (!(o instanceof Py.Dict)) {
            throw fail(op + " on a " + Py.typeName(o) + ", not a dict");
        }
        return (Py.Dict) o;
    }

    @SuppressWarnings("unchecked")
    private static Set<Object> castSet(Object o) {
        return (Set<Object>) o;
    }

    private void putPairs(Py.Dict d, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw fail("odd number of items for a dict");
        }
        for (int i = 0; i < items.size(); i += 2) {
            Object k = items.get(i);
            requireHashable(k, 0);
            d.map.put(k, items.get(i + 1));
        }
    }

    private void addAll(Set<Object> s, Collection<Object> items) {
        for (Object o : items) {
            requireHashable(o, 0);
            s.add(o);
        }
    }

    /** Keys are hashed, so they must be immutable values (as in Python), and not nested deep. */
    private void requireHashable(Object k, int depth) {
        if (depth > 32) {
            throw fail("dict key nested too deep");
        }
        if (k instanceof Py.Tuple) {
            for (Object o : ((Py.Tuple) k).items) {
                requireHashable(o, depth + 1);
            }
        } else if (!(k instanceof String || k instanceof Long || k instanceof BigInteger || k instanceof Double
                || k instanceof Boolean || k instanceof Py.None || k instanceof Py.Bytes
                || k instanceof Py.Global || k instanceof Py.TorchDtype)) {
            throw fail("unhashable dict key of type " + Py.typeName(k));
        }
    }

    // ---------------------------------------------------------------- stack and memo

    private void push(Object o) {
        stack.add(o);
    }

    private int fence() {
        return marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
    }

    private Object pop() {
        if (stack.size() <= fence()) {
            throw fail("pickle stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        if (stack.size() <= fence()) {
            throw fail("pickle stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw fail("no MARK on the pickle stack");
        }
        int m = marks.remove(marks.size() - 1);
        List<Object> tail = stack.subList(m, stack.size());
        List<Object> items = new ArrayList<>(tail);
        tail.clear();
        return items;
    }

    private Object memoGet(long index) {
        Object o = memo.get(index);
        if (o == null) {
            throw fail("memo entry " + index + " is undefined");
        }
        return o;
    }

    // ---------------------------------------------------------------- raw reads

    private int u8() {
        int b = in.read();
        if (b < 0) {
            throw fail("the pickle ends in the middle of an opcode (file truncated?)");
        }
        return b;
    }

    /** A little-endian integer of n ≤ 8 bytes, as a BigInteger (signed or unsigned). */
    private BigInteger bytesLE(int n, boolean signed) {
        byte[] b = bytes(n, "integer");
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        if (signed && n < 8 && (b[n - 1] & 0x80) != 0) {
            v -= 1L << (8 * n);
        }
        return BigInteger.valueOf(v);
    }

    private long u64(String what) {
        long v = bytesLE(8, true).longValue();
        if (v < 0) {
            throw fail(what + " length " + Long.toUnsignedString(v) + " is absurd");
        }
        return v;
    }

    private byte[] bytes(long n, String what) {
        if (n > in.remaining()) {
            throw fail(what + " of " + n + " bytes, but only " + in.remaining()
                    + " bytes remain (file truncated or corrupt?)");
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw fail(what + " of " + n + " bytes is too large");
        }
        byte[] b = new byte[(int) n];
        in.readFully(b);
        return b;
    }

    /** A two's-complement little-endian integer (LONG1/LONG4). */
    private Object readLong(long n) {
        if (n > MAX_LONG_BYTES) {
            throw fail("integer of " + n + " bytes is too large");
        }
        byte[] b = bytes(n, "integer");
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            be[i] = b[b.length - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String line() {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw fail("the pickle ends in the middle of a text line (file truncated?)");
            }
            if (b == '\n') {
                break;
            }
            if (sb.length() >= MAX_LINE) {
                throw fail("text line longer than " + MAX_LINE + " bytes");
            }
            sb.append((char) b); // text opcodes are ASCII; other bytes map one-to-one
        }
        String s = sb.toString();
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private Object parseInt(String s) {
        try {
            BigInteger v = new BigInteger(s.trim());
            return v.bitLength() < 64 ? (Object) v.longValue() : v;
        } catch (NumberFormatException e) {
            throw fail("malformed integer " + Json.quote(s));
        }
    }

    private long parseIndex(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw fail("malformed memo index " + Json.quote(s));
        }
    }

    private String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw fail("string is not valid UTF-8");
        }
    }
}
