package dev.reliant.cim;

import java.util.SplittableRandom;

/**
 * SWIM's device variation (spec A.1): each device's conductance gets N(0, dev_var²) when it is
 * not write-verified and N(0, write_var²) when it is, in units of the device's full range and
 * fixed for the programmed instance. A sigma of 0 adds exactly 0 (and draws nothing).
 */
public final class GaussianDevice implements DeviceModel {
    private final double devVar;
    private final double writeVar;

    /**
     * @param devVar std of an unverified device (SWIM's dev_var, despite the name a standard deviation)
     * @param writeVar std of a write-verified device (SWIM's write_var)
     */
    public GaussianDevice(double devVar, double writeVar) {
        this.devVar = DeviceModel.checkSigma("dev_var", devVar);
        this.writeVar = DeviceModel.checkSigma("write_var", writeVar);
    }

    public double devVar() {
        return devVar;
    }

    public double writeVar() {
        return writeVar;
    }

    @Override
    public double program(double conductance, int slice, boolean verified, SplittableRandom rng) {
        double sigma = verified ? writeVar : devVar;
        return sigma == 0 ? conductance : conductance + sigma * rng.nextGaussian();
    }

    @Override
    public String describe() {
        return "gaussian(dev_var=" + devVar + ", write_var=" + writeVar + ")";
    }
}
