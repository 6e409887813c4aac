package dev.reliant.fault;

import java.util.Arrays;

/**
 * One weight fault of a fault list (specs/fault-injection.md §4): its dense row number, the
 * layer (the parameter name without {@code .weight}, e.g. {@code layer2.0.conv1}), the element
 * index in PyTorch layout ({@code (out, in, kh, kw)} for a convolution, {@code (out, in)} for a
 * linear layer) and the bit (0 = least significant of the stored code).
 *
 * <p>The fault model, the number format and the multi-bit width belong to the campaign, not to
 * the row, as in the published lists.
 */
public record Fault(int injection, String layer, int[] index, int bit) {

    public Fault {
        index = index.clone();
    }

    /** The index (a copy). */
    @Override
    public int[] index() {
        return index.clone();
    }

    /** The state_dict name of the faulted tensor: layer + {@code .weight} unless the layer already names a parameter. */
    public String parameterName() {
        return layer.endsWith(".weight") || layer.endsWith(".bias") ? layer : layer + ".weight";
    }

    /** The flat row-major offset of the index in a tensor of this shape. */
    public int flatIndex(int[] shape) {
        if (shape.length != index.length) {
            throw new IllegalArgumentException("index " + indexString() + " has " + index.length
                    + " coordinates, tensor " + layer + " has rank " + shape.length);
        }
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IllegalArgumentException("index " + indexString() + " out of range for " + layer
                        + " of shape " + Arrays.toString(shape));
            }
            flat = flat * shape[d] + index[d];
        }
        return flat;
    }

    /** The index as written in the PyTorch lists: {@code (3, 0, 2, 1)}; a single coordinate as {@code (5,)}. */
    public String indexString() {
        StringBuilder b = new StringBuilder("(");
        for (int d = 0; d < index.length; d++) {
            if (d > 0) {
                b.append(", ");
            }
            b.append(index[d]);
        }
        return b.append(index.length == 1 ? ",)" : ")").toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fault f && f.injection == injection && f.bit == bit && f.layer.equals(layer)
                && Arrays.equals(f.index, index);
    }

    @Override
    public int hashCode() {
        return (31 * (31 * injection + layer.hashCode()) + Arrays.hashCode(index)) * 31 + bit;
    }

    @Override
    public String toString() {
        return injection + " " + layer + " " + indexString() + " bit " + bit;
    }
}
