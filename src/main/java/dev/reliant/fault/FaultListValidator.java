package dev.reliant.fault;

import dev.reliant.graph.Graph;
import dev.reliant.tensor.NumberFormat;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Checks that faults address stored bits of a model before a campaign starts, so that a bad row
 * fails at once with its location instead of hours into a run: the layer must be a fault target
 * of the model, the index must have the tensor's rank and lie inside its shape, and the bit must
 * exist in the campaign's number format (0–31 for fp32, 0–7 for int8).
 *
 * <pre>
 *   FaultListValidator v = new FaultListValidator(graph, NumberFormats.FP32);
 *   List&lt;Fault&gt; faults = FaultListCsv.read(file, v);   // every row checked, with its line
 *   v.validate(generated, "generated list");          // a list made in memory
 * </pre>
 */
public final class FaultListValidator {

    /** What is wrong with a fault: the CSV column at fault and a description. */
    public record Problem(String field, String message) {}

    private final FaultTargets targets;
    private final NumberFormat format;

    /** Faults on the model's weights (rank ≥ 2, {@link FaultTargets#weights}) stored in {@code format}. */
    public FaultListValidator(Graph graph, NumberFormat format) {
        this(FaultTargets.weights(graph), format);
    }

    /** Faults on the given targets (e.g. with biases) stored in {@code format}. */
    public FaultListValidator(FaultTargets targets, NumberFormat format) {
        this.targets = targets;
        this.format = format;
    }

    public FaultTargets targets() {
        return targets;
    }

    public NumberFormat format() {
        return format;
    }

    /** The first problem of a fault, or empty when it addresses a bit of a target. */
    public Optional<Problem> problem(Fault fault) {
        Optional<FaultTargets.Layer> layer = targets.find(fault.layer());
        if (layer.isEmpty()) {
            return Optional.of(new Problem(FaultListCsv.LAYER, targets.unknownLayer(fault.layer())));
        }
        Optional<Problem> index = indexProblem(layer.get(), fault);
        if (index.isPresent()) {
            return index;
        }
        if (fault.bit() < 0 || fault.bit() >= format.bits()) {
            return Optional.of(new Problem(FaultListCsv.BIT, "bit " + fault.bit() + " out of range for "
                    + format.name() + " (bits 0.." + (format.bits() - 1) + ")"));
        }
        return Optional.empty();
    }

    /** A problem of the fault's index in the layer's tensor: wrong rank or a coordinate outside the shape. */
    static Optional<Problem> indexProblem(FaultTargets.Layer layer, Fault fault) {
        int[] shape = layer.shape();
        int[] index = fault.index();
        if (index.length != shape.length) {
            return Optional.of(new Problem(FaultListCsv.TENSOR_INDEX, "index " + fault.indexString() + " has "
                    + index.length + " coordinate" + (index.length == 1 ? "" : "s") + " but " + fault.layer()
                    + " has rank " + shape.length + " (shape " + Arrays.toString(shape) + ")"));
        }
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                return Optional.of(new Problem(FaultListCsv.TENSOR_INDEX, "index " + fault.indexString()
                        + " out of range for " + fault.layer() + " of shape " + Arrays.toString(shape) + " (coordinate "
                        + d + " is " + index[d] + ", must be 0.." + (shape[d] - 1) + ")"));
            }
        }
        return Optional.empty();
    }

    /**
     * Checks every fault of a list held in memory; a problem names {@code source}, the position in
     * the list and the fault's {@code Injection}: {@code SOURCE: fault 3 (Injection 3), field 'Bit': …}.
     */
    public void validate(List<Fault> faults, String source) {
        for (int i = 0; i < faults.size(); i++) {
            Fault f = faults.get(i);
            Optional<Problem> p = problem(f);
            if (p.isPresent()) {
                throw new FaultListException(source + ": fault " + i + " (Injection " + f.injection() + "), field '"
                        + p.get().field() + "': " + p.get().message());
            }
        }
    }
}
