package dev.reliant.cim;

import java.util.SplittableRandom;

/**
 * Stuck-at faults: a device is stuck at the low conductance (0) with probability {@code
 * lowRate} and at the high conductance (1, full range) with probability {@code highRate},
 * whatever it was programmed to and whether or not it was verified (write-verify cannot move a
 * stuck device). Drawn at programming time, so fixed per programmed instance; placed after the
 * programming-noise models it overrides them.
 */
public final class StuckDevices implements DeviceModel {
    private final double lowRate;
    private final double highRate;

    /** Rates in [0, 1] with lowRate + highRate ≤ 1. */
    public StuckDevices(double lowRate, double highRate) {
        this.lowRate = DeviceModel.checkRate("stuck-at-low rate", lowRate);
        this.highRate = DeviceModel.checkRate("stuck-at-high rate", highRate);
        if (lowRate + highRate > 1) {
            throw new IllegalArgumentException(
                    "stuck-at-low + stuck-at-high rates must be <= 1, got " + lowRate + " + " + highRate);
        }
    }

    public double lowRate() {
        return lowRate;
    }

    public double highRate() {
        return highRate;
    }

    @Override
    public double program(double conductance, int slice, boolean verified, SplittableRandom rng) {
        if (lowRate == 0 && highRate == 0) {
            return conductance;
        }
        double u = rng.nextDouble();
        if (u < lowRate) {
            return 0;
        }
        if (u < lowRate + highRate) {
            return 1;
        }
        return conductance;
    }

    @Override
    public String describe() {
        return "stuck(low=" + lowRate + ", high=" + highRate + ")";
    }
}
