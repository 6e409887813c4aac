package dev.reliant.io;

import java.nio.file.Path;

/**
 * A weight file that cannot be read or written: malformed, truncated, hostile, or of a kind this
 * package does not support. The message is one line that names the file and the problem, e.g.
 * {@code file w.safetensors: tensor 'conv1.weight': unknown dtype 'F33'}, fit to be shown to a
 * user as it is (DESIGN invariant 6). The command line reports it like any other user error.
 *
 * <p>Defined here rather than reusing the command line's user-error type because {@code io} must
 * not depend on {@code cli}.
 */
public class WeightFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    /** {@code file FILE: PROBLEM}. */
    public WeightFileException(Path file, String problem) {
        this(file, problem, null);
    }

    /** {@code file FILE: PROBLEM}, keeping the low-level cause for debugging. */
    public WeightFileException(Path file, String problem, Throwable cause) {
        super("file " + file + ": " + oneLine(problem), cause);
        this.file = file;
        this.problem = oneLine(problem);
    }

    /** The file concerned. */
    public Path file() {
        return file;
    }

    /** The problem without the file name. */
    public String problem() {
        return problem;
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
