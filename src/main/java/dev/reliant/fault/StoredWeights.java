package dev.reliant.fault;

import dev.reliant.graph.Graph;
import dev.reliant.ops.Conv2d;
import dev.reliant.ops.Parameter;
import dev.reliant.tensor.NumberFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The faultable weights of one model instance kept in a campaign's number format: on
 * construction every target tensor is replaced by its values as the format stores them (the
 * golden network computes with those), and a fault is applied to the stored code of one
 * element and undone by writing back the exact stored value. Every instance built from the
 * same weights and format holds the same values, so parallel workers, each with its own model,
 * agree bit for bit.
 */
public final class StoredWeights {
    private final Graph graph;
    private final FaultTargets targets;
    private final CampaignFormat format;
    private final Map<String, NumberFormat> formats = new HashMap<>();

    /** Quantizes the targets of {@code graph} to {@code format} in place (fp32 leaves them untouched). */
    public StoredWeights(Graph graph, FaultTargets targets, CampaignFormat format) {
        if (targets.graph() != graph) {
            throw new IllegalArgumentException("the fault targets belong to another model instance");
        }
        this.graph = graph;
        this.targets = targets;
        this.format = format;
        for (FaultTargets.Layer layer : targets.layers()) {
            Parameter p = layer.parameter();
            NumberFormat f = format.formatFor(p.tensor());
            formats.put(layer.name(), f);
            if (!format.isFp32()) {
                float[] w = p.data();
                for (int i = 0; i < w.length; i++) {
                    w[i] = f.quantize(w[i]);
                }
                graph.markChanged(p.name());
            }
        }
    }

    /** Weights as the published campaigns used them: every rank ≥ 2 tensor, fp32. */
    public static StoredWeights fp32(Graph graph) {
        return new StoredWeights(graph, FaultTargets.weights(graph), CampaignFormat.fp32());
    }

    public Graph graph() {
        return graph;
    }

    public FaultTargets targets() {
        return targets;
    }

    public CampaignFormat format() {
        return format;
    }

    /** The stored format of a target layer (its own scale for per-tensor int formats). */
    public NumberFormat formatOf(String layer) {
        NumberFormat f = formats.get(targets.layer(layer).name());
        if (f == null) {
            throw new IllegalStateException("no format for layer " + layer);
        }
        return f;
    }

    /**
     * Resolves a fault: the element, its stored value and the value after {@code model} acts on
     * {@code width} bits from the fault's bit of the stored code.
     *
     * @throws IllegalArgumentException for an unknown layer, an index out of range or a bit
     *     beyond the format, naming the fault
     */
    public CampaignFault resolve(int position, Fault fault, FaultModel model, int width) {
        FaultTargets.Layer layer;
        int flat;
        NumberFormat f;
        try {
            layer = targets.layer(fault.layer());
            flat = fault.flatIndex(layer.shape());
            f = formatOf(layer.name());
            f.checkBit(fault.bit());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fault " + position + " (Injection " + fault.injection() + "): "
                    + e.getMessage(), e);
        }
        String parameter = layer.parameterName();
        int node = graph.parameterOwner(parameter);
        float original = layer.parameter().data()[flat];
        long code = f.encode(original);
        long faultyCode = model.apply(f, code, fault.bit(), width);
        int outChannel = graph.node(node).op() instanceof Conv2d conv && conv.weight() == layer.parameter()
                ? fault.index()[0] : -1;
        return new CampaignFault(position, fault, parameter, flat, node, outChannel, f, original,
                f.decode(faultyCode), faultyCode == code);
    }

    /** Resolves every fault of a list, in order. */
    public List<CampaignFault> resolveAll(List<Fault> faults, FaultModel model, int width) {
        CampaignFault[] out = new CampaignFault[faults.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = resolve(i, faults.get(i), model, width);
        }
        return List.of(out);
    }

    /** Writes the faulty value into this instance's model (prepared forms are patched). */
    public void apply(CampaignFault fault) {
        graph.setParameterElement(fault.parameter(), fault.flatIndex(), fault.faulty());
    }

    /** Writes back the stored value. */
    public void restore(CampaignFault fault) {
        graph.setParameterElement(fault.parameter(), fault.flatIndex(), fault.original());
    }
}
