package dev.reliant.cim;

import java.util.SplittableRandom;

/**
 * How one weight tensor is programmed into computing-in-memory devices: given the clean
 * weights, {@link #program} returns one programmed instance (programming noise and stuck devices
 * fixed for its lifetime), whose {@link ProgrammedWeights#read} gives the weights an inference
 * sees (plus read noise redrawn per read when the model has any).
 */
public interface NoiseModel {

    /**
     * Programs one instance of a tensor.
     *
     * @param name the tensor's state_dict name (for messages)
     * @param shape its shape (dimension 0 = output channels / rows)
     * @param clean the clean weights (not modified, not retained)
     * @param mask the write-verify mask of this tensor, or null when nothing is verified
     * @param rng the stream of this instance and tensor
     */
    ProgrammedWeights program(String name, int[] shape, float[] clean, LayerMask mask, SplittableRandom rng);

    /** A short description for logs and result metadata, e.g. {@code swim(dev_var=0.1, write_var=0.03)}. */
    String describe();
}
