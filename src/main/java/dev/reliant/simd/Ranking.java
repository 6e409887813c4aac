package dev.reliant.simd;

/**
 * Arg-max and top-k over the rows of a row-major {@code rows × cols} matrix (logits or
 * probabilities). One implementation serves both the SIMD and the plain runtime: it only
 * compares values, so there is nothing to vectorize and nothing that could differ.
 *
 * <p><b>Order.</b> A value ranks before another when it is greater; NaN ranks before every
 * number (as in PyTorch, where {@code argmax} and {@code topk} treat NaN as the largest value);
 * equal values — including +0 and −0, and two NaNs — rank by lower index first. So
 * {@code argmax} returns the first index of the maximum (the first NaN if there is one), and
 * {@code topK} lists indices by value descending, ties by increasing index. Fault-injection
 * outcomes (critical = top-1 changed) rely on this being a total, deterministic order.
 */
public final class Ranking {
    private Ranking() {}

    /**
     * True when value a (at index ia) ranks before value b (at index ib): a greater, or a NaN
     * while b is not, or equal (or both NaN) with {@code ia < ib}.
     */
    public static boolean ranksBefore(float a, int ia, float b, int ib) {
        boolean aNaN = a != a;
        boolean bNaN = b != b;
        if (aNaN != bNaN) {
            return aNaN;
        }
        if (!aNaN && a != b) {
            return a > b;
        }
        return ia < ib;
    }

    /** Index (0 … n−1) of the first maximum of {@code n ≥ 1} values from {@code off}; NaN counts as largest. */
    public static int argmax(float[] x, int off, int n) {
        Checks.requirePositive("argmax", "n", n);
        Checks.requireRange("argmax", "x", x, off, n);
        return argmaxUnchecked(x, off, n);
    }

    /** {@code out[outOff + r]} = arg-max of row r, for each of the {@code rows} rows of length {@code cols}. */
    public static void argmax(float[] x, int xOff, int rows, int cols, int[] out, int outOff) {
        String op = "argmax";
        Checks.requireNonNegative(op, "rows", rows);
        Checks.requirePositive(op, "cols", cols);
        Checks.requireRange(op, "x [" + rows + " x " + cols + "]", x, xOff, (long) rows * cols);
        Checks.requireRange(op, "out", out, outOff, rows);
        for (int r = 0; r < rows; r++) {
            out[outOff + r] = argmaxUnchecked(x, xOff + r * cols, cols);
        }
    }

    private static int argmaxUnchecked(float[] x, int off, int n) {
        int best = 0;
        float bv = x[off];
        if (bv != bv) {
            return 0;
        }
        for (int i = 1; i < n; i++) {
            float v = x[off + i];
            if (v != v) {
                return i; // the first NaN ranks before everything after it
            }
            if (v > bv) {
                bv = v;
                best = i;
            }
        }
        return best;
    }

    /**
     * Top-k indices of each row: {@code out[outOff + r·k + j]} is the index (within its row) of
     * the j-th ranked value of row r, for {@code j < k}, in the order of the class comment. Costs
     * O(cols·k) per row and allocates nothing.
     *
     * @param k 0 ≤ k ≤ cols
     */
    public static void topK(float[] x, int xOff, int rows, int cols, int k, int[] out, int outOff) {
        String op = "topK";
        Checks.requireNonNegative(op, "rows", rows);
        Checks.requirePositive(op, "cols", cols);
        if (k < 0 || k > cols) {
            throw new IllegalArgumentException(op + ": k must be in [0, " + cols + "] (the row length), got " + k);
        }
        Checks.requireRange(op, "x [" + rows + " x " + cols + "]", x, xOff, (long) rows * cols);
        Checks.requireRange(op, "out [" + rows + " x " + k + "]", out, outOff, (long) rows * k);
        if (k == 0) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols;
            int o = outOff + r * k;
            int count = 0;
            for (int i = 0; i < cols; i++) {
                float v = x[xr + i];
                if (count == k && !ranksBefore(v, i, x[xr + out[o + k - 1]], out[o + k - 1])) {
                    continue;
                }
                // Insertion: shift the entries that v ranks before one place down.
                int j = count < k ? count++ : k - 1;
                while (j > 0 && ranksBefore(v, i, x[xr + out[o + j - 1]], out[o + j - 1])) {
                    out[o + j] = out[o + j - 1];
                    j--;
                }
                out[o + j] = i;
            }
        }
    }

    /** Top-k indices of the {@code n} values from {@code off}, in a new array; see {@link #topK(float[], int, int, int, int, int[], int)}. */
    public static int[] topK(float[] x, int off, int n, int k) {
        Checks.requirePositive("topK", "n", n);
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("topK: k must be in [0, " + n + "] (the row length), got " + k);
        }
        int[] out = new int[k];
        topK(x, off, 1, n, k, out, 0);
        return out;
    }
}
