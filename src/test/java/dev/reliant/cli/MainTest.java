package dev.reliant.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reliant.simd.Parallel;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code reliant} command line, run in-process with captured output. */
class MainTest {
    private final int threadsBefore = Parallel.threads();
    private final CommandRunner cli = new CommandRunner();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    // ------------------------------------------------------------------ help and version

    @Test
    void helpExitsZeroAndListsTheCommands() {
        assertThat(cli.run("--help")).isZero();
        assertThat(cli.out())
                .startsWith("Usage: reliant")
                .contains("reliability simulator", "--threads=N", "selftest", "Exit codes:", "RELIANT_DEBUG");
        assertThat(cli.err()).isEmpty();
    }

    @Test
    void helpOfASubcommand() {
        assertThat(cli.run("selftest", "--help")).isZero();
        assertThat(cli.out()).startsWith("Usage: reliant selftest").contains("--quick", "--threads=N");
        assertThat(cli.run("help", "selftest")).isZero();
        assertThat(cli.out()).startsWith("Usage: reliant selftest");
    }

    @Test
    void versionNamesTheJdkAndTheKernels() {
        assertThat(cli.run("--version")).isZero();
        assertThat(cli.out()).startsWith("reliant ").contains("JDK " + System.getProperty("java.version"), "kernels: ");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(cli.run()).isEqualTo(2);
        assertThat(cli.err()).startsWith("reliant: error: no command given").contains("selftest");
        assertThat(cli.out()).isEmpty();
    }

    // ------------------------------------------------------------------ command-line errors

    @Test
    void unknownOptionExitsTwoWithOneLine() {
        assertThat(cli.run("--bogus")).isEqualTo(2);
        assertThat(cli.errLines()).singleElement().asString()
                .startsWith("reliant: error: Unknown option: '--bogus'")
                .endsWith("(see 'reliant --help')");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void unknownOptionOfASubcommandPointsToItsHelp() {
        assertThat(cli.run("selftest", "--bogus")).isEqualTo(2);
        assertThat(cli.errLines()).singleElement().asString()
                .startsWith("reliant: error: Unknown option: '--bogus'")
                .endsWith("(see 'reliant selftest --help')");
    }

    @Test
    void misspelledCommandGetsASuggestion() {
        assertThat(cli.run("selftets")).isEqualTo(2);
        assertThat(cli.errLines()).singleElement().asString()
                .startsWith("reliant: error: ")
                .contains("'selftets'", "did you mean 'selftest'?");
    }

    @Test
    void threadsZeroIsRejected() {
        assertThat(cli.run("--threads", "0", "selftest")).isEqualTo(2);
        assertThat(cli.errLines()).singleElement().asString()
                .startsWith("reliant: error: --threads must be between 1 and ")
                .contains("got 0");
        assertThat(cli.out()).isEmpty();
        assertThat(Parallel.threads()).isEqualTo(threadsBefore);
    }

    @Test
    void threadsAfterTheSubcommandIsCheckedToo() {
        assertThat(cli.run("selftest", "--threads", "-3")).isEqualTo(2);
        assertThat(cli.errLines()).singleElement().asString().contains("--threads must be between 1 and", "got -3");
        assertThat(cli.run("selftest", "--threads", "many")).isEqualTo(2);
        assertThat(cli.errLines()).singleElement().asString()
                .startsWith("reliant: error: Invalid value for option '--threads': 'many' is not an int");
    }

    // ------------------------------------------------------------------ selftest

    @Test
    void quickSelftestPasses() {
        assertThat(cli.run("selftest", "--quick")).isZero();
        String text = cli.out();
        assertThat(text)
                .contains("JDK      " + System.getProperty("java.version"))
                .contains("kernels  ")
                .contains("threads  " + Parallel.threads())
                .containsPattern("(?m)^ok   fma-probe  .*finite positive rate")
                .contains("GFLOP/s", "FLOP/cycle: unknown")
                .contains("selftest passed");
        assertThat(text).doesNotContain("FAIL");
        assertThat(cli.err()).isEmpty();
    }

    @Test
    void globalThreadsOptionReachesTheSubcommand() {
        assertThat(cli.run("--threads", "1", "selftest", "--quick")).isZero();
        assertThat(cli.out()).contains("threads  1 (of ");
        assertThat(Parallel.threads()).isEqualTo(1);
        assertThat(cli.run("selftest", "--quick", "--threads", "2")).isZero();
        assertThat(cli.out()).contains("threads  2 (of ");
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
        CommandLine cmd = Main.configure(new CommandLine(new SelftestCommand(checks)));
        assertThat(cli.run(cmd, "--quick")).isEqualTo(1);
        assertThat(cli.out())
                .contains("ok   fine           max |diff| 0 over 3 values")
                .contains("FAIL broken-kernel  [7]: 1.5, expected 1.25")
                .contains("FAIL crashing       crashed: java.lang.ArrayIndexOutOfBoundsException")
                .contains("selftest FAILED: 2 failures");
        assertThat(cli.err()).isEmpty();
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
        return cli.run(Main.configure(cmd), "boom");
    }

    @Test
    void userErrorsAreOneLineWithExitCodeOne() {
        assertThat(runBoom(new UserException("weights.safetensors: tensor 'fc.weight' not found"))).isEqualTo(1);
        assertThat(cli.errLines()).containsExactly("reliant: error: weights.safetensors: tensor 'fc.weight' not found");
    }

    @Test
    void illegalArgumentIsAUserError() {
        assertThat(runBoom(new IllegalArgumentException("shape [3, 4] does not match\n[4, 3]"))).isEqualTo(1);
        assertThat(cli.errLines()).containsExactly("reliant: error: shape [3, 4] does not match [4, 3]");
    }

    @Test
    void missingFileIsAUserError() {
        assertThat(runBoom(new NoSuchFileException("faults.csv"))).isEqualTo(1);
        assertThat(cli.errLines()).containsExactly("reliant: error: no such file: faults.csv");
    }

    @Test
    void bugsAreOneLineWithoutStackTrace() {
        assertThat(runBoom(new NullPointerException("x is null"))).isEqualTo(1);
        assertThat(cli.errLines()).singleElement().asString()
                .startsWith("reliant: internal error: java.lang.NullPointerException: x is null");
        assertThat(cli.err()).doesNotContain("\tat ");
    }

    @Test
    void errorsEscapingPicocliAreOneLineToo() {
        assertThat(runBoom(new StackOverflowError())).isEqualTo(1);
        assertThat(cli.errLines()).singleElement().asString()
                .startsWith("reliant: internal error: java.lang.StackOverflowError");
    }
}
