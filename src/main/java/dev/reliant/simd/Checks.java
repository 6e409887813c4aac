package dev.reliant.simd;

/** Argument checks shared by the kernels; messages name the operand and the sizes. */
final class Checks {
    private Checks() {}

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
