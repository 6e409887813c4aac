package dev.reliant.simd;

/**
 * Operands of the diagonal second-order backward of convolution and linear layers. The
 * Becker–LeCun rules are the first-order ones with squared operands ({@code h_x} is the input
 * gradient of {@code h_y} with W², the weight term the weight gradient with x²), so those layers
 * reuse their first-order kernels on the squares made here (BackPACK's design). A square is one
 * exact IEEE multiplication: a plain loop (which the JIT vectorises) has no twin to differ from.
 */
public final class DiagonalOperands {
    private DiagonalOperands() {}

    /** A new array holding {@code a[off + i]²} for i in [0, n). */
    public static float[] squared(float[] a, int off, int n) {
        Checks.span("operand to square", a, off, n);
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            float v = a[off + i];
            s[i] = v * v;
        }
        return s;
    }
}
