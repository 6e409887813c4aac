package dev.reliant.fault;

import dev.reliant.graph.Graph;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Checks that activation faults address values of a model's node outputs before a campaign
 * starts (the sibling of {@link FaultListValidator} for weight lists): the Layer must name a
 * faultable node ({@link ActivationTargets}; not the input, not a view), the index must have the
 * rank of the node's per-image output and lie inside it, and the bit must be one of the 32 fp32
 * bits.
 *
 * <pre>
 *   ActivationListValidator v = new ActivationListValidator(graph);
 *   List&lt;Fault&gt; faults = FaultListCsv.readActivations(file, v);   // every row checked, with its line
 * </pre>
 */
public final class ActivationListValidator {
    private final ActivationTargets targets;

    public ActivationListValidator(Graph graph) {
        this(ActivationTargets.of(graph));
    }

    public ActivationListValidator(ActivationTargets targets) {
        this.targets = targets;
    }

    public ActivationTargets targets() {
        return targets;
    }

    /** The first problem of a fault, or empty when it addresses a bit of a node output. */
    public Optional<FaultListValidator.Problem> problem(Fault fault) {
        Optional<ActivationTargets.NodeOutput> output = targets.find(fault.layer());
        if (output.isEmpty()) {
            return Optional.of(new FaultListValidator.Problem(FaultListCsv.LAYER, targets.unknownNode(fault.layer())));
        }
        int[] shape = output.get().shape();
        int[] index = fault.index();
        if (index.length != shape.length) {
            return Optional.of(new FaultListValidator.Problem(FaultListCsv.TENSOR_INDEX, "index " + fault.indexString()
                    + " has " + index.length + " coordinate" + (index.length == 1 ? "" : "s") + " but the output of node "
                    + fault.layer() + " has rank " + shape.length + " (shape " + Arrays.toString(shape) + ")"));
        }
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                return Optional.of(new FaultListValidator.Problem(FaultListCsv.TENSOR_INDEX, "index "
                        + fault.indexString() + " out of range for the output of node " + fault.layer() + " of shape "
                        + Arrays.toString(shape) + " (coordinate " + d + " is " + index[d] + ", must be 0.."
                        + (shape[d] - 1) + ")"));
            }
        }
        if (fault.bit() < 0 || fault.bit() >= ActivationTargets.BITS) {
            return Optional.of(new FaultListValidator.Problem(FaultListCsv.BIT, "bit " + fault.bit()
                    + " out of range for fp32 activations (bits 0.." + (ActivationTargets.BITS - 1) + ")"));
        }
        return Optional.empty();
    }

    /**
     * Checks every fault of a list held in memory; a problem names {@code source}, the position in
     * the list and the fault's {@code Injection}: {@code SOURCE: fault 3 (Injection 3), field 'Layer': …}.
     */
    public void validate(List<Fault> faults, String source) {
        for (int i = 0; i < faults.size(); i++) {
            Fault f = faults.get(i);
            Optional<FaultListValidator.Problem> p = problem(f);
            if (p.isPresent()) {
                throw new FaultListException(source + ": fault " + i + " (Injection " + f.injection() + "), field '"
                        + p.get().field() + "': " + p.get().message());
            }
        }
    }
}
