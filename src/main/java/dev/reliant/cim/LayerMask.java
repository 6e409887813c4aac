package dev.reliant.cim;

import java.util.Objects;

/**
 * The write-verify mask of one weight tensor: one byte per weight. At weight granularity a
 * non-zero byte means the weight is verified (every device holding it); at device granularity
 * bit i of the byte says whether the device of slice i (0 = most significant) is verified, so
 * a mapping of up to 8 slices per weight can be verified device by device.
 */
public final class LayerMask {
    private final byte[] values;
    private final boolean perDevice;

    /** Wraps (does not copy) {@code values}. */
    public LayerMask(byte[] values, boolean perDevice) {
        this.values = Objects.requireNonNull(values, "values");
        this.perDevice = perDevice;
    }

    /** Number of weights. */
    public int size() {
        return values.length;
    }

    /** Whether bits name devices (true) or the byte names the whole weight (false). */
    public boolean perDevice() {
        return perDevice;
    }

    /** Whether any device of weight {@code index} is verified. */
    public boolean verified(int index) {
        return values[index] != 0;
    }

    /** Whether the device of slice {@code slice} (0 = most significant, < 8) of weight {@code index} is verified. */
    public boolean verified(int index, int slice) {
        return perDevice ? (values[index] >> slice & 1) != 0 : values[index] != 0;
    }

    /** The raw byte of weight {@code index}. */
    public byte value(int index) {
        return values[index];
    }

    /** The backing bytes (shared). */
    public byte[] values() {
        return values;
    }

    /** Number of weights with at least one verified device. */
    public long verifiedCount() {
        long n = 0;
        for (byte v : values) {
            if (v != 0) {
                n++;
            }
        }
        return n;
    }
}
