package dev.reliant.fault;

import dev.reliant.tensor.NumberFormat;

/**
 * What a fault does to the stored code of a value (specs/fault-injection.md §1): invert, force
 * to 1 or force to 0 the addressed bit, or {@code width} adjacent bits starting at it (a
 * multi-bit fault; bits past the top of the code are left out).
 */
public enum FaultModel {
    BIT_FLIP("bitflip"),
    STUCK_AT_0("stuck0"),
    STUCK_AT_1("stuck1");

    private final String label;

    FaultModel(String label) {
        this.label = label;
    }

    /** The name used on the command line and in CSV columns: bitflip, stuck0, stuck1. */
    public String label() {
        return label;
    }

    /** Parses {@link #label()} (case-insensitive; also accepts the enum names). */
    public static FaultModel parse(String s) {
        for (FaultModel m : values()) {
            if (m.label.equalsIgnoreCase(s) || m.name().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown fault model '" + s + "' (expected bitflip, stuck0 or stuck1)");
    }

    /** The code after the fault on bits {@code bit .. bit+width-1} (clipped to the format's width). */
    public long apply(NumberFormat format, long code, int bit, int width) {
        format.checkBit(bit);
        if (width < 1) {
            throw new IllegalArgumentException("a fault covers at least one bit, got width " + width);
        }
        long c = code & format.mask();
        for (int b = bit; b < Math.min(format.bits(), bit + width); b++) {
            c = switch (this) {
                case BIT_FLIP -> format.flip(c, b);
                case STUCK_AT_0 -> format.clearBit(c, b);
                case STUCK_AT_1 -> format.setBit(c, b);
            };
        }
        return c;
    }

    /** The stored value after the fault: {@code decode(apply(format, encode(value), bit, width))}. */
    public float apply(NumberFormat format, float value, int bit, int width) {
        return format.decode(apply(format, format.encode(value), bit, width));
    }
}
