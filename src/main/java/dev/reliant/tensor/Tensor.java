package dev.reliant.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float32 tensor: a shape and a contiguous row-major {@code float[]} (NCHW for images,
 * OIHW for convolution weights, [out, in] for linear weights).
 *
 * <p>Deliberately minimal: no strides, no views, no autograd. Kernels read and write {@link
 * #data()} directly; the shape is immutable, the elements are not. Two tensors may share one
 * array (see {@link #reshape}). Equality of contents is {@link #bitEquals}: fault injection
 * calls an outcome masked only when outputs are bit-identical, which {@code ==} on floats
 * (NaN, -0) and {@link Arrays#equals(float[], float[])} (NaN payloads) do not express.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    private Tensor(int[] shape, float[] data) {
        this.shape = shape;
        this.data = data;
    }

    /** A tensor of zeros. */
    public static Tensor zeros(int... shape) {
        int[] s = shape.clone();
        return new Tensor(s, new float[Shapes.numel(s)]);
    }

    /** A tensor with every element equal to {@code value}. */
    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    /**
     * Wraps {@code data} (not copied) as a tensor of the given shape.
     *
     * @throws IllegalArgumentException if the shape's element count differs from {@code
     *     data.length}
     */
    public static Tensor of(float[] data, int... shape) {
        int[] s = shape.clone();
        int n = Shapes.numel(s);
        if (n != data.length) {
            throw new IllegalArgumentException("data length " + data.length + " does not match shape "
                    + Shapes.toString(s) + " (" + n + " elements)");
        }
        return new Tensor(s, data);
    }

    /** The backing array, row-major, shared with the caller (no copy). */
    public float[] data() {
        return data;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** The number of elements. */
    public int numel() {
        return data.length;
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** The size of dimension {@code i}, 0 ≤ i &lt; rank. */
    public int dim(int i) {
        if (i < 0 || i >= shape.length) {
            throw new IllegalArgumentException("dimension " + i + " out of range for shape "
                    + shapeString() + " (rank " + shape.length + ")");
        }
        return shape[i];
    }

    /** The shape as {@code [64, 3, 32, 32]}. */
    public String shapeString() {
        return Shapes.toString(shape);
    }

    /**
     * The same elements under another shape, sharing this tensor's array: a write through one is
     * seen through the other. One dimension may be -1 and is then inferred.
     *
     * @throws IllegalArgumentException if the element counts differ
     */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1 && infer < 0) {
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("cannot reshape " + shapeString() + " to "
                        + Arrays.toString(newShape) + ": only one dimension may be -1, none below");
            }
        }
        if (infer >= 0) {
            s[infer] = 1;
            int known = Shapes.numel(s);
            if (known == 0 || data.length % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + shapeString() + " ("
                        + data.length + " elements) to " + Arrays.toString(newShape));
            }
            s[infer] = data.length / known;
        }
        if (Shapes.numel(s) != data.length) {
            throw new IllegalArgumentException("cannot reshape " + shapeString() + " ("
                    + data.length + " elements) to " + Shapes.toString(s));
        }
        return new Tensor(s, data);
    }

    /** A deep copy: same shape, own array. */
    public Tensor copy() {
        return new Tensor(shape.clone(), data.clone());
    }

    /**
     * Row-major offset of an element in {@link #data()}, e.g. {@code offset(13, 0, 0, 0)} for a
     * weight addressed by a fault list.
     *
     * @throws IllegalArgumentException if the index has the wrong rank or is out of range
     */
    public int offset(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has rank "
                    + index.length + ", tensor has shape " + shapeString());
        }
        int off = 0;
        for (int i = 0; i < shape.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IllegalArgumentException("index " + Arrays.toString(index)
                        + " out of range for shape " + shapeString());
            }
            off = off * shape[i] + index[i];
        }
        return off;
    }

    /** The element at a multi-dimensional index. */
    public float get(int... index) {
        return data[offset(index)];
    }

    /** Sets the element at a multi-dimensional index. */
    public void set(float value, int... index) {
        data[offset(index)] = value;
    }

    /** Checks this tensor's shape; see {@link Shapes#requireShape}. */
    public Tensor requireShape(String operand, int... expected) {
        Shapes.requireShape(operand, shape, expected);
        return this;
    }

    /** The largest absolute value, 0 for an empty tensor, NaN if any element is NaN. */
    public float maxAbs() {
        float m = 0f;
        for (float v : data) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** True when both tensors have the same shape and the same raw bits in every element. */
    public boolean bitEquals(Tensor other) {
        return Arrays.equals(shape, other.shape)
                && bitEquals(data, 0, other.data, 0, data.length);
    }

    /**
     * True when {@code a[aFrom..aFrom+length)} and {@code b[bFrom..bFrom+length)} hold the same raw
     * bits (so -0 differs from 0 and NaN payloads count), e.g. to compare one image of a batch.
     */
    public static boolean bitEquals(float[] a, int aFrom, float[] b, int bFrom, int length) {
        Objects.checkFromIndexSize(aFrom, length, a.length);
        Objects.checkFromIndexSize(bFrom, length, b.length);
        for (int i = 0; i < length; i++) {
            if (Float.floatToRawIntBits(a[aFrom + i]) != Float.floatToRawIntBits(b[bFrom + i])) {
                return false;
            }
        }
        return true;
    }

    /** {@code Tensor[2, 3]}; the elements are not printed. */
    @Override
    public String toString() {
        return "Tensor" + shapeString();
    }
}
