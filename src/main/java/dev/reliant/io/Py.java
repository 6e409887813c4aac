package dev.reliant.io;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Python values that {@link Unpickler} builds. Plain data map to Java directly: int →
 * {@link Long} or {@link java.math.BigInteger}, float → {@link Double}, str → {@link String},
 * bool → {@link Boolean}, list → {@link java.util.ArrayList}, set → {@link java.util.LinkedHashSet};
 * the rest are the classes here. Nothing here can run code: the only "callables" are the few
 * {@link Global}s the unpickler interprets itself.
 */
final class Py {
    private Py() {}

    /** Python's None. */
    enum None {
        NONE;

        @Override
        public String toString() {
            return "None";
        }
    }

    /** An immutable tuple; equal and hashed by its items, as in Python. */
    static final class Tuple {
        final List<Object> items;

        Tuple(List<Object> items) {
            this.items = Collections.unmodifiableList(items);
        }

        int size() {
            return items.size();
        }

        Object get(int i) {
            return items.get(i);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tuple && items.equals(((Tuple) o).items);
        }

        @Override
        public int hashCode() {
            return items.hashCode();
        }

        @Override
        public String toString() {
            return "tuple of " + items.size();
        }
    }

    /** bytes. */
    static final class Bytes {
        final byte[] value;

        Bytes(byte[] value) {
            this.value = value;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes && Arrays.equals(value, ((Bytes) o).value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "bytes of " + value.length;
        }
    }

    /** dict or collections.OrderedDict (both keep insertion order). */
    static final class Dict {
        final Map<Object, Object> map = new LinkedHashMap<>();
        final boolean ordered;
        /** Attributes set by BUILD, e.g. a state_dict's {@code _metadata}; kept, not used. */
        Object state;

        Dict(boolean ordered) {
            this.ordered = ordered;
        }

        @Override
        public String toString() {
            return (ordered ? "OrderedDict" : "dict") + " of " + map.size();
        }
    }

    /** An allowed global that the unpickler knows how to "call" (or use as a marker). */
    enum Global {
        ORDERED_DICT("collections.OrderedDict"),
        REBUILD_TENSOR("torch._utils._rebuild_tensor"),
        REBUILD_TENSOR_V2("torch._utils._rebuild_tensor_v2"),
        REBUILD_TENSOR_V3("torch._utils._rebuild_tensor_v3"),
        REBUILD_PARAMETER("torch._utils._rebuild_parameter"),
        REBUILD_PARAMETER_WITH_STATE("torch._utils._rebuild_parameter_with_state"),
        REBUILD_FROM_TYPE_V2("torch._tensor._rebuild_from_type_v2"),
        TENSOR_TYPE("torch.Tensor"),
        PARAMETER_TYPE("torch.nn.parameter.Parameter"),
        SIZE("torch.Size"),
        DEVICE("torch.device"),
        CODECS_ENCODE("_codecs.encode"),
        SET("builtins.set"),
        FROZENSET("builtins.frozenset");

        final String qualifiedName;

        Global(String qualifiedName) {
            this.qualifiedName = qualifiedName;
        }

        @Override
        public String toString() {
            return qualifiedName;
        }
    }

    /** A torch.*Storage class, e.g. torch.FloatStorage, with the dtype of its elements. */
    static final class StorageType {
        final String name;
        /** Null for torch.UntypedStorage (bytes). */
        final DType dtype;

        StorageType(String name, DType dtype) {
            this.name = name;
            this.dtype = dtype;
        }

        /** Bytes per element (1 for untyped storage). */
        int elementSize() {
            return dtype == null ? 1 : dtype.size();
        }

        @Override
        public String toString() {
            return "torch." + name;
        }
    }

    /** A torch.dtype such as torch.float32. */
    static final class TorchDtype {
        final String name;
        final DType dtype;

        TorchDtype(String name, DType dtype) {
            this.name = name;
            this.dtype = dtype;
        }

        @Override
        public String toString() {
            return "torch." + name;
        }
    }

    /**
     * A storage that a persistent id refers to: {@code numel} elements of {@code type}, starting
     * {@code elementOffset} elements into the root storage {@code key} (non-zero only for the
     * storage views of the legacy format).
     */
    static final class StorageRef {
        final String key;
        final StorageType type;
        final long elementOffset;
        final long numel;

        StorageRef(String key, StorageType type, long elementOffset, long numel) {
            this.key = key;
            this.type = type;
            this.elementOffset = elementOffset;
            this.numel = numel;
        }

        @Override
        public String toString() {
            return "storage " + key;
        }
    }

    /** A tensor: a strided view of a storage, in elements of {@code dtype}. */
    static final class TensorRef {
        final StorageRef storage;
        final DType dtype;
        final long offset;
        final long[] size;
        final long[] stride;

        TensorRef(StorageRef storage, DType dtype, long offset, long[] size, long[] stride) {
            this.storage = storage;
            this.dtype = dtype;
            this.offset = offset;
            this.size = size;
            this.stride = stride;
        }

        @Override
        public String toString() {
            return "tensor " + dtype + Arrays.toString(size);
        }
    }

    /** A short description of a value's type for error messages (never its contents). */
    static String typeName(Object o) {
        if (o == null || o == None.NONE) {
            return "None";
        }
        if (o instanceof Long || o instanceof java.math.BigInteger) {
            return "int";
        }
        if (o instanceof Double) {
            return "float";
        }
        if (o instanceof String) {
            return "str";
        }
        if (o instanceof Boolean) {
            return "bool";
        }
        if (o instanceof java.util.List) {
            return "list";
        }
        if (o instanceof java.util.Set) {
            return "set";
        }
        if (o instanceof Tuple) {
            return "tuple";
        }
        if (o instanceof Bytes) {
            return "bytes";
        }
        if (o instanceof Dict) {
            return ((Dict) o).ordered ? "OrderedDict" : "dict";
        }
        if (o instanceof TensorRef) {
            return "tensor";
        }
        if (o instanceof StorageRef) {
            return "storage";
        }
        return o.toString();
    }
}
