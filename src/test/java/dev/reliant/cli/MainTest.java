package dev.reliant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.simd.Parallel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;

/** The {@code reliant} command line, run in-process with captured output. */
class MainTest {
    private final int threadsBefore = Parallel.threads();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    private CommandLine capture(CommandLine cmd) {
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setColorScheme(CommandLine.Help.defaultColorScheme(Ansi.OFF));
        return cmd;
    }

    private int run(String... args) {
        return Main.run(capture(Main.newCommandLine()), args);
    }

    private List<String> errLines() {
        return err.toString().lines().toList();
    }

    // ------------------------------------------------------------------ help and version

    @Test
    void helpExitsZeroAndListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString())
                .startsWith("Usage: reliant")
                .contains("reliability simulator", "--threads=N", "selftest", "Exit codes:", "RELIANT_DEBUG");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void helpOfASubcommand() {
        assertThat(run("selftest", "--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: reliant selftest").contains("--quick", "--threads=N");
        out.getBuffer().setLength(0);
        assertThat(run("help", "selftest")).isZero();
        assertThat(out.toString()).startsWith("Usage: reliant selftest");
    }

    @Test
    void versionNamesTheJdkAndTheKernels() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("reliant ").contains("JDK " + System.getProperty("java.version"), "kernels: ");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).startsWith("reliant: error: no command given").contains("selftest");
        assertThat(out.toString()).isEmpty();
    }

    // ------------------------------------------------------------------ command-line errors

    @Test
    void unknownOptionExitsTwoWithOneLine() {
        assertThat(run("--bogus")).isEqualTo(2);
        assertThat(errLines()).singleElement().asString()
                .startsWith("reliant: error: Unknown option: '--bogus'")
                .endsWith("(see 'reliant --help')");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void unknownOptionOfASubcommandPointsToItsHelp() {
        assertThat(run("selftest", "--bogus")).isEqualTo(2);
        assertThat(errLines()).singleElement().asString()
                .startsWith("reliant: error: Unknown option: '--bogus'")
                .endsWith("(see 'reliant selftest --help')");
    }

    @Test
    void misspelledCommandGetsASuggestion() {
        assertThat(run("selftets")).isEqualTo(2);
        assertThat(errLines()).singleElement().asString()
                .startsWith("reliant: error: ")
                .contains("'selftets'", "did you mean 'selftest'?");
    }

    @Test
    void threadsZeroIsRejected() {
        assertThat(run("--threads", "0", "selftest")).isEqualTo(2);
        assertThat(errLines()).singleElement().asString()
                .startsWith("reliant: error: --threads must be between 1 and ")
                .contains("got 0");
        assertThat(out.toString()).isEmpty();
        assertThat(Parallel.threads()).isEqualTo(threadsBefore);
    }

    @Test
    void threadsAfterTheSubcommandIsCheckedToo() {
        assertThat(run("selftest", "--threads", "-3")).isEqualTo(2);
        assertThat(errLines()).singleElement().asString().contains("--threads must be between 1 and", "got -3");
        assertThat(run("selftest", "--threads", "many")).isEqualTo(2);
        assertThat(errLines()).hasSize(2).last().asString()
                .startsWith("reliant: error: Invalid value for option '--threads': 'many' is not an int");
    }

    // ------------------------------------------------------------------ selftest

    @Test
    void quickSelftestPasses() {
        assertThat(run("selftest", "--quick")).isZero();
        String text = out.toString();
        assertThat(text)
                .contains("JDK      " + System.getProperty("java.version"))
                .contains("kernels  ")
                .contains("threads  " + Parallel.threads())
                .containsPattern("(?m)^ok   fma-probe  .*finite positive rate")
                .contains("GFLOP/s", "FLOP/cycle: unknown")
                .contains("selftest passed");
        assertThat(text).doesNotContain("FAIL");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void globalThreadsOptionReachesTheSubcommand() {
        assertThat(run("--threads", "1", "selftest", "--quick")).isZero();
        assertThat(out.toString()).contains("threads  1 (of ");
        assertThat(Parallel.threads()).isEqualTo(1);
        out.getBuffer().setLength(0);
        assertThat(run("selftest", "--quick", "--threads", "2")).isZero();
        assertThat(out.toString()).contains("threads  2 (of ");
    }

    @Test
    void failingCheckIsReportedAndExitsOne() {
        SelfChecks checks = new SelfChecks(List.of(
                SelfChecks.check("fine", () -> "max |diff| 0 over 3 values"),
                SelfChecks.check("broken-kernel", () -> {
                    throw new AssertionError("[7]: 1.5, expected 1.25");
                }),
                SelfChecks.check("crashing", () -> {
                    throw new ArrayIndexOutOfBoundsException("Index 9 out of bounds for length 9");
                })));
        CommandLine cmd = capture(Main.configure(new CommandLine(new SelftestCommand(checks))));
        assertThat(Main.run(cmd, "--quick")).isEqualTo(1);
        assertThat(out.toString())
                .contains("ok   fine           max |diff| 0 over 3 values")
                .contains("FAIL broken-kernel  [7]: 1.5, expected 1.25")
                .contains("FAIL crashing       crashed: java.lang.ArrayIndexOutOfBoundsException")
                .contains("selftest FAILED: 2 failures");
        assertThat(err.toString()).isEmpty();
    }

    // ------------------------------------------------------------------ runtime errors

    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        private final Throwable toThrow;

        Boom(Throwable toThrow) {
            this.toThrow = toThrow;
        }

        @Override
        public Integer call() throws Exception {
            if (toThrow instanceof Exception e) {
                throw e;
            }
            throw (Error) toThrow;
        }
    }

    private int runBoom(Throwable t) {
        CommandLine cmd = Main.newCommandLine();
        cmd.addSubcommand("boom", new Boom(t));
        return Main.run(capture(Main.configure(cmd)), "boom");
    }

    @Test
    void userErrorsAreOneLineWithExitCodeOne() {
        assertThat(runBoom(new UserException("weights.safetensors: tensor 'fc.weight' not found"))).isEqualTo(1);
        assertThat(errLines()).containsExactly("reliant: error: weights.safetensors: tensor 'fc.weight' not found");
    }

    @Test
    void illegalArgumentIsAUserError() {
        assertThat(runBoom(new IllegalArgumentException("shape [3, 4] does not match\n[4, 3]"))).isEqualTo(1);
        assertThat(errLines()).containsExactly("reliant: error: shape [3, 4] does not match [4, 3]");
    }

    @Test
    void missingFileIsAUserError() {
        assertThat(runBoom(new NoSuchFileException("faults.csv"))).isEqualTo(1);
        assertThat(errLines()).containsExactly("reliant: error: no such file: faults.csv");
    }

    @Test
    void bugsAreOneLineWithoutStackTrace() {
        assertThat(runBoom(new NullPointerException("x is null"))).isEqualTo(1);
        assertThat(errLines()).singleElement().asString()
                .startsWith("reliant: internal error: java.lang.NullPointerException: x is null");
        assertThat(err.toString()).doesNotContain("\tat ");
    }

    @Test
    void errorsEscapingPicocliAreOneLineToo() {
        assertThat(runBoom(new StackOverflowError())).isEqualTo(1);
        assertThat(errLines()).singleElement().asString()
                .startsWith("reliant: internal error: java.lang.StackOverflowError");
    }
}
