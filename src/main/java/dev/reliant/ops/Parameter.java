package dev.reliant.ops;

import dev.reliant.tensor.Tensor;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A named parameter or buffer of an operator ({@code layer1.0.conv1.weight},
 * {@code bn1.running_var}): its float32 tensor and a version stamp.
 *
 * <p>The tensor's array is the one the operator reads; whoever changes its values calls
 * {@link #markChanged()} (or {@code Graph.setParameterElement}) so that prepared forms (packed
 * or folded weights) are remade. Versions come from one global clock, so the largest version of
 * a set of parameters changes whenever any of them changes, and a cache keyed by that maximum is
 * never fooled by two changes cancelling out.
 */
public final class Parameter {
    private static final AtomicLong CLOCK = new AtomicLong();

    private final String name;
    private final Tensor tensor;
    private long version;

    /** Wraps a tensor (not copied) under a state_dict name. */
    public Parameter(String name, Tensor tensor) {
        this.name = Objects.requireNonNull(name, "name");
        this.tensor = Objects.requireNonNull(tensor, "tensor");
        this.version = CLOCK.incrementAndGet();
    }

    /** A parameter of zeros. */
    public static Parameter zeros(String name, int... shape) {
        return new Parameter(name, Tensor.zeros(shape));
    }

    /** A parameter with every element equal to {@code value}. */
    public static Parameter full(String name, float value, int... shape) {
        return new Parameter(name, Tensor.full(value, shape));
    }

    /** The state_dict name. */
    public String name() {
        return name;
    }

    /** The tensor (shared, not a copy). */
    public Tensor tensor() {
        return tensor;
    }

    /** The tensor's backing array (shared). */
    public float[] data() {
        return tensor.data();
    }

    /** A copy of the shape. */
    public int[] shape() {
        return tensor.shape();
    }

    public int numel() {
        return tensor.numel();
    }

    public int rank() {
        return tensor.rank();
    }

    /** The version stamp: changes on every {@link #markChanged()}. */
    public long version() {
        return version;
    }

    /** Records that the values changed: prepared forms made from them are stale. */
    public void markChanged() {
        version = CLOCK.incrementAndGet();
    }

    /** The largest version among parameters (nulls skipped): a cache key for a form made from all of them. */
    public static long maxVersion(Parameter... parameters) {
        long v = 0;
        for (Parameter p : parameters) {
            if (p != null) {
                v = Math.max(v, p.version);
            }
        }
        return v;
    }

    @Override
    public String toString() {
        return name + tensor.shapeString();
    }
}
