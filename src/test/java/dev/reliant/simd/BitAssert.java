package dev.reliant.simd;

/** Bit-exact array comparisons that report the first difference (AssertJ's array diff is quadratic). */
final class BitAssert {
    private BitAssert() {}

    /** Every value has the same raw bits (NaN payloads and signed zeros included). */
    static void assertBitIdentical(float[] expected, float[] actual, String what) {
        compare(expected, actual, what, false);
    }

    /**
     * Every value has the same bits, except that any two NaNs count as equal: for kernels whose
     * NaN payloads are not specified ({@link Float#floatToIntBits}).
     */
    static void assertBitIdenticalUpToNaNPayload(float[] expected, float[] actual, String what) {
        compare(expected, actual, what, true);
    }

    private static void compare(float[] expected, float[] actual, String what, boolean anyNaN) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + ", expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            int e = anyNaN ? Float.floatToIntBits(expected[i]) : Float.floatToRawIntBits(expected[i]);
            int a = anyNaN ? Float.floatToIntBits(actual[i]) : Float.floatToRawIntBits(actual[i]);
            if (e != a) {
                throw new AssertionError(what + ": value " + i + " is " + actual[i] + " (0x"
                        + Integer.toHexString(Float.floatToRawIntBits(actual[i])) + "), expected " + expected[i]
                        + " (0x" + Integer.toHexString(Float.floatToRawIntBits(expected[i])) + ")");
            }
        }
    }
}
