package dev.reliant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/**
 * Runs the {@code reliant} command line in-process as the CLI tests do: a fresh command line per
 * run, stdout and stderr captured (without colours) and holding the last run's output only.
 */
final class CommandRunner {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Runs {@code reliant args…} and returns the exit code. */
    int run(String... args) {
        return run(Main.newCommandLine(), args);
    }

    /** Runs {@code reliant args…} and returns the exit code. */
    int run(List<String> args) {
        return run(args.toArray(String[]::new));
    }

    /** Runs a command line made by the test (configured as {@link Main} does) with captured output. */
    int run(CommandLine cmd, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setColorScheme(CommandLine.Help.defaultColorScheme(Ansi.OFF));
        return Main.run(cmd, args);
    }

    /** The last run's stdout. */
    String out() {
        return out.toString();
    }

    /** The last run's stderr. */
    String err() {
        return err.toString();
    }

    /** The last run's stderr, line by line. */
    List<String> errLines() {
        return err().lines().toList();
    }

    /** The last run failed with one line {@code reliant: error: …} holding every fragment, and no stack trace. */
    void assertOneLineError(String... fragments) {
        assertThat(errLines()).hasSize(1);
        assertThat(errLines().get(0)).startsWith("reliant: error: ").contains(fragments);
        assertThat(err()).doesNotContain("\tat ", "Exception");
    }
}
