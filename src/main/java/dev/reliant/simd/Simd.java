package dev.reliant.simd;

import java.util.Locale;

/**
 * Chooses, once per JVM, between the Vector API kernels and their plain-Java twins.
 *
 * <p>The SIMD kernels run when the {@code jdk.incubator.vector} module is in the boot layer and
 * the system property {@value #PROPERTY} is not {@code off}. Every kernel family has an
 * interface with a SIMD and a plain implementation; the family's {@code get()} consults
 * {@link #enabled()} so the choice is a constant the JIT can fold.
 */
public final class Simd {
    /** System property: {@code on} (default) or {@code off} to run the plain twins. */
    public static final String PROPERTY = "reliant.simd";

    private static final boolean MODULE_PRESENT =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final boolean REQUESTED = !"off".equalsIgnoreCase(
            System.getProperty(PROPERTY, "on").trim());
    /** The kernels are written for at least 8 float lanes (AVX2); narrower hardware runs the twins. */
    private static final boolean WIDE_ENOUGH = MODULE_PRESENT && VectorShapeInfo.bits() >= 256;
    private static final boolean ENABLED = REQUESTED && WIDE_ENOUGH;

    static {
        if (REQUESTED && !MODULE_PRESENT) {
            System.err.println("reliant: warning: module jdk.incubator.vector is not loaded "
                    + "(run the JVM with --add-modules jdk.incubator.vector); using the plain kernels");
        } else if (REQUESTED && !WIDE_ENOUGH) {
            System.err.println("reliant: warning: vectors narrower than 256 bits; using the plain kernels");
        }
    }

    private Simd() {}

    /** True when the Vector API kernels are active. */
    public static boolean enabled() {
        return ENABLED;
    }

    /** True when the SIMD kernels can run (module loaded, vectors wide enough), even if switched off. */
    public static boolean vectorApiAvailable() {
        return WIDE_ENOUGH;
    }

    /** A one-line name of the active implementation, e.g. {@code simd (256-bit, 8 float lanes)}. */
    public static String implementation() {
        if (!ENABLED) {
            if (!REQUESTED) {
                return "plain (" + PROPERTY + "=off)";
            }
            return MODULE_PRESENT ? "plain (vectors narrower than 256 bits)" : "plain (Vector API module not loaded)";
        }
        return String.format(Locale.ROOT, "simd (%d-bit, %d float lanes)",
                VectorShapeInfo.bits(), VectorShapeInfo.floatLanes());
    }

    /** Prints the active implementation; used by tests that start a JVM with other flags. */
    public static void main(String[] args) {
        System.out.println(implementation());
    }

    /** Isolates the Vector API classes so this class loads without the incubator module. */
    private static final class VectorShapeInfo {
        static int bits() {
            return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        }

        static int floatLanes() {
            return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        }
    }
}
