package dev.reliant.io;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Element types of stored tensors, named as in safetensors headers ({@code "F32"}, {@code "U8"},
 * …). Data are little-endian in files and in {@link StoredTensor}.
 */
public enum DType {
    /** Boolean, one byte, 0 or 1. */
    BOOL(1, false),
    /** Unsigned 8-bit integer. */
    U8(1, false),
    /** Signed 8-bit integer. */
    I8(1, false),
    /** FP8 with 5 exponent and 2 mantissa bits (IEEE-like, with infinities). */
    F8_E5M2(1, true),
    /** FP8 with 4 exponent and 3 mantissa bits, no infinities (the "fn" variant of PyTorch). */
    F8_E4M3(1, true),
    /** Signed 16-bit integer. */
    I16(2, false),
    /** Unsigned 16-bit integer. */
    U16(2, false),
    /** IEEE binary16. */
    F16(2, true),
    /** bfloat16, the top half of a float32. */
    BF16(2, true),
    /** Signed 32-bit integer. */
    I32(4, false),
    /** Unsigned 32-bit integer. */
    U32(4, false),
    /** IEEE binary32. */
    F32(4, true),
    /** IEEE binary64. */
    F64(8, true),
    /** Signed 64-bit integer. */
    I64(8, false),
    /** Unsigned 64-bit integer. */
    U64(8, false);

    private final int size;
    private final boolean floatingPoint;

    DType(int size, boolean floatingPoint) {
        this.size = size;
        this.floatingPoint = floatingPoint;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** True for the floating-point types (F8_*, F16, BF16, F32, F64). */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The dtype of a safetensors header string, exactly as spelled there (case-sensitive). */
    public static Optional<DType> fromSafetensorsName(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The names accepted by {@link #fromSafetensorsName}, for error messages. */
    static String knownNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
