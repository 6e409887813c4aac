package dev.reliant.cli;

import dev.reliant.simd.FmaProbe;
import dev.reliant.simd.Simd;
import dev.reliant.simd.TwinComparison;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The checks that {@code reliant selftest} runs, in order.
 *
 * <p>To add a kernel, register a check in {@link #standard()} that runs the SIMD kernel and its
 * plain twin on the same inputs (sizes that hit every tail: 1, 3, 7, 8, 9, 15, 17, 33 …) and
 * returns {@link #compare} / {@link #compareExact}'s detail, for example:
 * <pre>{@code
 * checks.add(check("gemm-simd-vs-plain", () -> {
 *     float[] plain = ..., simd = ...;
 *     return compare(plain, simd, 1e-6 * k);
 * }));
 * }</pre>
 */
public final class SelfChecks {
    private final List<SelfCheck> checks;

    public SelfChecks(List<SelfCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    /** The registered checks, in the order they run. */
    public List<SelfCheck> checks() {
        return checks;
    }

    /** The standard set of checks. */
    public static SelfChecks standard() {
        List<SelfCheck> checks = new ArrayList<>();
        checks.add(fmaProbe());
        // Each kernel family against its plain twin; needs the Vector API module to be loaded.
        checks.add(twin("gemm-and-linear", TwinComparison::gemm));
        checks.add(twin("convolution", TwinComparison::conv));
        checks.add(twin("elementwise-and-batchnorm", TwinComparison::elementwise));
        checks.add(twin("pooling-and-softmax", TwinComparison::poolingAndSoftmax));
        checks.add(twin("network-determinism", TwinComparison::chain));
        return new SelfChecks(checks);
    }

    /** A check from a name and a body returning the detail. */
    public static SelfCheck check(String name, Supplier<String> body) {
        if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("check name must be non-empty without spaces: '" + name + "'");
        }
        return new SelfCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String run() {
                return body.get();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** A SIMD-vs-plain check, reported as skipped when the Vector API module is not loaded. */
    static SelfCheck twin(String name, Supplier<String> body) {
        return check(name, () -> Simd.vectorApiAvailable()
                ? body.get()
                : "skipped: the Vector API module is not loaded, only the plain kernels can run");
    }

    /** The FMA probe (of the active kernel variant) yields a finite, positive rate. */
    static SelfCheck fmaProbe() {
        return check("fma-probe", () -> {
            FmaProbe.Result r = FmaProbe.measure(30);
            if (!(r.gflops() > 0) || Double.isInfinite(r.gflops())) {
                throw new AssertionError("FMA probe rate is not a positive finite number: " + r.gflops());
            }
            return String.format(Locale.ROOT, "%s: finite positive rate, checksum %.6g",
                    r.variant().label(), r.checksum());
        });
    }

    /**
     * Compares a result with its reference element by element.
     *
     * @param tolerance the largest allowed |expected - actual| (0 for bit-exact values)
     * @return a detail such as {@code max |diff| 3.1e-07 over 1234 values}
     * @throws AssertionError on a length mismatch, a NaN in one array but not the other, or a
     *     difference above the tolerance (the message names the first offending index)
     */
    public static String compare(float[] expected, float[] actual, double tolerance) {
        if (expected.length != actual.length) {
            throw new AssertionError("length " + actual.length + ", expected " + expected.length);
        }
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            if (Float.isNaN(e) || Float.isNaN(a)) {
                if (Float.isNaN(e) != Float.isNaN(a)) {
                    throw new AssertionError(String.format(Locale.ROOT, "[%d]: %s, expected %s", i, a, e));
                }
                continue;
            }
            if (e == a) {
                continue; // also equal infinities
            }
            double d = Math.abs((double) e - (double) a);
            if (!(d <= tolerance)) {
                throw new AssertionError(String.format(Locale.ROOT,
                        "[%d]: %s, expected %s (|diff| %.3g > tolerance %.3g)", i, a, e, d, tolerance));
            }
            max = Math.max(max, d);
        }
        return String.format(Locale.ROOT, "max |diff| %.3g over %d values", max, expected.length);
    }

    /** Compares int results exactly; returns {@code 0 differences over N values}. */
    public static String compareExact(int[] expected, int[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError("length " + actual.length + ", expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                throw new AssertionError("[" + i + "]: " + actual[i] + ", expected " + expected[i]);
            }
        }
        return "0 differences over " + expected.length + " values";
    }

    /** Compares float results bit for bit; returns {@code 0 differences over N values}. */
    public static String compareBits(float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError("length " + actual.length + ", expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(String.format(Locale.ROOT, "[%d]: %s (0x%08x), expected %s (0x%08x)",
                        i, actual[i], Float.floatToRawIntBits(actual[i]),
                        expected[i], Float.floatToRawIntBits(expected[i])));
            }
        }
        return "0 differences over " + expected.length + " values";
    }
}
