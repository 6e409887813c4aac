package dev.reliant.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** Short descriptions of I/O failures for one-line messages. */
final class IoErrors {
    private IoErrors() {}

    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException) {
            String reason = ((FileSystemException) e).getReason();
            return reason != null ? reason : e.getClass().getSimpleName();
        }
        String m = e.getMessage();
        return m != null ? m.replace('\n', ' ') : e.getClass().getSimpleName();
    }
}
