package dev.reliant.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Replaces a text file atomically: the lines go to a hidden temporary file in the same
 * directory, which is then renamed over the target, so a reader (or a crash) never sees a
 * half-written file.
 */
public final class AtomicText {
    private AtomicText() {}

    /** Writes the content of a file, given the temporary path to write it to. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path tmp) throws IOException;
    }

    /**
     * Writes {@code lines}, each ended by a newline, as UTF-8.
     *
     * @param what names the file in the error message, e.g. "training log"
     * @throws UncheckedIOException {@code cannot write WHAT FILE: reason}; the target is then unchanged
     */
    public static void writeLines(Path file, List<String> lines, String what) {
        write(file, what, tmp -> Files.writeString(tmp, lines.isEmpty() ? "" : String.join("\n", lines) + "\n",
                StandardCharsets.UTF_8));
    }

    /**
     * Writes any file atomically: {@code content} fills a hidden temporary file beside
     * {@code file}, which is then renamed over it.
     *
     * @param what names the file in the error message ("" for none)
     * @throws UncheckedIOException {@code cannot write WHAT FILE: reason}; the target is then unchanged
     */
    public static void write(Path file, String what, Content content) {
        Path abs = file.toAbsolutePath();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".part");
            content.writeTo(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + (what.isEmpty() ? "" : what + " ") + file + ": "
                    + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named after the target
                }
            }
        }
    }
}
