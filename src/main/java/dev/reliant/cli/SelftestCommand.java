package dev.reliant.cli;

import dev.reliant.simd.FmaProbe;
import dev.reliant.simd.Parallel;
import dev.reliant.simd.Simd;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code reliant selftest}: checks the runtime on this JVM and machine, and measures the FMA peak. */
@Command(
        name = "selftest",
        usageHelpAutoWidth = true,
        description = {
            "Checks every kernel on this JVM and machine; measures the FMA peak.",
            "",
            "Prints the JDK, the active kernel implementation (Vector API, or plain Java",
            "with -Dreliant.simd=off) and the thread count, runs every registered check",
            "(each SIMD kernel against its plain-Java twin) and prints one line per check:",
            "'ok', or 'FAIL' and what differs.",
            "",
            "Finally it measures the single-core throughput of fused multiply-adds",
            "(independent FMA chains, no memory traffic) in GFLOP/s: the ceiling for the",
            "kernels' GFLOP/s. With vectors wider than 256 bits, the 256-bit (AVX2) figure",
            "is shown too. FLOP per cycle is not derived: the clock rate is not measured.",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:all checks passed",
            "1:a check failed",
            "2:invalid command line",
        })
public final class SelftestCommand implements Callable<Integer> {
    /** FMA probe budget in milliseconds, split over the measured variants. */
    static final long PROBE_MILLIS = 2000;
    static final long QUICK_PROBE_MILLIS = 200;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--quick", description = "Measure the FMA peak for about 0.2 s instead of 2 s "
            + "(a rougher figure).")
    private boolean quick;

    private final SelfChecks checks;

    public SelftestCommand() {
        this(SelfChecks.standard());
    }

    /** With another set of checks (tests). */
    SelftestCommand(SelfChecks checks) {
        this.checks = checks;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("JDK      %s (%s)%n", System.getProperty("java.version"), System.getProperty("java.vm.name"));
        out.printf("kernels  %s%n", Simd.implementation());
        out.printf("threads  %d (of %d processors)%n", Parallel.threads(), Runtime.getRuntime().availableProcessors());
        out.println();

        int width = 0;
        for (SelfCheck c : checks.checks()) {
            width = Math.max(width, c.name().length());
        }
        int failed = 0;
        for (SelfCheck c : checks.checks()) {
            String detail;
            boolean ok;
            try {
                detail = c.run();
                ok = true;
            } catch (AssertionError | IllegalStateException e) {
                detail = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
                ok = false;
                debugTrace(e);
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
                detail = "crashed: " + e;
                ok = false;
                debugTrace(e);
            }
            if (!ok) {
                failed++;
            }
            out.printf("%-4s %-" + width + "s  %s%n", ok ? "ok" : "FAIL", c.name(), oneLine(detail));
        }

        out.println();
        failed += probe(out);

        out.println();
        int total = checks.checks().size();
        if (failed == 0) {
            out.printf("selftest passed: %d check%s ok%n", total, total == 1 ? "" : "s");
        } else {
            out.printf("selftest FAILED: %d failure%s%n", failed, failed == 1 ? "" : "s");
        }
        return failed == 0 ? 0 : Main.EXIT_FAILURE;
    }

    /** Measures and prints the FMA peak; returns the number of failures (0 or 1). */
    private int probe(PrintWriter out) {
        List<FmaProbe.Variant> variants = new ArrayList<>();
        FmaProbe.Variant active = FmaProbe.Variant.active();
        variants.add(active);
        if (active.bits() > 256) {
            variants.add(FmaProbe.Variant.SIMD_256); // the AVX2 width, for comparison
        }
        long millis = (quick ? QUICK_PROBE_MILLIS : PROBE_MILLIS) / variants.size();
        out.println("FMA peak of one core (independent FMA chains, no memory traffic):");
        int labelWidth = 0;
        for (FmaProbe.Variant v : variants) {
            labelWidth = Math.max(labelWidth, v.label().length());
        }
        for (FmaProbe.Variant v : variants) {
            try {
                FmaProbe.Result r = FmaProbe.measure(millis, v);
                out.printf(Locale.ROOT, "  %-" + labelWidth + "s  %7.1f GFLOP/s%n", v.label(), r.gflops());
            } catch (IllegalStateException | ArithmeticException e) {
                out.printf("FAIL fma-peak  %s: %s%n", v.label(), oneLine(String.valueOf(e.getMessage())));
                debugTrace(e);
                return 1;
            }
        }
        out.println("  FLOP/cycle: unknown (the clock rate is not measured)");
        return 0;
    }

    private void debugTrace(Throwable t) {
        if (Main.debug()) {
            PrintWriter err = spec.commandLine().getErr();
            t.printStackTrace(err);
            err.flush();
        }
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
