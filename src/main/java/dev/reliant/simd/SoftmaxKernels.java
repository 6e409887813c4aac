package dev.reliant.simd;

/**
 * Softmax and log-softmax over the rows of a row-major {@code rows × cols} matrix (one row per
 * image, one column per class). Arg-max and top-k live in {@link Ranking}: they compare values
 * and have nothing to vectorize, so both twins share that one implementation.
 *
 * <p><b>Recipe</b> (each row on its own; identical operations in both twins, hence bit-identical
 * results, independent of the number of rows, the row's position and the thread count):
 * <ol>
 *   <li>{@code m} = the row maximum (NaN if the row holds a NaN; a zero maximum is taken as +0).
 *       The maximum of a set does not depend on the order of comparisons, so the SIMD twin may
 *       combine lanes in any order.</li>
 *   <li>{@code d[i] = x[i] − m} in float.</li>
 *   <li>{@code e[i] = (float) StrictMath.exp(d[i])} — {@link StrictMath} so that the bits are
 *       the same on every JVM, JDK version and JIT state (the Vector API's {@code EXP} and
 *       {@code Math.exp} are only specified to within an ulp).</li>
 *   <li>{@code sum} = the e[i] added in double precision in increasing i (a fixed order).</li>
 *   <li>softmax: {@code y[i] = e[i] / (float) sum}; log-softmax:
 *       {@code y[i] = d[i] − (float) StrictMath.log(sum)}.</li>
 * </ol>
 * Subtracting the maximum keeps it stable for huge logits (±1e30 give exact 1 and 0). A NaN
 * anywhere in a row makes the whole output row NaN; a row holding +inf, or made only of −inf,
 * is NaN as well (inf − inf), as in PyTorch. NaN payloads are not specified.
 *
 * <p>The output may be the same array at the same offset as the input (in place); any other
 * overlap is not supported. Negative sizes and short arrays throw
 * {@link IllegalArgumentException} naming the operand.
 */
public interface SoftmaxKernels {

    /** The active implementation: SIMD unless {@code -Dreliant.simd=off} (see {@link Simd}). */
    static SoftmaxKernels get() {
        return Holder.ACTIVE;
    }

    /** Name of the implementation, for self-tests and benchmark labels. */
    String name();

    /** Softmax of each of the {@code rows} rows of length {@code cols}, x → y (row-major, dense). */
    void softmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols);

    /** Log-softmax of each row, x → y; see the class comment for the exact recipe. */
    void logSoftmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols);

    /** Holds the choice of implementation so the JIT treats it as a constant. */
    final class Holder {
        private Holder() {}

        static final SoftmaxKernels ACTIVE = Simd.halfWidthVectorsOk() ? SoftmaxSimd.INSTANCE : SoftmaxPlain.INSTANCE;
    }
}
