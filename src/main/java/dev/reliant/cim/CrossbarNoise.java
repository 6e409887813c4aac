package dev.reliant.cim;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The device-level noise model: every weight is mapped onto its devices by a {@link
 * CrossbarMapping}, every device's conductance is passed through the composed {@link
 * DeviceModel}s in order, and the weight is decoded from the resulting conductances. Programming
 * effects are fixed per {@link #program programmed} instance; read noise (the sum of the models'
 * {@link DeviceModel#readSigma()}) is redrawn at every read, as one Gaussian per weight of std
 * sqrt(Σ readSigma²)·s·sqrt(Σ significance²) — exactly the sum of the independent per-device
 * Gaussians, without keeping per-device state.
 *
 * <p>Write-verify: with a weight-granular {@link LayerMask} every device of a verified weight is
 * verified; with a device-granular one bit j verifies the device(s) of slice j (both devices of a
 * differential pair), which needs at most 8 slices.
 */
public final class CrossbarNoise implements NoiseModel {
    private final CrossbarMapping mapping;
    private final DeviceModel[] models;
    private final double readFactor;
    private final String description;

    /** A crossbar model described by its mapping and models. */
    public CrossbarNoise(CrossbarMapping mapping, List<? extends DeviceModel> models) {
        this(mapping, models, null);
    }

    /**
     * @param mapping how weights map to devices
     * @param models the device effects, applied in this order at programming time
     * @param description what {@link #describe()} returns, or null for one made from the parts
     */
    public CrossbarNoise(CrossbarMapping mapping, List<? extends DeviceModel> models, String description) {
        if (mapping == null || models == null) {
            throw new IllegalArgumentException("crossbar noise needs a mapping and a list of device models");
        }
        this.mapping = mapping;
        this.models = models.toArray(new DeviceModel[0]);
        double readVar = 0;
        StringBuilder parts = new StringBuilder(mapping.toString());
        for (DeviceModel m : this.models) {
            if (m == null) {
                throw new IllegalArgumentException("device model list contains null");
            }
            readVar += m.readSigma() * m.readSigma();
            parts.append(" + ").append(m.describe());
        }
        this.readFactor = Math.sqrt(readVar * mapping.sumSquaredSignificance());
        this.description = description != null ? description : parts.toString();
    }

    public CrossbarMapping mapping() {
        return mapping;
    }

    public List<DeviceModel> models() {
        return List.of(models);
    }

    /** Std of the per-weight read noise for scale 1 (multiply by max|W|); 0 without read noise. */
    public double readNoiseFactor() {
        return readFactor;
    }

    @Override
    public ProgrammedWeights program(String name, int[] shape, float[] clean, LayerMask mask, SplittableRandom rng) {
        checkTensor(name, shape, clean, mask);
        if (mask != null && mask.perDevice() && mapping.slices() > 8) {
            throw new IllegalArgumentException("tensor " + name + ": a device-granular mask covers at most 8 slices, the mapping has "
                    + mapping.slices());
        }
        double s = CrossbarMapping.maxAbs(name, clean);
        int devices = mapping.devicesPerWeight();
        double invMaxLevel = 1.0 / mapping.maxLevel();
        boolean signMagnitude = mapping.scheme() == CrossbarMapping.SignScheme.SIGN_MAGNITUDE;
        boolean exact = mapping.exactResidual();
        double[] significance = new double[devices];
        int[] sliceOf = new int[devices];
        for (int d = 0; d < devices; d++) {
            significance[d] = mapping.significance(d);
            sliceOf[d] = mapping.slice(d);
        }
        DeviceModel[] ms = models;
        float[] out = new float[clean.length];
        for (int i = 0; i < clean.length; i++) {
            float w = clean[i];
            int code = mapping.code(w, s);
            double delta = 0;
            for (int d = 0; d < devices; d++) {
                double ideal = mapping.level(code, d) * invMaxLevel;
                double g = ideal;
                int slice = sliceOf[d];
                boolean verified = mask != null && mask.verified(i, slice);
                for (DeviceModel m : ms) {
                    g = m.program(g, slice, verified, rng);
                }
                delta += significance[d] * (g - ideal);
            }
            if (signMagnitude && w < 0) {
                delta = -delta;
            }
            double base = exact ? w : mapping.value(code, s);
            out[i] = (float) (base + s * delta);
        }
        return weights(out, readFactor * s);
    }

    @Override
    public String describe() {
        return description;
    }

    /** Checks the arguments every noise model receives, naming the tensor. */
    static void checkTensor(String name, int[] shape, float[] clean, LayerMask mask) {
        if (clean == null) {
            throw new IllegalArgumentException("tensor " + name + ": no weights");
        }
        if (shape != null) {
            long n = 1;
            for (int dim : shape) {
                n *= dim;
            }
            if (n != clean.length) {
                throw new IllegalArgumentException("tensor " + name + ": shape " + java.util.Arrays.toString(shape)
                        + " holds " + n + " values, got " + clean.length);
            }
        }
        if (mask != null && mask.size() != clean.length) {
            throw new IllegalArgumentException("tensor " + name + ": mask of " + mask.size() + " weights for "
                    + clean.length + " weights");
        }
    }

    /**
     * Programmed weights that owns {@code values} (no copy) and adds N(0, readStd²) per weight
     * at every read when readStd > 0.
     */
    static ProgrammedWeights weights(float[] values, double readStd) {
        return new Programmed(values, readStd);
    }

    private static final class Programmed implements ProgrammedWeights {
        private final float[] values;
        private final double readStd;

        Programmed(float[] values, double readStd) {
            this.values = values;
            this.readStd = readStd;
        }

        @Override
        public void read(float[] out, SplittableRandom rng) {
            if (out.length != values.length) {
                throw new IllegalArgumentException("read into " + out.length + " values, the tensor has " + values.length);
            }
            if (readStd == 0) {
                System.arraycopy(values, 0, out, 0, values.length);
                return;
            }
            for (int i = 0; i < values.length; i++) {
                out[i] = (float) (values[i] + readStd * rng.nextGaussian());
            }
        }

        @Override
        public boolean hasReadNoise() {
            return readStd > 0;
        }
    }
}
