package dev.reliant.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the read-only material beside the project ({@code ../shared}): the system property
 * {@code RELIANT_SHARED}, else the environment variable {@code RELIANT_SHARED}, else
 * {@code ../shared} relative to the working directory (the project root under Maven). Tests that
 * need it are skipped, with a message saying where it was looked for, when it is absent.
 */
public final class SharedData {
    private SharedData() {}

    public static Path root() {
        String p = System.getProperty("RELIANT_SHARED");
        if (p == null || p.isBlank()) {
            p = System.getenv("RELIANT_SHARED");
        }
        return (p == null || p.isBlank()) ? Path.of("..", "shared") : Path.of(p);
    }

    /** The path under the shared folder; skips the test if it does not exist. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), () -> "shared test data not found at " + p.toAbsolutePath()
                + " (set -DRELIANT_SHARED=DIR or the RELIANT_SHARED environment variable)");
        return p;
    }
}
