package dev.reliant.io;

import dev.reliant.tensor.Bf16Format;
import dev.reliant.tensor.Fp16Format;
import dev.reliant.tensor.Shapes;
import dev.reliant.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor as a file stores it: a name, an element type, a shape and the raw little-endian,
 * row-major element bytes. Integer tensors keep their exact values (int64 step counters, uint8
 * write-verify masks), half-precision tensors their exact bits; {@link #asFloat()} converts any
 * of them to a float32 {@link Tensor} when a kernel needs one.
 *
 * <p>Immutable: the bytes are copied in at construction and only handed out as copies or
 * read-only buffers. At most 2^31 − 1 bytes per tensor (one Java array).
 */
public final class StoredTensor {
    private final String name;
    private final DType dtype;
    private final int[] shape;
    private final long numel;
    private final ByteBuffer data; // read-only, little-endian, position 0, limit = byte size

    private StoredTensor(String name, DType dtype, int[] shape, long numel, ByteBuffer data) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape;
        this.numel = numel;
        this.data = data;
    }

    // ---------------------------------------------------------------- construction

    /**
     * A tensor from raw little-endian bytes (copied).
     *
     * @throws IllegalArgumentException if a dimension is negative or the byte count is not
     *     {@code numel × dtype.size()}
     */
    public static StoredTensor ofRaw(String name, DType dtype, int[] shape, byte[] bytes) {
        return ofOwnedBytes(name, dtype, shape, bytes.clone());
    }

    /** Same as {@link #ofRaw} but takes ownership of {@code bytes} (not copied). */
    static StoredTensor ofOwnedBytes(String name, DType dtype, int[] shape, byte[] bytes) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        int[] s = shape.clone();
        long n = elementCount(s);
        if (n * dtype.size() != bytes.length) {
            throw new IllegalArgumentException("tensor " + Json.quote(name) + ": shape "
                    + Shapes.toString(s) + " of " + dtype + " needs " + n * dtype.size()
                    + " bytes, got " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return new StoredTensor(name, dtype, s, n, b);
    }

    /** A float32 tensor holding a copy of {@code t}'s elements (bit-exact, NaN payloads kept). */
    public static StoredTensor of(String name, Tensor t) {
        return fromFloats(name, t, DType.F32);
    }

    /**
     * A tensor of a floating-point dtype from float values: F32 exactly, F64 exactly (widened),
     * F16 and BF16 rounded to nearest even as {@link Fp16Format} and {@link Bf16Format} do.
     *
     * @throws IllegalArgumentException for a non-float dtype or FP8 (not written by reliant)
     */
    public static StoredTensor fromFloats(String name, Tensor t, DType dtype) {
        float[] v = t.data();
        int[] shape = t.shape();
        long bytes = (long) v.length * dtype.size();
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor " + Json.quote(name) + ": " + bytes
                    + " bytes of " + dtype + " exceed the 2 GiB limit of one stored tensor");
        }
        ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32:
                for (float x : v) {
                    b.putInt(Float.floatToRawIntBits(x));
                }
                break;
            case F64:
                for (float x : v) {
                    b.putDouble(x);
                }
                break;
            case F16:
                for (float x : v) {
                    b.putShort((short) Fp16Format.INSTANCE.encode(x));
                }
                break;
            case BF16:
                for (float x : v) {
                    b.putShort((short) Bf16Format.INSTANCE.encode(x));
                }
                break;
            default:
                throw new IllegalArgumentException("cannot store float values as " + dtype
                        + " (use F32, F64, F16 or BF16, or ofRaw for exact integer data)");
        }
        return ofOwnedBytes(name, dtype, shape, b.array());
    }

    /** A uint8 tensor (for example a write-verify mask); values are taken modulo 256. */
    public static StoredTensor ofU8(String name, int[] shape, byte[] values) {
        return ofRaw(name, DType.U8, shape, values);
    }

    /** An int8 tensor. */
    public static StoredTensor ofI8(String name, int[] shape, byte[] values) {
        return ofRaw(name, DType.I8, shape, values);
    }

    /** An int32 tensor. */
    public static StoredTensor ofI32(String name, int[] shape, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 4))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return ofOwnedBytes(name, DType.I32, shape, b.array());
    }

    /** An int64 tensor. */
    public static StoredTensor ofI64(String name, int[] shape, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 8))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return ofOwnedBytes(name, DType.I64, shape, b.array());
    }

    /** The same tensor under another name (the bytes are shared, both are immutable). */
    public StoredTensor withName(String newName) {
        return new StoredTensor(Objects.requireNonNull(newName), dtype, shape, numel, data);
    }

    private static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Shapes.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Shapes.toString(shape)
                        + " has more than " + Integer.MAX_VALUE + " elements");
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- accessors

    /** The tensor's name (its state_dict key). */
    public String name() {
        return name;
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** The shape as {@code [16, 3, 3, 3]}. */
    public String shapeString() {
        return Shapes.toString(shape);
    }

    /** The number of elements. */
    public int numel() {
        return (int) numel;
    }

    /** The number of data bytes, {@code numel × dtype.size()}. */
    public int byteSize() {
        return data.limit();
    }

    /** A read-only little-endian view of the bytes (position 0). */
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A copy of the raw little-endian bytes. */
    public byte[] rawBytes() {
        byte[] out = new byte[data.limit()];
        data.duplicate().get(out);
        return out;
    }

    /**
     * The elements converted to float32, as a new tensor of the same shape. Exact for F32, F16,
     * BF16, FP8, BOOL, 8- and 16-bit integers; F64 and wide integers round to the nearest float.
     */
    public Tensor asFloat() {
        return Tensor.of(toFloatArray(), shape);
    }

    /** The elements converted to float32; see {@link #asFloat()}. */
    public float[] toFloatArray() {
        int n = (int) numel;
        float[] out = new float[n];
        ByteBuffer b = data();
        switch (dtype) {
            case F32:
                b.asFloatBuffer().get(out);
                break;
            case F64:
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(8 * i);
                }
                break;
            case F16:
                for (int i = 0; i < n; i++) {
                    out[i] = Fp16Format.INSTANCE.decode(b.getShort(2 * i) & 0xFFFF);
                }
                break;
            case BF16:
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xFFFF) << 16);
                }
                break;
            case F8_E5M2:
                for (int i = 0; i < n; i++) {
                    // E5M2 is the top byte of a binary16.
                    out[i] = Fp16Format.INSTANCE.decode((b.get(i) & 0xFF) << 8);
                }
                break;
            case F8_E4M3:
                for (int i = 0; i < n; i++) {
                    out[i] = decodeE4M3(b.get(i) & 0xFF);
                }
                break;
            case U64:
                for (int i = 0; i < n; i++) {
                    long v = b.getLong(8 * i);
                    out[i] = v >= 0 ? (float) v : (float) ((v >>> 1) | (v & 1)) * 2f; // round once
                }
                break;
            default: {
                long[] l = toLongArray();
                for (int i = 0; i < n; i++) {
                    out[i] = (float) l[i];
                }
            }
        }
        return out;
    }

    /** FP8 E4M3 "fn": bias 7, no infinities, S.1111.111 is NaN. */
    static float decodeE4M3(int code) {
        int sign = code & 0x80;
        int exp = (code >>> 3) & 0xF;
        int mant = code & 0x7;
        float v;
        if (exp == 0xF && mant == 0x7) {
            v = Float.NaN;
        } else if (exp == 0) {
            v = mant * 0x1p-9f;
        } else {
            v = (1 + mant / 8f) * (float) Math.scalb(1.0, exp - 7);
        }
        return sign != 0 ? -v : v;
    }

    /**
     * The elements of an integer or BOOL tensor as longs (unsigned types zero-extended; U64 above
     * 2^63 − 1 wraps to negative).
     *
     * @throws IllegalStateException for a floating-point tensor
     */
    public long[] toLongArray() {
        int n = (int) numel;
        long[] out = new long[n];
        ByteBuffer b = data();
        switch (dtype) {
            case BOOL:
            case U8:
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i) & 0xFF;
                }
                break;
            case I8:
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i);
                }
                break;
            case I16:
                for (int i = 0; i < n; i++) {
                    out[i] = b.getShort(2 * i);
                }
                break;
            case U16:
                for (int i = 0; i < n; i++) {
                    out[i] = b.getShort(2 * i) & 0xFFFF;
                }
                break;
            case I32:
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(4 * i);
                }
                break;
            case U32:
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(4 * i) & 0xFFFF_FFFFL;
                }
                break;
            case I64:
            case U64:
                b.asLongBuffer().get(out);
                break;
            default:
                throw new IllegalStateException("tensor " + Json.quote(name) + " holds " + dtype
                        + ", not integers; use asFloat()");
        }
        return out;
    }

    /**
     * The elements of a tensor whose values all fit an int (BOOL, U8, I8, I16, U16, I32) as ints.
     *
     * @throws IllegalStateException for other dtypes
     */
    public int[] toIntArray() {
        switch (dtype) {
            case BOOL: case U8: case I8: case I16: case U16: case I32: {
                long[] l = toLongArray();
                int[] out = new int[l.length];
                for (int i = 0; i < l.length; i++) {
                    out[i] = (int) l[i];
                }
                return out;
            }
            default:
                throw new IllegalStateException("tensor " + Json.quote(name) + " holds " + dtype
                        + ", whose values do not all fit an int; use toLongArray() or asFloat()");
        }
    }

    /** True when dtype, shape and every data byte are equal (names are not compared). */
    public boolean contentEquals(StoredTensor other) {
        return dtype == other.dtype && Arrays.equals(shape, other.shape) && data.equals(other.data);
    }

    /** {@code conv1.weight F32[16, 3, 3, 3]}. */
    @Override
    public String toString() {
        return name + " " + dtype + Shapes.toString(shape);
    }
}
