package dev.reliant.cim;

import dev.reliant.io.DType;
import dev.reliant.io.SafeTensors;
import dev.reliant.io.StoredTensor;
import dev.reliant.io.WeightFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which weights (or devices) of a network are write-verified: one {@link LayerMask} per weight
 * tensor, keyed by state_dict name, in module order. Saved as safetensors with one uint8
 * tensor per weight (same name and shape as the weight) and metadata
 * {@code granularity = weight | device}; reloaded and checked against a model's tensors.
 */
public final class WriteVerifyMask {
    /** Metadata key of the granularity. */
    public static final String GRANULARITY = "granularity";

    private final LinkedHashMap<String, int[]> shapes;
    private final LinkedHashMap<String, LayerMask> layers;
    private final boolean perDevice;

    private WriteVerifyMask(LinkedHashMap<String, int[]> shapes, LinkedHashMap<String, LayerMask> layers,
                            boolean perDevice) {
        this.shapes = shapes;
        this.layers = layers;
        this.perDevice = perDevice;
    }

    /** A weight-granularity mask with every weight of {@code shapes} verified ({@code all}) or none. */
    public static WriteVerifyMask uniform(Map<String, int[]> shapes, boolean all) {
        LinkedHashMap<String, byte[]> values = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            byte[] v = new byte[numel(shape)];
            if (all) {
                Arrays.fill(v, (byte) 1);
            }
            values.put(name, v);
        });
        return of(shapes, values, false);
    }

    /**
     * A mask over the given tensors. {@code values} holds one byte per weight of every tensor
     * of {@code shapes} (taken, not copied); at device granularity bit i verifies slice i.
     */
    public static WriteVerifyMask of(Map<String, int[]> shapes, Map<String, byte[]> values, boolean perDevice) {
        if (!shapes.keySet().equals(values.keySet())) {
            throw new IllegalArgumentException("mask tensors " + values.keySet() + " do not match " + shapes.keySet());
        }
        LinkedHashMap<String, int[]> s = new LinkedHashMap<>();
        LinkedHashMap<String, LayerMask> l = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> {
            byte[] v = Objects.requireNonNull(values.get(name), name);
            if (v.length != numel(shape)) {
                throw new IllegalArgumentException("mask of " + name + " has " + v.length + " values, the tensor "
                        + Arrays.toString(shape) + " has " + numel(shape));
            }
            s.put(name, shape.clone());
            l.put(name, new LayerMask(v, perDevice));
        });
        return new WriteVerifyMask(s, l, perDevice);
    }

    /** The mask of one tensor, or null when the mask does not cover it. */
    public LayerMask layer(String name) {
        return layers.get(name);
    }

    /** Tensor name → mask, in module order (unmodifiable). */
    public Map<String, LayerMask> layers() {
        return Collections.unmodifiableMap(layers);
    }

    /** The shape of one tensor's mask (a copy). */
    public int[] shape(String name) {
        return shapes.get(name).clone();
    }

    public boolean perDevice() {
        return perDevice;
    }

    /** Number of weights covered. */
    public long size() {
        long n = 0;
        for (LayerMask m : layers.values()) {
            n += m.size();
        }
        return n;
    }

    /** Number of weights with at least one verified device. */
    public long verifiedCount() {
        long n = 0;
        for (LayerMask m : layers.values()) {
            n += m.verifiedCount();
        }
        return n;
    }

    /** The protected share: verified weights / weights (0 for an empty mask). */
    public double verifiedFraction() {
        long n = size();
        return n == 0 ? 0 : (double) verifiedCount() / n;
    }

    /**
     * Checks that the mask covers exactly the tensors of {@code expected} with their shapes;
     * the message names {@code source} and the first tensor that does not fit.
     */
    public void requireMatches(Map<String, int[]> expected, String source) {
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            int[] have = shapes.get(e.getKey());
            if (have == null) {
                throw new IllegalArgumentException(source + ": no mask for weight " + e.getKey());
            }
            if (!Arrays.equals(have, e.getValue())) {
                throw new IllegalArgumentException(source + ": mask of " + e.getKey() + " has shape "
                        + Arrays.toString(have) + ", the weight has " + Arrays.toString(e.getValue()));
            }
        }
        for (String name : shapes.keySet()) {
            if (!expected.containsKey(name)) {
                throw new IllegalArgumentException(source + ": mask tensor " + name + " is not a weight of the model");
            }
        }
    }

    /** Writes the mask atomically: one uint8 tensor per weight, plus {@code metadata} and the granularity. */
    public void save(Path file, Map<String, String> metadata) {
        LinkedHashMap<String, StoredTensor> tensors = new LinkedHashMap<>();
        layers.forEach((name, m) -> tensors.put(name, StoredTensor.ofU8(name, shapes.get(name), m.values())));
        LinkedHashMap<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(GRANULARITY, perDevice ? "device" : "weight");
        meta.put("verified", Long.toString(verifiedCount()));
        meta.put("weights", Long.toString(size()));
        SafeTensors.write(file, tensors, meta);
    }

    /**
     * Reads a mask written by {@link #save} (or any safetensors file of uint8 tensors; without
     * the granularity key a non-zero byte verifies the weight).
     *
     * @throws WeightFileException for an unreadable file, a tensor that is not uint8 or an unknown granularity
     */
    public static WriteVerifyMask load(Path file) {
        SafeTensors.Contents c = SafeTensors.read(file);
        String g = c.metadata().getOrDefault(GRANULARITY, "weight");
        if (!g.equals("weight") && !g.equals("device")) {
            throw new WeightFileException(file, "granularity '" + g + "' is neither weight nor device");
        }
        LinkedHashMap<String, int[]> shapes = new LinkedHashMap<>();
        LinkedHashMap<String, byte[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, StoredTensor> e : c.tensors().entrySet()) {
            StoredTensor t = e.getValue();
            if (t.dtype() != DType.U8) {
                throw new WeightFileException(file, "mask tensor " + e.getKey() + " is " + t.dtype()
                        + ", expected U8 (one byte per weight)");
            }
            shapes.put(e.getKey(), t.shape());
            values.put(e.getKey(), t.rawBytes());
        }
        return of(shapes, values, g.equals("device"));
    }

    private static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
