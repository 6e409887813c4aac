package dev.reliant.cli;

/**
 * An error caused by the user's input (a missing file, a malformed value, an unknown layer
 * name), not by a bug. The command line prints its message as one line,
 * {@code reliant: error: MESSAGE}, and exits with code 1; no stack trace unless
 * {@code RELIANT_DEBUG=1}. The message should say what and where (file, row, field).
 *
 * <p>{@link IllegalArgumentException}s thrown by the runtime are reported the same way.
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
