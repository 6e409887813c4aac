package dev.reliant.cim;

/**
 * How one weight is held by crossbar devices at the bit level: an N-bit integer code of the
 * weight relative to the tensor's scale s = max|W|, split into N/m slices of m bits, each slice
 * stored as the conductance level of one device (two for a differential pair). Device noise is
 * simulated on conductances and {@link #decode decoded} back, so the weight noise a device model
 * produces is shaped by the significance of the slice it hits (SWIM, spec A.1: slice i of an
 * 8-bit, 1-bit-per-device weight weighs 2^-i).
 *
 * <p>Units: a device conductance is a double in units of the device's full range, so level l of
 * an m-bit device is the conductance l / (2^m − 1); a weight is in the units of the tensor.
 *
 * <p>Codes. {@link SignScheme#SIGN_MAGNITUDE} and {@link SignScheme#DIFFERENTIAL} store an
 * N-bit magnitude c in [0, 2^N − 1] worth s·c/2^N (the signed code is ±c); {@link
 * SignScheme#OFFSET} stores the two's-complement range k in [−2^(N−1), 2^(N−1) − 1] worth
 * s·k/2^(N−1) as the unsigned k + 2^(N−1). Codes round half to even and saturate, so max|W|
 * itself is held as the largest code.
 *
 * <p>{@link #exactResidual()}: when true (SWIM's float model) the noiseless weight is the float
 * weight itself — the part the code cannot represent is kept exactly in the periphery and the
 * mapping only shapes the noise; when false the noiseless weight is the N-bit code.
 *
 * <p>Devices are numbered 0 … {@link #devicesPerWeight()} − 1: device d holds slice d mod
 * {@link #slices()} (slice 0 = most significant); a differential pair puts the positive devices
 * first and the negative ones after them.
 */
public final class CrossbarMapping {

    /** Where the sign of a weight is held. */
    public enum SignScheme {
        /** Sign held in the periphery, one device per slice holding the magnitude (SWIM's model). */
        SIGN_MAGNITUDE,
        /** A positive and a negative device per slice; the weight is their difference. */
        DIFFERENTIAL,
        /** Code + 2^(N−1) stored unsigned, one device per slice; the offset is subtracted after reading. */
        OFFSET
    }

    /** Largest supported code width. */
    public static final int MAX_BITS = 16;

    private final int bits;
    private final int sliceBits;
    private final SignScheme scheme;
    private final boolean exactResidual;
    private final int slices;
    private final int maxLevel;
    private final int maxCode;
    private final int minCode;
    private final double step;
    private final double[] significance;

    /**
     * @param bits N, the code width (1 … 16)
     * @param sliceBits m, bits per device; must divide N
     * @param scheme the sign scheme
     * @param exactResidual whether the noiseless weight is the float weight (true) or its N-bit code (false)
     */
    public CrossbarMapping(int bits, int sliceBits, SignScheme scheme, boolean exactResidual) {
        if (bits < 1 || bits > MAX_BITS) {
            throw new IllegalArgumentException("code width N must be in 1.." + MAX_BITS + ", got " + bits);
        }
        if (sliceBits < 1 || sliceBits > bits || bits % sliceBits != 0) {
            throw new IllegalArgumentException("bits per device m must divide N = " + bits + ", got " + sliceBits);
        }
        if (scheme == null) {
            throw new IllegalArgumentException("sign scheme must not be null");
        }
        this.bits = bits;
        this.sliceBits = sliceBits;
        this.scheme = scheme;
        this.exactResidual = exactResidual;
        this.slices = bits / sliceBits;
        this.maxLevel = (1 << sliceBits) - 1;
        if (scheme == SignScheme.OFFSET) {
            this.maxCode = (1 << (bits - 1)) - 1;
            this.minCode = -(1 << (bits - 1));
            this.step = Math.scalb(1.0, -(bits - 1));
        } else {
            this.maxCode = (1 << bits) - 1;
            this.minCode = -maxCode;
            this.step = Math.scalb(1.0, -bits);
        }
        int devices = scheme == SignScheme.DIFFERENTIAL ? 2 * slices : slices;
        this.significance = new double[devices];
        for (int d = 0; d < devices; d++) {
            int j = d % slices;
            // weight (in units of s) of a full-range conductance change of slice j: (2^m − 1)·2^(−m(j+1))
            double w = maxLevel * Math.scalb(1.0, -sliceBits * (j + 1));
            significance[d] = switch (scheme) {
                case SIGN_MAGNITUDE -> w;
                case DIFFERENTIAL -> d < slices ? w : -w;
                case OFFSET -> 2 * w;
            };
        }
    }

