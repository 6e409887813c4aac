package dev.reliant.fault;

import dev.reliant.tensor.NumberFormat;

/**
 * A fault of a list resolved against a model with stored weights: which parameter element it
 * changes, the stored value before and after (the fault model applied to the stored code), and
 * where the fast path restarts.
 *
 * @param position the fault's position in the list (results are kept by it)
 * @param fault the row of the list
 * @param parameter the state_dict name of the faulted tensor
 * @param flatIndex the element's row-major offset
 * @param node the graph node that owns the parameter
 * @param outChannel for a convolution weight, the output channel the element belongs to
 *     (only that channel of the convolution's output changes), else -1
 * @param format the tensor's stored format
 * @param original the stored value (the weight after quantization to the format)
 * @param faulty the value after the fault
 * @param noop the fault leaves the stored code as it is (a stuck-at on a bit that already has
 *     that value): counted as masked, and reported apart
 */
public record CampaignFault(int position, Fault fault, String parameter, int flatIndex, int node, int outChannel,
                            NumberFormat format, float original, float faulty, boolean noop) {

    /** True when the faulty value has the same bits as the original: nothing to compute. */
    public boolean changesNothing() {
        return Float.floatToRawIntBits(original) == Float.floatToRawIntBits(faulty);
    }
}
