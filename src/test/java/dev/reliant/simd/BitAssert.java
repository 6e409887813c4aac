package dev.reliant.simd;

/** Bit-exact array comparison that reports the first difference (AssertJ's array diff is quadratic). */
final class BitAssert {
    private BitAssert() {}

    static void assertBitIdentical(float[] expected, float[] actual, String what) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": length " + actual.length + ", expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": value " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }
}