    /** SWIM's mapping (spec A.1): 8 bits, 1 bit per device, sign in the periphery, exact residual. */
    public static CrossbarMapping swim() {
        return new CrossbarMapping(8, 1, SignScheme.SIGN_MAGNITUDE, true);
    }

    public int bits() {
        return bits;
    }

    public int sliceBits() {
        return sliceBits;
    }

    public SignScheme scheme() {
        return scheme;
    }

    public boolean exactResidual() {
        return exactResidual;
    }

    /** Number of slices N/m. */
    public int slices() {
        return slices;
    }

    /** Devices holding one weight: N/m, or 2N/m for a differential pair. */
    public int devicesPerWeight() {
        return significance.length;
    }

    /** The highest level of a device, 2^m − 1 (its full-range conductance 1.0). */
    public int maxLevel() {
        return maxLevel;
    }

    /** Smallest signed code. */
    public int minCode() {
        return minCode;
    }

    /** Largest signed code. */
    public int maxCode() {
        return maxCode;
    }

    /** The slice (0 = most significant) device {@code device} holds. */
    public int slice(int device) {
        return device % slices;
    }

    /**
     * The weight change, in units of the scale, of a unit conductance change of device {@code
     * device} (negative for the negative device of a pair). For sign-magnitude it applies to the
     * magnitude, i.e. it is multiplied by the weight's sign.
     */
    public double significance(int device) {
        return significance[device];
    }

    /**
     * Σ over devices of significance², the factor that turns an i.i.d. per-device conductance
     * noise of std σ into a per-weight std σ·s·sqrt(this); 0.333328 for SWIM, whose square root
     * is spec A.1's 0.5773459.
     */
    public double sumSquaredSignificance() {
        double sum = 0;
        for (double w : significance) {
            sum += w * w;
        }
        return sum;
    }

    /** The signed code of {@code w} for scale {@code scale} (round half to even, saturating); 0 when scale is 0. */
    public int code(double w, double scale) {
        if (scale == 0) {
            return 0;
        }
        double c = Math.rint(w / (scale * step));
        return (int) Math.max(minCode, Math.min(maxCode, c));
    }

    /** The weight a signed code stands for, s·code·step. */
    public double value(int code, double scale) {
        return code * step * scale;
    }

    /** The ideal level of device {@code device} for signed code {@code code}. */
    public int level(int code, int device) {
        int stored;
        if (scheme == SignScheme.OFFSET) {
            stored = code - minCode;
        } else if (scheme == SignScheme.DIFFERENTIAL) {
            stored = device < slices ? Math.max(code, 0) : Math.max(-code, 0);
        } else {
            stored = Math.abs(code);
        }
        int j = device % slices;
        return stored >>> (sliceBits * (slices - 1 - j)) & maxLevel;
    }

    /** Writes the ideal level of every device for signed code {@code code} into {@code out}. */
    public void levels(int code, int[] out) {
        if (code < minCode || code > maxCode) {
            throw new IllegalArgumentException("code " + code + " outside [" + minCode + ", " + maxCode + "]");
        }
        if (out.length != devicesPerWeight()) {
            throw new IllegalArgumentException("levels array of length " + out.length + ", need " + devicesPerWeight());
        }
        for (int d = 0; d < out.length; d++) {
            out[d] = level(code, d);
        }
    }

    /**
     * The weight read from device conductances (in units of full range, any real value).
     *
     * @param conductances one per device
     * @param negative the sign held in the periphery (sign-magnitude only; ignored otherwise)
     * @param scale the tensor's scale s
     */
    public double decode(double[] conductances, boolean negative, double scale) {
        if (conductances.length != devicesPerWeight()) {
            throw new IllegalArgumentException(
                    "conductances array of length " + conductances.length + ", need " + devicesPerWeight());
        }
        double sum = 0;
        for (int d = 0; d < conductances.length; d++) {
            sum += significance[d] * conductances[d];
        }
        return switch (scheme) {
            case SIGN_MAGNITUDE -> (negative ? -sum : sum) * scale;
            case DIFFERENTIAL -> sum * scale;
            case OFFSET -> (sum - 1) * scale;
        };
    }

    /** Largest |w| of a tensor (its scale s); non-finite weights are rejected, naming the tensor. */
    public static float maxAbs(String name, float[] w) {
        float max = 0;
        for (float v : w) {
            float a = Math.abs(v);
            if (!(a <= Float.MAX_VALUE)) {
                throw new IllegalArgumentException("tensor " + name + " holds a non-finite weight " + v);
            }
            if (a > max) {
                max = a;
            }
        }
        return max;
    }

    @Override
    public String toString() {
        return "crossbar(N=" + bits + ", m=" + sliceBits + ", " + scheme.name().toLowerCase(java.util.Locale.ROOT)
                + (exactResidual ? ", exact residual" : ", quantized") + ")";
    }
}
