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
    private static final boolean HALF_WIDTH_OK = ENABLED
            && halfWidthVectorsSafe(Runtime.version().feature(), VectorShapeInfo.bits());

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

    /**
     * True when kernel families written for 256-bit vectors (the 8-stripe sums of softmax, pooling
     * and the batch-norm statistics) may run beside the preferred shape. A second vector class
     * pollutes the type profiles of the shared Vector API methods, and C2 of JDK 17 (17.0.15
     * measured) then stops intrinsifying the GEMM micro-kernel: ResNet20 training ran about 8×
     * slower with 512-bit GEMMs and 256-bit reductions in one JVM. Those families run their plain
     * twins (same bits) instead, unless the preferred shape is 256-bit or the JDK is 25 or newer
     * (25 is the only newer JDK measured; versions 18 to 24 are untested and take the safe side).
     */
    public static boolean halfWidthVectorsOk() {
        return HALF_WIDTH_OK;
    }

    /** The rule of {@link #halfWidthVectorsOk()} for a JDK feature version and a preferred vector size. */
    static boolean halfWidthVectorsSafe(int jdkFeature, int preferredBits) {
        return preferredBits == 256 || jdkFeature >= 25;
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
