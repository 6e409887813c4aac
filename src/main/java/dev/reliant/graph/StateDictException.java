package dev.reliant.graph;

import java.util.List;

/**
 * A state_dict that does not fit a graph: every missing, unexpected or mis-shaped tensor, one
 * line each naming the file, the tensor and the shapes. Nothing was loaded.
 */
public final class StateDictException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    StateDictException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem. */
    public List<String> problems() {
        return problems;
    }
}
