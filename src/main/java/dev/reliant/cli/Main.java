package dev.reliant.cli;

import dev.reliant.simd.Parallel;
import dev.reliant.simd.Simd;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of the {@code reliant} command: global options, the list of subcommands (one
 * class each) and the error policy.
 *
 * <p>Error policy (DESIGN invariant 6): every error is one line on stderr and a non-zero exit
 * code, never a stack trace unless the environment variable {@code RELIANT_DEBUG=1} is set.
 * <ul>
 *   <li>an invalid command line (picocli's {@link ParameterException}): {@code reliant: error:
 *       MESSAGE (see 'reliant CMD --help')}, exit code {@value #EXIT_USAGE};
 *   <li>bad input found while running ({@link UserException}, {@link IllegalArgumentException},
 *       an I/O error): {@code reliant: error: MESSAGE}, exit code {@value #EXIT_FAILURE};
 *   <li>anything else is a bug: {@code reliant: internal error: EXCEPTION}, exit code
 *       {@value #EXIT_FAILURE}.
 * </ul>
 *
 * <p>Adding a subcommand: write one class annotated with {@code @Command} (implementing
 * {@code Callable<Integer>}) and list it in {@code subcommands} below; it inherits
 * {@code --threads}.
 */
@Command(
        name = "reliant",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        subcommands = {SelftestCommand.class, InfoCommand.class, ConvertCommand.class, EvalCommand.class,
            TrainCommand.class,
            FaultlistCommand.class,
            CampaignCommand.class,
            BerCommand.class,
            SwimCommand.class,
            VariationCommand.class,
            HessianCommand.class,
            SramCommand.class,
            HelpCommand.class},
        synopsisSubcommandLabel = "COMMAND",
        usageHelpAutoWidth = true,
        description = {
            "reliant is a reliability simulator for neural networks. Its own SIMD tensor",
            "runtime, built on the JDK's Vector API (no native code), runs float and",
            "quantized networks; on top of it run the experiments of hardware-reliability",
            "research: fault injection in weights and activations, RRAM computing-in-memory",
            "crossbars (device variation, SWIM write-verify, SRAM recovery bits), channel",
            "ranking and hardening, and spiking networks.",
            "",
            "This version provides the runtime (tensors, number formats with bit views,",
            "kernels with plain-Java twins), the weight-file readers and 'selftest'; the",
            "experiment commands arrive in later versions. The commands available are",
            "listed below.",
            "",
            "Results are reproducible bit for bit: the same command with the same seed",
            "gives the same output, whatever the number of threads. Parameters are",
            "addressed by their PyTorch state_dict names; weights are read and written as",
            "safetensors, tables as CSV.",
        },
        optionListHeading = "%nOptions:%n",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%n",
        footer = {
            "Environment:",
            "  RELIANT_JAVA_OPTS  extra JVM options for bin/reliant, e.g. -Xmx8g",
            "  RELIANT_DEBUG=1    print the stack trace of an error",
            "",
            "System properties:",
            "  reliant.simd=off   run the plain-Java kernels instead of the Vector API ones",
            "  reliant.threads=N  default thread count (default: the number of processors)",
            "  (set them with RELIANT_JAVA_OPTS, e.g. RELIANT_JAVA_OPTS=-Dreliant.simd=off)",
            "",
            "'reliant help COMMAND' or 'reliant COMMAND --help' shows a command's options.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:a check failed, bad input (a file, a value, a name), or an internal error",
            "2:invalid command line",
        })
public final class Main implements Callable<Integer> {
    /** Exit code of a failed run: a failed check, bad input, an internal error. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code of an invalid command line. */
    public static final int EXIT_USAGE = 2;
    /** Largest accepted {@code --threads}; more is surely a typo. */
    public static final int MAX_THREADS = 4096;

    private static final String PROGRAM = "reliant";

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--threads",
            paramLabel = "N",
            scope = ScopeType.INHERIT,
            description = "Number of threads for the parallel kernels (1 to " + MAX_THREADS + "; default: "
                    + "the number of processors, or the system property reliant.threads). "
                    + "Results do not depend on it.")
    void setThreads(int n) {
        if (n < 1 || n > MAX_THREADS) {
            throw new ParameterException(spec.commandLine(),
                    "--threads must be between 1 and " + MAX_THREADS + ", got " + n);
        }
        Parallel.setThreads(n);
    }

    /** Without a command: the usage help on stderr and exit code 2. */
    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        cmd.getErr().println(PROGRAM + ": error: no command given; the commands are:");
        cmd.getErr().print(cmd.getHelp().commandList());
        cmd.getErr().println("See 'reliant --help' for the manual.");
        return EXIT_USAGE;
    }

    public static void main(String[] args) {
        CommandLine cmd = newCommandLine();
        int code = run(cmd, args);
        cmd.getOut().flush();
        cmd.getErr().flush();
        System.exit(code);
    }

    /** A fully configured command line (error handlers included); tests redirect its out and err. */
    public static CommandLine newCommandLine() {
        return configure(new CommandLine(new Main()));
    }

    /** Installs reliant's error policy on a command line and its subcommands. */
    static CommandLine configure(CommandLine cmd) {
        cmd.setParameterExceptionHandler(Main::handleParameterException);
        cmd.setExecutionExceptionHandler(Main::handleExecutionException);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        CommandLine eval = cmd.getSubcommands().get("eval");
        if (eval != null) {
            EvalCommand.listModels(eval);
        }
        return cmd;
    }

    /**
     * Executes the arguments and returns the exit code. Unlike {@link CommandLine#execute}, also
     * turns an {@link Error} escaping a command (out of memory, a failed assertion) into one line.
     */
    public static int run(CommandLine cmd, String... args) {
        try {
            return cmd.execute(args);
        } catch (Throwable t) { // picocli lets Errors through
            return report(t, cmd.getErr());
        }
    }

    // ---------------------------------------------------------------- error policy

    private static int handleParameterException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        StringBuilder line = new StringBuilder(PROGRAM).append(": error: ").append(oneLine(ex.getMessage()));
        if (ex instanceof UnmatchedArgumentException) {
            List<String> suggestions = ((UnmatchedArgumentException) ex).getSuggestions();
            if (!suggestions.isEmpty()) {
                line.append("; did you mean '").append(suggestions.get(0)).append("'?");
            }
        }
        line.append(" (see '").append(cmd.getCommandSpec().qualifiedName(" ")).append(" --help')");
        cmd.getErr().println(line);
        printStackTraceIfDebug(ex, cmd.getErr());
        return EXIT_USAGE;
    }

    private static int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        return report(ex, cmd.getErr());
    }

    /** Prints the one-line message for a failure and returns the exit code. */
    static int report(Throwable t, PrintWriter err) {
        Throwable cause = unwrap(t);
        if (cause instanceof ParameterException) {
            return handleParameterException((ParameterException) cause, new String[0]);
        }
        String user = userMessage(cause);
        if (user != null) {
            err.println(PROGRAM + ": error: " + oneLine(user));
        } else {
            err.println(PROGRAM + ": internal error: " + oneLine(cause.toString())
                    + (debug() ? "" : " (set RELIANT_DEBUG=1 for the stack trace)"));
        }
        printStackTraceIfDebug(t, err);
        err.flush();
        return EXIT_FAILURE;
    }

    /** The message for an error caused by the user's input or environment, or null for a bug. */
    static String userMessage(Throwable t) {
        if (t instanceof UserException || t instanceof IllegalArgumentException
                || t instanceof dev.reliant.io.WeightFileException) {
            return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        }
        if (t instanceof NoSuchFileException) {
            return "no such file: " + ((NoSuchFileException) t).getFile();
        }
        if (t instanceof AccessDeniedException) {
            return "permission denied: " + ((AccessDeniedException) t).getFile();
        }
        if (t instanceof FileAlreadyExistsException) {
            return "file already exists: " + ((FileAlreadyExistsException) t).getFile();
        }
        if (t instanceof NotDirectoryException) {
            return "not a directory: " + ((NotDirectoryException) t).getFile();
        }
        if (t instanceof IOException) {
            return "I/O error: " + (t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
        }
        if (t instanceof OutOfMemoryError) {
            return "out of memory (give the JVM more heap, e.g. RELIANT_JAVA_OPTS=-Xmx8g)";
        }
        return null;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && (c instanceof CommandLine.ExecutionException
                || c instanceof ExceptionInInitializerError
                || c instanceof UncheckedIOException
                || c instanceof java.lang.reflect.InvocationTargetException
                || c instanceof java.util.concurrent.ExecutionException)) {
            c = c.getCause();
        }
        return c;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    static boolean debug() {
        String v = System.getenv("RELIANT_DEBUG");
        return v != null && !v.isBlank() && !v.equals("0") && !v.equalsIgnoreCase("false");
    }

    private static void printStackTraceIfDebug(Throwable t, PrintWriter err) {
        if (debug()) {
            t.printStackTrace(err);
            err.flush();
        }
    }

    // ---------------------------------------------------------------- version

    /** {@code reliant --version}: the release, the JDK and the active kernels. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                PROGRAM + " " + release(),
                "JDK " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name")
                        + ", " + System.getProperty("java.vendor") + ")",
                "kernels: " + Simd.implementation(),
            };
        }

        /** The Maven version from the jar, or {@code (development build)} when run from classes. */
        static String release() {
            try (InputStream in = Main.class.getResourceAsStream(
                    "/META-INF/maven/dev.reliant/reliant/pom.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    String v = p.getProperty("version");
                    if (v != null && !v.isBlank()) {
                        return v.strip();
                    }
                }
            } catch (IOException ignored) {
                // fall through
            }
            return "(development build)";
        }
    }
}
