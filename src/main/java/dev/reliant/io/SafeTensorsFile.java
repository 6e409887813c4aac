package dev.reliant.io;

import dev.reliant.tensor.Shapes;
import dev.reliant.tensor.Tensor;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An open safetensors file whose header has been read and checked, and whose tensors are read
 * one at a time, on request, with positioned reads of their own byte ranges: opening a 10 GB file
 * costs its header, and reading one tensor costs that tensor. Nothing maps or buffers the whole
 * file, so files of any size work (one tensor is limited to 2 GiB, a Java array).
 *
 * <p>The header is checked completely at {@link #open}, before any tensor is read, the way the
 * reference implementation (huggingface/safetensors) checks it: header length at most
 * {@value #MAX_HEADER_BYTES} bytes and within the file, UTF-8, strict JSON with no duplicate
 * keys and at most {@value #MAX_HEADER_VALUES} values, {@code __metadata__} a map of strings to
 * strings, every tensor with a known dtype, a shape of non-negative integers and {@code
 * data_offsets} whose length is exactly shape × dtype size, and the tensors' byte ranges tiling
 * the data buffer exactly (no overlap, no gap, ending at the end of the file). Each failure is a
 * {@link WeightFileException} with one line naming the file and the problem. A hostile header
 * costs at most a small multiple of its size in memory, and no tensor is allocated before its
 * range has been checked against the file.
 *
 * <p>Tensors are listed in header order, which is the order in which their writer put them. Reads
 * are thread-safe.
 */
public final class SafeTensorsFile implements Closeable {
    /** The largest header accepted, as in the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /**
     * The most JSON values a header may hold (about 150,000 tensors' worth), so that parsing a
     * hostile header of small values cannot exhaust the heap.
     */
    public static final long MAX_HEADER_VALUES = 2_000_000L;

    /** Where a tensor lies in the file, as the header declares it. */
    public static final class Info {
        private final String name;
        private final DType dtype;
        private final long[] dims;
        private final long begin;
        private final long end;

        Info(String name, DType dtype, long[] dims, long begin, long end) {
            this.name = name;
            this.dtype = dtype;
            this.dims = dims;
            this.begin = begin;
            this.end = end;
        }

        private int[] intShape() {
            int[] s = new int[dims.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = (int) dims[i]; // checked at open
            }
            return s;
        }

        /** The tensor's name. */
        public String name() {
            return name;
        }

        /** The element type. */
        public DType dtype() {
            return dtype;
        }

        /** A copy of the shape. */
        public int[] shape() {
            return intShape();
        }

        /** Start of the data, relative to the start of the data buffer. */
        public long begin() {
            return begin;
        }

        /** End of the data (exclusive), relative to the start of the data buffer. */
        public long end() {
            return end;
        }

        /** The number of data bytes. */
        public long byteSize() {
            return end - begin;
        }

        @Override
        public String toString() {
            return name + " " + dtype + Shapes.toString(intShape()) + " @[" + begin + ", " + end + ")";
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Info> infos;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path path, FileChannel channel, long dataStart,
            Map<String, Info> infos, Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.infos = infos;
        this.metadata = metadata;
    }

    /**
     * Opens a file and reads and checks its header; the tensors stay on disk until read.
     *
     * @throws WeightFileException if the file cannot be opened or its header is invalid
     */
    public static SafeTensorsFile open(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new WeightFileException(file, "cannot open: " + IoErrors.describe(e), e);
        }
        try {
            return readHeader(file, ch);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static SafeTensorsFile readHeader(Path file, FileChannel ch) {
        long size;
        try {
            size = ch.size();
        } catch (IOException e) {
            throw new WeightFileException(file, "cannot read: " + IoErrors.describe(e), e);
        }
        if (size < 8) {
            throw new WeightFileException(file, "not a safetensors file: " + size
                    + " bytes, too short for the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, ch, lenBuf, 0);
        long n = lenBuf.getLong(0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new WeightFileException(file, "header length " + Long.toUnsignedString(n)
                    + " is absurd (at most " + MAX_HEADER_BYTES + " bytes accepted): "
                    + "not a safetensors file, or a corrupt one");
        }
        if (n > size - 8) {
            throw new WeightFileException(file, "header length " + n + " exceeds the "
                    + (size - 8) + " bytes that follow it (truncated file?)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        readFully(file, ch, hb, 8);
        hb.flip();
        String text;
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(hb);
            text = cb.toString();
        } catch (CharacterCodingException e) {
            throw new WeightFileException(file, "header is not valid UTF-8", e);
        }
        Object root;
        try {
            root = Json.parse(text, MAX_HEADER_VALUES);
        } catch (Json.JsonException e) {
            throw new WeightFileException(file, (e.getMessage().startsWith("more than ") ? "oversized" : "malformed")
                    + " JSON header: " + e.getMessage(), e);
        }
        if (!(root instanceof Map)) {
            throw new WeightFileException(file, "header is not a JSON object");
        }
        long dataSize = size - 8 - n;
        Header h = parseEntries(file, asMap(root), dataSize);
        return new SafeTensorsFile(file, ch, 8 + n, h.infos, h.metadata);
    }

    private static final class Header {
        final Map<String, Info> infos;
        final Map<String, String> metadata;

        Header(Map<String, Info> infos, Map<String, String> metadata) {
            this.infos = infos;
            this.metadata = metadata;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static Header parseEntries(Path file, Map<String, Object> root, long dataSize) {
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Info> infos = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : root.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map)) {
                    throw new WeightFileException(file, "__metadata__ is not a JSON object");
                }
                for (Map.Entry<String, Object> m : asMap(e.getValue()).entrySet()) {
                    if (!(m.getValue() instanceof String)) {
                        throw new WeightFileException(file, "__metadata__ entry " + Json.quote(m.getKey())
                                + " is not a string (safetensors metadata maps strings to strings)");
                    }
                    metadata.put(m.getKey(), (String) m.getValue());
                }
                continue;
            }
            infos.put(name, parseInfo(file, name, e.getValue()));
        }
        checkTiling(file, infos, dataSize);
        for (Info i : infos.values()) {
            checkDimensions(file, i);
        }
        return new Header(Collections.unmodifiableMap(infos), Collections.unmodifiableMap(metadata));
    }

    private static Info parseInfo(Path file, String name, Object v) {
        String where = "tensor " + Json.quote(name);
        if (!(v instanceof Map)) {
            throw new WeightFileException(file, where + ": entry is not a JSON object");
        }
        Map<String, Object> m = asMap(v);
        Object dt = m.get("dtype");
        if (!(dt instanceof String)) {
            throw new WeightFileException(file, where + ": missing or non-string \"dtype\"");
        }
        DType dtype = DType.fromSafetensorsName((String) dt).orElseThrow(() ->
                new WeightFileException(file, where + ": unknown dtype " + Json.quote((String) dt)
                        + " (known: " + DType.knownNames() + ")"));
        Object sh = m.get("shape");
        if (!(sh instanceof List)) {
            throw new WeightFileException(file, where + ": missing or non-array \"shape\"");
        }
        List<?> shapeList = (List<?>) sh;
        long[] dims = new long[shapeList.size()];
        for (int i = 0; i < dims.length; i++) {
            Object d = shapeList.get(i);
            if (!(d instanceof Long)) {
                throw new WeightFileException(file, where + ": shape " + Json.write(shapeList)
                        + " holds " + describe(d) + ", not an integer dimension");
            }
            dims[i] = (Long) d;
            if (dims[i] < 0) {
                throw new WeightFileException(file, where + ": negative dimension " + dims[i]
                        + " in shape " + Json.write(shapeList));
            }
        }
        Object off = m.get("data_offsets");
        if (!(off instanceof List) || ((List<?>) off).size() != 2
                || !(((List<?>) off).get(0) instanceof Long) || !(((List<?>) off).get(1) instanceof Long)) {
            throw new WeightFileException(file, where + ": \"data_offsets\" must be [begin, end], two integers");
        }
        long begin = (Long) ((List<?>) off).get(0);
        long end = (Long) ((List<?>) off).get(1);
        if (begin < 0 || end < begin) {
            throw new WeightFileException(file, where + ": data_offsets [" + begin + ", " + end
                    + "] do not form a range");
        }
        long bytes = dtype.size();
        try {
            for (long d : dims) {
                bytes = Math.multiplyExact(bytes, d);
            }
        } catch (ArithmeticException ex) {
            throw new WeightFileException(file, where + ": shape " + Json.write(dims) + " of " + dtype
                    + " is absurdly large (its byte count overflows 64 bits)");
        }
        if (bytes != end - begin) {
            throw new WeightFileException(file, where + ": shape " + Json.write(dims) + " of " + dtype
                    + " needs " + bytes + " bytes, but data_offsets [" + begin + ", " + end
                    + "] hold " + (end - begin));
        }
        return new Info(name, dtype, dims, begin, end);
    }

    /** After the tiling check (whose message says more), dimensions must fit an int. */
    private static void checkDimensions(Path file, Info info) {
        for (long d : info.dims) {
            if (d > Integer.MAX_VALUE) {
                throw new WeightFileException(file, "tensor " + Json.quote(info.name) + ": dimension " + d
                        + " in shape " + Json.write(info.dims) + " exceeds " + Integer.MAX_VALUE
                        + ", the largest reliant supports");
            }
        }
    }

    /** The byte ranges, sorted, must tile [0, dataSize) exactly. */
    private static void checkTiling(Path file, Map<String, Info> infos, long dataSize) {
        List<Info> sorted = new ArrayList<>(infos.values());
        sorted.sort(Comparator.comparingLong((Info i) -> i.begin).thenComparingLong(i -> i.end));
        long expected = 0;
        Info previous = null;
        for (Info i : sorted) {
            if (i.begin < expected) {
                throw new WeightFileException(file, "tensors " + Json.quote(previous.name) + " [" + previous.begin
                        + ", " + previous.end + ") and " + Json.quote(i.name) + " [" + i.begin + ", " + i.end
                        + ") overlap in the data buffer");
            }
            if (i.begin > expected) {
                throw new WeightFileException(file, "bytes [" + expected + ", " + i.begin
                        + ") of the data buffer belong to no tensor (a gap before " + Json.quote(i.name) + ")");
            }
            if (i.end > dataSize) {
                throw new WeightFileException(file, "tensor " + Json.quote(i.name) + " ends at byte " + i.end
                        + " of the data buffer, which has only " + dataSize + " bytes (truncated file?)");
            }
            expected = i.end;
            previous = i;
        }
        if (expected != dataSize) {
            throw new WeightFileException(file, "the tensors cover " + expected + " bytes, but the data buffer has "
                    + dataSize + " (trailing bytes belong to no tensor)");
        }
    }

    private static String describe(Object o) {
        if (o instanceof String) {
            return "a string";
        }
        if (o instanceof Double) {
            return "a fraction " + o;
        }
        if (o instanceof java.math.BigInteger) {
            return "the out-of-range integer " + o;
        }
        if (o instanceof Map) {
            return "an object";
        }
        if (o instanceof List) {
            return "an array";
        }
        return String.valueOf(o);
    }

    // ---------------------------------------------------------------- access

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** The {@code __metadata__} strings in header order (empty if the file has none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor names in header order. */
    public List<String> names() {
        return List.copyOf(infos.keySet());
    }

    /** Where every tensor lies, in header order. */
    public List<Info> infos() {
        return List.copyOf(infos.values());
    }

    /** True when the file holds a tensor of this name. */
    public boolean contains(String name) {
        return infos.containsKey(name);
    }

    /**
     * The header entry of a tensor.
     *
     * @throws WeightFileException if the file holds no tensor of that name
     */
    public Info info(String name) {
        Info i = infos.get(name);
        if (i == null) {
            throw new WeightFileException(path, "no tensor named " + Json.quote(name) + " (the file has "
                    + infos.size() + " tensors)");
        }
        return i;
    }

    /**
     * Reads one tensor's bytes from disk.
     *
     * @throws WeightFileException if there is no such tensor, it exceeds 2 GiB, or reading fails
     */
    public StoredTensor read(String name) {
        Info i = info(name);
        if (i.byteSize() > Integer.MAX_VALUE) {
            throw new WeightFileException(path, "tensor " + Json.quote(name) + " has " + i.byteSize()
                    + " bytes; reliant reads tensors of at most " + Integer.MAX_VALUE + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate((int) i.byteSize());
        readFully(path, channel, b, dataStart + i.begin);
        return StoredTensor.ofOwnedBytes(name, i.dtype, i.intShape(), b.array());
    }

    /** Reads one tensor converted to float32; see {@link StoredTensor#asFloat()}. */
    public Tensor readFloat(String name) {
        return read(name).asFloat();
    }

    /** Reads every tensor, in header order. */
    public LinkedHashMap<String, StoredTensor> readAll() {
        LinkedHashMap<String, StoredTensor> out = new LinkedHashMap<>();
        for (String name : infos.keySet()) {
            out.put(name, read(name));
        }
        return out;
    }

    /** Closes the file. */
    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void readFully(Path file, FileChannel ch, ByteBuffer b, long position) {
        try {
            long p = position;
            while (b.hasRemaining()) {
                int r = ch.read(b, p);
                if (r < 0) {
                    throw new WeightFileException(file, "unexpected end of file at byte " + p
                            + " (file truncated or changed while open)");
                }
                p += r;
            }
        } catch (IOException e) {
            throw new WeightFileException(file, "cannot read: " + IoErrors.describe(e), e);
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing useful to do
        }
    }
}
