package dev.reliant.cim;

import java.util.SplittableRandom;

/**
 * One physical effect on a single crossbar device. Effects compose: {@link CrossbarNoise}
 * passes a device's conductance through every model in order when the tensor is programmed
 * (the result is fixed for that programmed instance), and adds the read noise of every model at
 * each read. Conductances are in units of the device's full range (level l of an m-bit device is
 * l / (2^m − 1)); models do not clip them.
 */
public interface DeviceModel {

    /**
     * The conductance the device holds after this effect is applied at programming time.
     *
     * @param conductance the conductance so far (the ideal level, or the output of earlier models)
     * @param slice the slice the device holds, 0 = most significant
     * @param verified whether the device was write-verified
     * @param rng the programming stream of this instance and tensor
     */
    double program(double conductance, int slice, boolean verified, SplittableRandom rng);

    /**
     * Std of the additive Gaussian read noise of one device, in units of its full range, redrawn
     * at every read; 0 (the default) when the model has none. Read noise does not depend on the
     * programmed state, so the noise of all devices of a weight adds up to one Gaussian per weight.
     */
    default double readSigma() {
        return 0;
    }

    /** A short description for logs, e.g. {@code gaussian(dev_var=0.1, write_var=0.03)}. */
    String describe();

    /** Checks a standard deviation: finite and ≥ 0. */
    static double checkSigma(String what, double sigma) {
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException(what + " must be a finite number >= 0, got " + sigma);
        }
        return sigma;
    }

    /** Checks a rate: in [0, 1]. */
    static double checkRate(String what, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1], got " + rate);
        }
        return rate;
    }
}
