package dev.reliant.io;

import dev.reliant.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Imports the tensors of a PyTorch checkpoint ({@code torch.save} of a state_dict, or of a dict
 * that holds one) without Python and without running any code from the file.
 *
 * <h2>Formats</h2>
 * <ul>
 *   <li><b>zip</b> ({@code torch.save} since PyTorch 1.6): entries {@code ARCHIVE/data.pkl} (the
 *       pickled object), {@code ARCHIVE/data/KEY} (raw storage bytes), {@code ARCHIVE/version},
 *       optionally {@code ARCHIVE/byteorder}; ARCHIVE is any top-level folder name.
 *   <li><b>legacy</b> (before 1.6): five pickles back to back (magic number, protocol version
 *       1001, sys_info, the object, the list of storage keys), then per storage key an 8-byte
 *       element count and the raw elements.
 * </ul>
 * Persistent ids {@code ('storage', torch.XStorage, key, location, numel[, view_metadata])} name
 * the storages; tensors are {@code _rebuild_tensor[_v2|_v3](storage, offset, size, stride, …)},
 * and strided views (non-contiguous, expanded, offset) are gathered into dense row-major bytes.
 * The pickle is read by {@link Unpickler}, which accepts only an allow-list of globals.
 *
 * <h2>What comes out</h2>
 * The state_dict is the top-level dict if it holds tensors, otherwise the first of its entries
 * {@code state_dict}, {@code model_state_dict}, {@code model}, {@code net} that is a dict holding
 * tensors. The other top-level entries with scalar values (e.g. {@code best_prec1}, {@code epoch})
 * become {@link #metadata()} strings, formatted as Python prints them. If every tensor name starts
 * with {@code module.} (a model saved inside {@code nn.DataParallel}) the prefix is removed.
 * {@link #tensors()} holds every tensor with its stored dtype, including the int64
 * {@code num_batches_tracked} counters of batch norms; {@link #floatWeights()} holds only the
 * floating-point ones, as float32.
 */
public final class PyTorchCheckpoint {
    /** The two container formats of torch.save. */
    public enum Format {
        /** torch.save since PyTorch 1.6: a zip archive. */
        ZIP,
        /** The older format: pickles followed by raw storages. */
        LEGACY
    }

    /** The entries that may hold the state_dict inside a top-level dict, in order of preference. */
    public static final List<String> STATE_DICT_KEYS = List.of("state_dict", "model_state_dict", "model", "net");

    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950A86A20F9469CFC6C", 16);
    private static final String MODULE_PREFIX = "module.";

    private final Path path;
    private final Format format;
    private final String stateDictKey;
    private final boolean strippedModulePrefix;
    private final LinkedHashMap<String, StoredTensor> tensors;
    private final Map<String, String> metadata;
    private final List<String> skipped;

    private PyTorchCheckpoint(Path path, Format format, String stateDictKey, boolean strippedModulePrefix,
            LinkedHashMap<String, StoredTensor> tensors, Map<String, String> metadata, List<String> skipped) {
        this.path = path;
        this.format = format;
        this.stateDictKey = stateDictKey;
        this.strippedModulePrefix = strippedModulePrefix;
        this.tensors = tensors;
        this.metadata = metadata;
        this.skipped = skipped;
    }

    // ---------------------------------------------------------------- API

    /**
     * Reads a checkpoint in either format.
     *
     * @throws WeightFileException with one line naming the file and the problem if the file is
     *     not a checkpoint, is truncated or corrupt, holds no state_dict, or refers to anything
     *     outside the allow-list
     */
    public static PyTorchCheckpoint read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, 512));
            while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
                // fill
            }
            byte[] h = head.array();
            if (size == 0) {
                throw new WeightFileException(file, "empty file, not a PyTorch checkpoint");
            }
            if (size >= 4 && h[0] == 'P' && h[1] == 'K' && (h[2] == 3 || h[2] == 5) && (h[3] == 4 || h[3] == 6)) {
                return readZip(file);
            }
            if ((h[0] & 0xFF) == 0x80) {
                return readLegacy(file, ch, size);
            }
            if (size >= 262 && new String(h, 257, 5, StandardCharsets.ISO_8859_1).equals("ustar")) {
                throw new WeightFileException(file, "tar-format checkpoint (PyTorch before 0.1.10) is not supported");
            }
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < Math.min(4, h.length); i++) {
                hex.append(String.format(" %02x", h[i] & 0xFF));
            }
            throw new WeightFileException(file, "not a PyTorch checkpoint: neither a zip archive nor a pickle"
                    + " (first bytes" + hex + ")");
        } catch (IOException e) {
            throw new WeightFileException(file, "cannot read: " + IoErrors.describe(e), e);
        }
    }

    /** The tensors of a checkpoint's state_dict; short for {@code read(file).tensors()}. */
    public static LinkedHashMap<String, StoredTensor> readStateDict(Path file) {
        return read(file).tensors();
    }

    /** The file read. */
    public Path path() {
        return path;
    }

    /** The container format found. */
    public Format format() {
        return format;
    }

    /** The top-level entry that held the state_dict, or "" when the file is the state_dict. */
    public String stateDictKey() {
        return stateDictKey;
    }

    /** True when a {@code module.} prefix was removed from every name. */
    public boolean strippedModulePrefix() {
        return strippedModulePrefix;
    }

    /** Every tensor of the state_dict in its order, with its stored dtype (the caller's to modify). */
    public LinkedHashMap<String, StoredTensor> tensors() {
        return tensors;
    }

    /**
     * The floating-point tensors as float32, in state_dict order: parameters and float buffers,
     * without integer buffers such as {@code num_batches_tracked}.
     */
    public LinkedHashMap<String, Tensor> floatWeights() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (v.dtype().isFloatingPoint() && !k.endsWith("num_batches_tracked")) {
                out.put(k, v.asFloat());
            }
        });
        return out;
    }

    /** Scalar top-level entries besides the state_dict, e.g. {@code best_prec1 → 91.78000183105469}. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Entries that were not imported: top-level entries that are neither the state_dict nor
     * scalars (e.g. {@code optimizer}), and non-tensor values inside the state_dict.
     */
    public List<String> skippedEntries() {
        return skipped;
    }

    // ---------------------------------------------------------------- storages

    /** One root storage: {@code numel} elements of {@code type}, where its bytes are. */
    private static final class Root {
        final String key;
        final Py.StorageType type;
        final long numel;
        long filePosition = -1; // legacy: where the elements start

        Root(String key, Py.StorageType type, long numel) {
            this.key = key;
            this.type = type;
            this.numel = numel;
        }

        long byteSize() {
            return numel * type.elementSize();
        }
    }

    /** Collects the storages that persistent ids name, checking that repeated ids agree. */
    private static final class Storages {
        final Path file;
        final Map<String, Root> roots = new LinkedHashMap<>();

        Storages(Path file) {
            this.file = file;
        }

        Root root(String key, Object type, Object numel) {
            if (!(type instanceof Py.StorageType)) {
                throw new WeightFileException(file, "storage " + Json.quote(key) + " has type "
                        + Py.typeName(type) + ", not a torch storage type");
            }
            if (!(numel instanceof Long) || (Long) numel < 0) {
                throw new WeightFileException(file, "storage " + Json.quote(key) + " has size "
                        + Py.typeName(numel) + ", not a non-negative integer");
            }
            Py.StorageType t = (Py.StorageType) type;
            long n = (Long) numel;
            if (n > Long.MAX_VALUE / 8) {
                throw new WeightFileException(file, "storage " + Json.quote(key) + " claims an absurd size of "
                        + n + " elements");
            }
            Root r = roots.get(key);
            if (r == null) {
                r = new Root(key, t, n);
                roots.put(key, r);
            } else if (r.type.elementSize() != t.elementSize() || r.numel != n) {
                throw new WeightFileException(file, "storage " + Json.quote(key)
                        + " is declared twice with different types or sizes");
            }
            return r;
        }
    }

    private static String stringField(Path file, Object o, String what) {
        if (!(o instanceof String)) {
            throw new WeightFileException(file, what + " is a " + Py.typeName(o) + ", not a string");
        }
        return (String) o;
    }

    /** ('storage', storage_type, key, location, numel) of the zip format. */
    private static Function<Object, Object> zipPersistentIds(Path file, Storages storages) {
        return pid -> {
            if (!(pid instanceof Py.Tuple) || ((Py.Tuple) pid).size() < 1) {
                throw new WeightFileException(file, "persistent id is a " + Py.typeName(pid) + ", not a tuple");
            }
            Py.Tuple t = (Py.Tuple) pid;
            String kind = stringField(file, t.get(0), "persistent id kind");
            if (!kind.equals("storage") || t.size() != 5) {
                throw new WeightFileException(file, "unsupported persistent id " + Json.quote(kind)
                        + " with " + t.size() + " fields");
            }
            String key = stringField(file, t.get(2), "storage key");
            Root r = storages.root(key, t.get(1), t.get(4));
            return new Py.StorageRef(r.key, r.type, 0, r.numel);
        };
    }

    /** ('storage', storage_type, root_key, location, root_numel, view_metadata) of the legacy format. */
    private static Function<Object, Object> legacyPersistentIds(Path file, Storages storages) {
        return pid -> {
            if (!(pid instanceof Py.Tuple) || ((Py.Tuple) pid).size() < 1) {
                throw new WeightFileException(file, "persistent id is a " + Py.typeName(pid) + ", not a tuple");
            }
            Py.Tuple t = (Py.Tuple) pid;
            String kind = stringField(file, t.get(0), "persistent id kind");
            if (kind.equals("module")) {
                throw new WeightFileException(file, "checkpoint holds a whole nn.Module (torch.save(model)),"
                        + " which needs its Python code; save model.state_dict() instead");
            }
            if (!kind.equals("storage") || t.size() != 6) {
                throw new WeightFileException(file, "unsupported persistent id " + Json.quote(kind)
                        + " with " + t.size() + " fields");
            }
            String key = stringField(file, t.get(2), "storage key");
            Root r = storages.root(key, t.get(1), t.get(4));
            Object view = t.get(5);
            if (view == Py.None.NONE) {
                return new Py.StorageRef(r.key, r.type, 0, r.numel);
            }
            if (!(view instanceof Py.Tuple) || ((Py.Tuple) view).size() != 3
                    || !(((Py.Tuple) view).get(1) instanceof Long) || !(((Py.Tuple) view).get(2) instanceof Long)) {
                throw new WeightFileException(file, "storage " + Json.quote(key) + " has malformed view metadata");
            }
            long offset = (Long) ((Py.Tuple) view).get(1);
            long size = (Long) ((Py.Tuple) view).get(2);
            if (offset < 0 || size < 0 || offset > r.numel || size > r.numel - offset) {
                throw new WeightFileException(file, "storage view [" + offset + ", +" + size + ") lies outside storage "
                        + Json.quote(key) + " of " + r.numel + " elements");
            }
            return new Py.StorageRef(r.key, r.type, offset, size);
        };
    }

    // ---------------------------------------------------------------- zip

    private static PyTorchCheckpoint readZip(Path file) {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new WeightFileException(file, "not a readable zip archive (truncated or corrupt?): "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new WeightFileException(file, "cannot read: " + IoErrors.describe(e), e);
        }
        try (zip) {
            String prefix = null;
            boolean torchScript = false;
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                String name = en.nextElement().getName();
                int slash = name.indexOf('/');
                if (slash > 0 && name.indexOf('/', slash + 1) < 0) {
                    String rest = name.substring(slash + 1);
                    if (rest.equals("data.pkl")) {
                        if (prefix != null) {
                            throw new WeightFileException(file, "zip archive holds several data.pkl ("
                                    + Json.quote(prefix) + " and " + Json.quote(name.substring(0, slash)) + ")");
                        }
                        prefix = name.substring(0, slash);
                    } else if (rest.equals("constants.pkl")) {
                        torchScript = true;
                    }
                }
            }
            if (prefix == null) {
                throw new WeightFileException(file, "zip archive without a FOLDER/data.pkl entry: not a torch.save checkpoint");
            }
            if (torchScript && zip.getEntry(prefix + "/code/") != null) {
                throw new WeightFileException(file, "a TorchScript archive (torch.jit.save), not a torch.save"
                        + " checkpoint; save the model's state_dict() instead");
            }
            boolean bigEndian = false;
            ZipEntry bo = zip.getEntry(prefix + "/byteorder");
            if (bo != null) {
                String order = new String(readEntry(file, zip, bo, 16, "byteorder"), StandardCharsets.US_ASCII).trim();
                if (order.equals("big")) {
                    bigEndian = true;
                } else if (!order.equals("little")) {
                    throw new WeightFileException(file, "unknown byteorder " + Json.quote(order));
                }
            }
            ZipEntry pkl = zip.getEntry(prefix + "/data.pkl");
            byte[] pickle = readEntry(file, zip, pkl, Integer.MAX_VALUE - 8, "data.pkl");
            Storages storages = new Storages(file);
            Object root = Unpickler.load(file, prefix + "/data.pkl", PickleInput.of(pickle),
                    zipPersistentIds(file, storages));
            final String pre = prefix;
            StorageBytes bytes = r -> {
                ZipEntry e = zip.getEntry(pre + "/data/" + r.key);
                if (e == null) {
                    throw new WeightFileException(file, "storage " + Json.quote(r.key) + " has no entry "
                            + Json.quote(pre + "/data/" + r.key) + " in the archive");
                }
                if (e.getSize() >= 0 && e.getSize() < r.byteSize()) {
                    throw new WeightFileException(file, "storage " + Json.quote(r.key) + " needs " + r.byteSize()
                            + " bytes but its entry holds " + e.getSize());
                }
                return readStoragePrefix(file, zip, e, r);
            };
            return assemble(file, Format.ZIP, root, storages, bytes, bigEndian);
        } catch (IOException e) {
            throw new WeightFileException(file, "cannot read: " + IoErrors.describe(e), e);
        }
    }

    private static byte[] readEntry(Path file, ZipFile zip, ZipEntry e, long max, String what) throws IOException {
        if (e.getSize() > max) {
            throw new WeightFileException(file, what + " entry of " + e.getSize() + " bytes is too large");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) Math.min(max, e.getSize() >= 0 ? e.getSize() : max));
            if (e.getSize() >= 0 && b.length != e.getSize()) {
                throw new WeightFileException(file, what + " entry is truncated: " + b.length + " of "
                        + e.getSize() + " bytes");
            }
            return b;
        } catch (ZipException ex) {
            throw new WeightFileException(file, "corrupt zip entry " + Json.quote(e.getName()) + ": " + ex.getMessage(), ex);
        }
    }

    private static byte[] readStoragePrefix(Path file, ZipFile zip, ZipEntry e, Root r) {
        checkStorageSize(file, r);
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) r.byteSize());
            if (b.length != r.byteSize()) {
                throw new WeightFileException(file, "storage " + Json.quote(r.key) + " is truncated: "
                        + b.length + " of " + r.byteSize() + " bytes");
            }
            return b;
        } catch (ZipException ex) {
            throw new WeightFileException(file, "corrupt zip entry " + Json.quote(e.getName()) + ": " + ex.getMessage(), ex);
        } catch (IOException ex) {
            throw new WeightFileException(file, "cannot read storage " + Json.quote(r.key) + ": "
                    + IoErrors.describe(ex), ex);
        }
    }

    private static void checkStorageSize(Path file, Root r) {
        if (r.byteSize() > Integer.MAX_VALUE - 8) {
            throw new WeightFileException(file, "storage " + Json.quote(r.key) + " has " + r.byteSize()
                    + " bytes; reliant reads storages of at most 2 GiB");
        }
    }

    // ---------------------------------------------------------------- legacy

    private static PyTorchCheckpoint readLegacy(Path file, FileChannel ch, long size) throws IOException {
        PickleInput in = PickleInput.of(file, ch, 0, size);
        Object magic = Unpickler.load(file, "magic number pickle", in, null);
        if (!LEGACY_MAGIC.equals(magic instanceof Long ? BigInteger.valueOf((Long) magic) : magic)) {
            throw new WeightFileException(file, "not a PyTorch checkpoint: a pickle without torch's magic number");
        }
        Object version = Unpickler.load(file, "protocol version pickle", in, null);
        if (!Long.valueOf(1001).equals(version)) {
            throw new WeightFileException(file, "unsupported legacy checkpoint protocol version "
                    + Py.typeName(version) + (version instanceof Long ? " " + version : ""));
        }
        Object sysInfo = Unpickler.load(file, "sys_info pickle", in, null);
        boolean bigEndian = false;
        if (sysInfo instanceof Py.Dict) {
            Object le = ((Py.Dict) sysInfo).map.get("little_endian");
            bigEndian = Boolean.FALSE.equals(le);
        }
        Storages storages = new Storages(file);
        Object root = Unpickler.load(file, "main pickle", in, legacyPersistentIds(file, storages));
        Object keys = Unpickler.load(file, "storage key pickle", in, null);
        if (!(keys instanceof List)) {
            throw new WeightFileException(file, "storage key pickle holds a " + Py.typeName(keys) + ", not a list");
        }
        long pos = in.position();
        ByteBuffer count = ByteBuffer.allocate(8).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        for (Object k : (List<?>) keys) {
            String key = stringField(file, k, "storage key");
            Root r = storages.roots.get(key);
            if (r == null) {
                throw new WeightFileException(file, "storage list names " + Json.quote(key)
                        + ", which the checkpoint never uses");
            }
            if (r.filePosition >= 0) {
                throw new WeightFileException(file, "storage " + Json.quote(key) + " is listed twice");
            }
            if (pos > size - 8) {
                throw new WeightFileException(file, "file ends at byte " + size + " before storage "
                        + Json.quote(key) + " (truncated?)");
            }
            count.clear();
            while (count.hasRemaining()) {
                if (ch.read(count, pos + count.position()) < 0) {
                    throw new WeightFileException(file, "unexpected end of file at byte " + pos);
                }
            }
            long n = count.getLong(0);
            if (n != r.numel) {
                throw new WeightFileException(file, "storage " + Json.quote(key) + " has " + (n < 0 ? "a corrupt count of "
                        + Long.toUnsignedString(n) : n) + " elements in the file, but " + r.numel + " in the checkpoint");
            }
            r.filePosition = pos + 8;
            if (r.byteSize() > size - r.filePosition) {
                throw new WeightFileException(file, "storage " + Json.quote(key) + " needs bytes up to "
                        + (r.filePosition + r.byteSize()) + ", but the file has " + size + " (truncated?)");
            }
            pos = r.filePosition + r.byteSize();
        }
        for (Root r : storages.roots.values()) {
            if (r.filePosition < 0) {
                throw new WeightFileException(file, "storage " + Json.quote(r.key) + " has no data in the file");
            }
        }
        StorageBytes bytes = r -> {
            checkStorageSize(file, r);
            ByteBuffer b = ByteBuffer.allocate((int) r.byteSize());
            try {
                while (b.hasRemaining()) {
                    if (ch.read(b, r.filePosition + b.position()) < 0) {
                        throw new WeightFileException(file, "unexpected end of file in storage " + Json.quote(r.key));
                    }
                }
            } catch (IOException e) {
                throw new WeightFileException(file, "cannot read: " + IoErrors.describe(e), e);
            }
            return b.array();
        };
        return assemble(file, Format.LEGACY, root, storages, bytes, bigEndian);
    }

    // ---------------------------------------------------------------- from objects to tensors

    private interface StorageBytes {
        byte[] load(Root r);
    }

    private static PyTorchCheckpoint assemble(Path file, Format format, Object root, Storages storages,
            StorageBytes storageBytes, boolean bigEndian) {
        if (!(root instanceof Py.Dict)) {
            throw new WeightFileException(file, "checkpoint holds a " + Py.typeName(root) + ", not a state_dict");
        }
        Py.Dict top = (Py.Dict) root;
        Py.Dict stateDict = null;
        String stateKey = "";
        if (holdsTensors(top)) {
            stateDict = top;
        } else {
            for (String k : STATE_DICT_KEYS) {
                Object v = top.map.get(k);
                if (v instanceof Py.Dict && holdsTensors((Py.Dict) v)) {
                    stateDict = (Py.Dict) v;
                    stateKey = k;
                    break;
                }
            }
        }
        if (stateDict == null) {
            List<String> keys = new ArrayList<>();
            for (Object k : top.map.keySet()) {
                keys.add(k instanceof String ? Json.quote((String) k) : Py.typeName(k));
                if (keys.size() == 10) {
                    keys.add("…");
                    break;
                }
            }
            throw new WeightFileException(file, "no state_dict found: the checkpoint is a dict with keys "
                    + keys + " and no tensors, and none of " + STATE_DICT_KEYS + " holds tensors");
        }

        Map<String, String> metadata = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        if (!stateKey.isEmpty()) {
            for (Map.Entry<Object, Object> e : top.map.entrySet()) {
                if (e.getKey().equals(stateKey)) {
                    continue;
                }
                String k = e.getKey() instanceof String ? (String) e.getKey() : pythonStr(e.getKey());
                String v = k == null ? null : pythonStr(e.getValue());
                if (v != null) {
                    metadata.put(k, v);
                } else {
                    skipped.add(k != null ? k : Py.typeName(e.getKey()));
                }
            }
        }

        LinkedHashMap<String, Py.TensorRef> refs = new LinkedHashMap<>();
        boolean allPrefixed = true;
        for (Map.Entry<Object, Object> e : stateDict.map.entrySet()) {
            String name = e.getKey() instanceof String ? (String) e.getKey() : null;
            if (name != null && e.getValue() instanceof Py.TensorRef) {
                refs.put(name, (Py.TensorRef) e.getValue());
                allPrefixed &= name.startsWith(MODULE_PREFIX);
            } else {
                skipped.add((stateKey.isEmpty() ? "" : stateKey + ".")
                        + (name != null ? name : Py.typeName(e.getKey())));
            }
        }

        // Load each root storage once, and drop it after its last tensor.
        Map<String, Integer> uses = new HashMap<>();
        for (Py.TensorRef t : refs.values()) {
            uses.merge(t.storage.key, 1, Integer::sum);
        }
        Map<String, byte[]> cache = new HashMap<>();
        LinkedHashMap<String, StoredTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Py.TensorRef> e : refs.entrySet()) {
            String name = allPrefixed ? e.getKey().substring(MODULE_PREFIX.length()) : e.getKey();
            Py.TensorRef t = e.getValue();
            Root r = storages.roots.get(t.storage.key);
            byte[] bytes = cache.computeIfAbsent(r.key, k -> storageBytes.load(r));
            out.put(name, materialize(file, name, t, bytes, bigEndian));
            if (uses.merge(r.key, -1, Integer::sum) == 0) {
                cache.remove(r.key);
            }
        }
        return new PyTorchCheckpoint(file, format, stateKey, allPrefixed && !refs.isEmpty(), out,
                Collections.unmodifiableMap(metadata), Collections.unmodifiableList(skipped));
    }

    private static boolean holdsTensors(Py.Dict d) {
        for (Object v : d.map.values()) {
            if (v instanceof Py.TensorRef) {
                return true;
            }
        }
        return false;
    }

    /** Gathers a strided view of a storage into dense row-major little-endian bytes. */
    private static StoredTensor materialize(Path file, String name, Py.TensorRef t, byte[] root, boolean bigEndian) {
        String where = "tensor " + Json.quote(name);
        int es = t.dtype.size();
        long viewStart = t.storage.elementOffset * t.storage.type.elementSize();
        long viewBytes = t.storage.numel * t.storage.type.elementSize();
        long available = viewBytes / es;
        int[] shape = new int[t.size.length];
        long numel = 1;
        long maxIndex = t.offset;
        try {
            for (int i = 0; i < shape.length; i++) {
                if (t.size[i] > Integer.MAX_VALUE) {
                    throw new WeightFileException(file, where + ": dimension " + t.size[i] + " is too large");
                }
                shape[i] = (int) t.size[i];
                numel = Math.multiplyExact(numel, t.size[i]);
                if (t.size[i] > 0) {
                    maxIndex = Math.addExact(maxIndex, Math.multiplyExact(t.size[i] - 1, t.stride[i]));
                }
            }
        } catch (ArithmeticException ex) {
            throw new WeightFileException(file, where + ": size " + java.util.Arrays.toString(t.size)
                    + " and stride " + java.util.Arrays.toString(t.stride) + " overflow");
        }
        if (numel > (Integer.MAX_VALUE - 8) / es) {
            throw new WeightFileException(file, where + ": " + numel + " elements of " + t.dtype
                    + " exceed the 2 GiB limit of one tensor");
        }
        if (numel > 0 && maxIndex >= available) {
            throw new WeightFileException(file, where + ": view (offset " + t.offset + ", size "
                    + java.util.Arrays.toString(t.size) + ", stride " + java.util.Arrays.toString(t.stride)
                    + ") reaches element " + maxIndex + " of a storage with " + available);
        }
        byte[] out = new byte[(int) (numel * es)];
        if (numel > 0) {
            gather(root, (int) viewStart, t.offset, t.size, t.stride, es, out);
        }
        if (bigEndian && es > 1) {
            for (int i = 0; i < out.length; i += es) {
                for (int a = i, b = i + es - 1; a < b; a++, b--) {
                    byte x = out[a];
                    out[a] = out[b];
                    out[b] = x;
                }
            }
        }
        return StoredTensor.ofOwnedBytes(name, t.dtype, shape, out);
    }

    /** Row-major walk over the index space; contiguous inner runs are copied in one go. */
    private static void gather(byte[] src, int base, long offset, long[] size, long[] stride, int es, byte[] out) {
        int rank = size.length;
        // Merge trailing dimensions that are contiguous in the source into one run.
        long run = 1;
        int inner = rank; // dims [inner, rank) form the run
        while (inner > 0 && (size[inner - 1] == 1 || stride[inner - 1] == run)) {
            run *= size[inner - 1];
            inner--;
        }
        int runBytes = (int) (run * es);
        long[] idx = new long[inner];
        int dst = 0;
        long srcElem = offset;
        while (true) {
            System.arraycopy(src, (int) (base + srcElem * es), out, dst, runBytes);
            dst += runBytes;
            int d = inner - 1;
            while (d >= 0) {
                idx[d]++;
                srcElem += stride[d];
                if (idx[d] < size[d]) {
                    break;
                }
                srcElem -= stride[d] * size[d];
                idx[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    /** A scalar as Python's str() prints it, or null for anything else. */
    static String pythonStr(Object o) {
        if (o instanceof String) {
            return (String) o;
        }
        if (o instanceof Long || o instanceof BigInteger) {
            return o.toString();
        }
        if (o instanceof Boolean) {
            return (Boolean) o ? "True" : "False";
        }
        if (o == Py.None.NONE) {
            return "None";
        }
        if (o instanceof Double) {
            return pythonRepr((Double) o);
        }
        return null;
    }

    /**
     * The shortest decimal that reads back as {@code d}, the closest one if several have that
     * length (as Python's repr chooses; Double.toString of JDK 17 is not always the shortest).
     */
    private static BigDecimal shortest(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int p = 1; p < 17; p++) {
            BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (r.doubleValue() == d) {
                return r;
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }

    /** Python's repr of a float: shortest round-trip digits, exponent form outside [1e-4, 1e16). */
    static String pythonRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal bd = shortest(d).stripTrailingZeros();
        String digits = bd.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - bd.scale(); // decimal exponent of the first digit
        String sign = d < 0 ? "-" : "";
        if (exp >= -4 && exp < 16) {
            String plain = bd.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }
}
