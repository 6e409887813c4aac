package dev.reliant.tensor;

import java.util.Arrays;

/**
 * Shape arithmetic and shape checks shared by every package.
 *
 * <p>A shape is an {@code int[]} of non-negative dimensions, outermost first (row-major). The
 * checks throw {@link IllegalArgumentException} with one line that names the operand and shows
 * the expected and the actual shape, e.g. {@code weight: expected shape [16, 3, 3, 3], got [16,
 * 3, 3]}, so a user error reads as what and where without a stack trace.
 */
public final class Shapes {
    /** In an expected shape, matches any size of that dimension (printed as {@code *}). */
    public static final int ANY = -1;

    private Shapes() {}

    /** Formats a shape as {@code [64, 3, 32, 32]}. */
    public static String toString(int... shape) {
        return format(shape, false);
    }

    /** Formats an expected shape, {@link #ANY} printed as {@code *}: {@code [*, 3, 32, 32]}. */
    public static String toPatternString(int... expected) {
        return format(expected, true);
    }

    private static String format(int[] shape, boolean anyAsStar) {
        StringBuilder sb = new StringBuilder().append('[');
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(anyAsStar && shape[i] == ANY ? "*" : Integer.toString(shape[i]));
        }
        return sb.append(']').toString();
    }

    /**
     * The number of elements of a shape (1 for rank 0).
     *
     * @throws IllegalArgumentException if a dimension is negative or the product exceeds
     *     {@link Integer#MAX_VALUE} (a Java array cannot hold it)
     */
    public static int numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + toString(shape)
                        + " has more than " + Integer.MAX_VALUE + " elements");
            }
        }
        return (int) n;
    }

    /**
     * Requires {@code actual} to equal {@code expected}, where an expected {@link #ANY} matches
     * any size.
     *
     * @param operand the name the user knows the value by ({@code "weight"}, {@code
     *     "layer1.0.conv1.weight"}, {@code "input"})
     * @throws IllegalArgumentException {@code operand: expected shape [16, 3, 3, 3], got [16, 3, 3]}
     */
    public static void requireShape(String operand, int[] actual, int... expected) {
        if (!matches(actual, expected)) {
            throw new IllegalArgumentException(operand + ": expected shape " + toPatternString(expected)
                    + ", got " + toString(actual));
        }
    }

    /**
     * Requires {@code actual} to have {@code rank} dimensions.
     *
     * @throws IllegalArgumentException {@code input: expected rank 4, got shape [3, 32, 32]}
     */
    public static void requireRank(String operand, int[] actual, int rank) {
        if (actual.length != rank) {
            throw new IllegalArgumentException(operand + ": expected rank " + rank
                    + ", got shape " + toString(actual));
        }
    }

    /**
     * Requires two operands to have equal shapes, as element-wise operations do.
     *
     * @throws IllegalArgumentException {@code a and b: shapes differ, [2, 3] vs [3, 2]}
     */
    public static void requireSameShape(String operandA, int[] a, String operandB, int[] b) {
        if (!Arrays.equals(a, b)) {
            throw new IllegalArgumentException(operandA + " and " + operandB + ": shapes differ, "
                    + toString(a) + " vs " + toString(b));
        }
    }

    /** True when {@code actual} has the rank of {@code expected} and every non-{@link #ANY} size. */
    public static boolean matches(int[] actual, int... expected) {
        if (actual.length != expected.length) {
            return false;
        }
        for (int i = 0; i < actual.length; i++) {
            if (expected[i] != ANY && expected[i] != actual[i]) {
                return false;
            }
        }
        return true;
    }
}
