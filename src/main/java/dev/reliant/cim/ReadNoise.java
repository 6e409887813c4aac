package dev.reliant.cim;

import java.util.SplittableRandom;

/**
 * Read noise: every read of a device sees its programmed conductance plus N(0, sigma²) (units
 * of the device's full range), redrawn per read (per inference batch) and independent of the
 * state. It leaves programming untouched, so it composes with any programming model.
 */
public final class ReadNoise implements DeviceModel {
    private final double sigma;

    public ReadNoise(double sigma) {
        this.sigma = DeviceModel.checkSigma("read noise sigma", sigma);
    }

    @Override
    public double program(double conductance, int slice, boolean verified, SplittableRandom rng) {
        return conductance;
    }

    @Override
    public double readSigma() {
        return sigma;
    }

    @Override
    public String describe() {
        return "read(sigma=" + sigma + ")";
    }
}
