package dev.reliant.data;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A data set that cannot be read: a missing or malformed file, a bad CSV row, an unknown data set
 * name. The message is one line saying what and where, e.g. {@code file test_batch.bin: size
 * 30730001 bytes is not a multiple of the 3073-byte CIFAR-10 record}, fit to be shown to a user
 * as it is (DESIGN invariant 6).
 *
 * <p>An {@link IllegalArgumentException}, so the command line reports it as a user error (one
 * line, exit code 1, no stack trace) without {@code data} depending on {@code cli}.
 */
public class DatasetException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** A message that names no file (an unknown data set name, a bad normalisation string). */
    public DatasetException(String message) {
        super(oneLine(message));
    }

    /** A message that names no file, keeping the low-level cause for debugging. */
    public DatasetException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** {@code file FILE: PROBLEM}. */
    public DatasetException(Path file, String problem) {
        super("file " + file + ": " + oneLine(problem));
    }

    /** {@code file FILE: PROBLEM}, keeping the low-level cause for debugging. */
    public DatasetException(Path file, String problem, Throwable cause) {
        super("file " + file + ": " + oneLine(problem), cause);
    }

    /** The one-line error for an I/O failure on {@code file}. */
    static DatasetException io(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DatasetException("file not found: " + file);
        }
        if (e instanceof AccessDeniedException) {
            return new DatasetException(file, "permission denied", e);
        }
        String m = e.getMessage();
        return new DatasetException(file, "cannot read: " + (m == null ? e.getClass().getSimpleName() : m), e);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
