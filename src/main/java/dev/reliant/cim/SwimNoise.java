package dev.reliant.cim;

import java.util.List;
import java.util.SplittableRandom;

/**
 * SWIM's device-variation model (spec A.1). {@link #of} builds it as what it is — an 8-bit
 * weight, 1 bit per device, sign in the periphery, float residual kept exactly, each device
 * with N(0, dev_var²) or, write-verified, N(0, write_var²) — and simulates every device.
 * {@link #collapsed} is the fast equivalent: the 8 independent slice Gaussians weighted 2^−i sum
 * to one Gaussian per weight of std sqrt(Σ_{i=1..8} 4^−i)·σ·max|W| = 0.5773459·σ·max|W|, so it
 * draws that one Gaussian (with a device-granular mask, σ² is summed per slice).
 */
public final class SwimNoise implements NoiseModel {

    /** sqrt(Σ_{i=1..8} 4^−i) = 0.5773459…, the per-weight std of SWIM noise in units of σ·max|W|. */
    public static final double SLICE_FACTOR = Math.sqrt((1 - Math.pow(0.25, 8)) / 3);

    private final double devVar;
    private final double writeVar;
    /** Per-weight std factor (times max|W|) for each device-granular mask byte. */
    private final double[] perDeviceStd = new double[256];

    private SwimNoise(double devVar, double writeVar) {
        this.devVar = DeviceModel.checkSigma("dev_var", devVar);
        this.writeVar = DeviceModel.checkSigma("write_var", writeVar);
        for (int bits = 0; bits < 256; bits++) {
            double var = 0;
            for (int j = 0; j < 8; j++) {
                double sigma = (bits >> j & 1) != 0 ? writeVar : devVar;
                var += Math.scalb(1.0, -2 * (j + 1)) * sigma * sigma;
            }
            perDeviceStd[bits] = Math.sqrt(var);
        }
    }

    /** The per-device simulation of spec A.1. */
    public static CrossbarNoise of(double devVar, double writeVar) {
        GaussianDevice device = new GaussianDevice(devVar, writeVar);
        return new CrossbarNoise(CrossbarMapping.swim(), List.of(device), describe(devVar, writeVar));
    }

    /** One Gaussian per weight, equivalent in distribution to {@link #of}. */
    public static SwimNoise collapsed(double devVar, double writeVar) {
        return new SwimNoise(devVar, writeVar);
    }

    public double devVar() {
        return devVar;
    }

    public double writeVar() {
        return writeVar;
    }

    @Override
    public ProgrammedWeights program(String name, int[] shape, float[] clean, LayerMask mask, SplittableRandom rng) {
        CrossbarNoise.checkTensor(name, shape, clean, mask);
        double s = CrossbarMapping.maxAbs(name, clean);
        double unverified = SLICE_FACTOR * devVar * s;
        double verified = SLICE_FACTOR * writeVar * s;
        boolean perDevice = mask != null && mask.perDevice();
        float[] out = new float[clean.length];
        for (int i = 0; i < clean.length; i++) {
            double std;
            if (mask == null) {
                std = unverified;
            } else if (perDevice) {
                std = perDeviceStd[mask.value(i) & 0xff] * s;
            } else {
                std = mask.verified(i) ? verified : unverified;
            }
            out[i] = std == 0 ? clean[i] : (float) (clean[i] + std * rng.nextGaussian());
        }
        return CrossbarNoise.weights(out, 0);
    }

    @Override
    public String describe() {
        return describe(devVar, writeVar) + " collapsed";
    }

    private static String describe(double devVar, double writeVar) {
        return "swim(dev_var=" + devVar + ", write_var=" + writeVar + ")";
    }
}
