package dev.reliant.simd;

/**
 * Argument checks shared by the kernels; messages name the operand and the sizes. The
 * {@code require*} forms also name the operation ({@code "relu: x too short: …"}); the
 * element-wise, pooling, softmax, ranking and channel kernels use them, so both twins of a family
 * reject exactly the same arguments with the same messages.
 */
final class Checks {
    private Checks() {}

    /** Throws unless {@code value >= 0}. */
    static void requireNonNegative(String op, String what, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(op + ": " + what + " must not be negative, got " + value);
        }
    }

    /** Throws unless {@code value >= 1}. */
    static void requirePositive(String op, String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(op + ": " + what + " must be positive, got " + value);
        }
    }

    /** Throws unless {@code array} holds {@code count} elements from {@code offset}. */
    static void requireRange(String op, String operand, float[] array, int offset, long count) {
        if (array == null) {
            throw new IllegalArgumentException(op + ": " + operand + " is null");
        }
        requireSpan(op, operand, array.length, offset, count);
    }

    /** Throws unless {@code array} holds {@code count} elements from {@code offset}. */
    static void requireRange(String op, String operand, int[] array, int offset, long count) {
        if (array == null) {
            throw new IllegalArgumentException(op + ": " + operand + " is null");
        }
        requireSpan(op, operand, array.length, offset, count);
    }

    private static void requireSpan(String op, String operand, int length, int offset, long count) {
        if (offset < 0) {
            throw new IllegalArgumentException(op + ": " + operand + " offset must not be negative, got " + offset);
        }
        if (count < 0 || offset + count > length) {
            throw new IllegalArgumentException(op + ": " + operand + " too short: needs " + count
                    + " elements from offset " + offset + ", array length is " + length);
        }
    }

    static void positive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
    }

    static void nonNegative(String what, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must not be negative, got " + value);
        }
    }

    /** An array must hold {@code count} values from {@code offset}. */
    static void span(String operand, float[] array, int offset, long count) {
        if (array == null) {
            throw new IllegalArgumentException(operand + ": array is null");
        }
        if (offset < 0 || count < 0 || offset + count > array.length) {
            throw new IllegalArgumentException(operand + ": needs " + count + " values from offset " + offset
                    + ", array has " + array.length);
        }
    }

    /** A row-major rows × cols matrix with leading dimension ld must fit the array from offset. */
    static void matrix(String operand, float[] array, int offset, int rows, int cols, int ld) {
        nonNegative(operand + " rows", rows);
        nonNegative(operand + " columns", cols);
        if (ld < cols) {
            throw new IllegalArgumentException(operand + ": leading dimension " + ld + " is smaller than its "
                    + cols + " columns");
        }
        long count = rows == 0 ? 0 : (long) (rows - 1) * ld + cols;
        span(operand + " [" + rows + " x " + cols + "]", array, offset, count);
    }
}
