package dev.reliant.cli;

/**
 * One check of {@code reliant selftest}: typically a SIMD kernel compared with its plain-Java
 * twin on inputs that hit every tail. Register checks in {@link SelfChecks#standard()}.
 */
public interface SelfCheck {
    /** A short name without spaces, e.g. {@code gemm-simd-vs-plain}. */
    String name();

    /**
     * Runs the check.
     *
     * @return a short detail for the report, e.g. {@code max |diff| 0 over 1234 values}
     * @throws AssertionError or IllegalStateException on a mismatch, with a message saying what
     *     differs and where; any other exception also counts as a failure
     */
    String run();
}
