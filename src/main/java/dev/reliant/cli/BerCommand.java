package dev.reliant.cli;

import dev.reliant.fault.BerCampaign;
import dev.reliant.fault.BerRepeat;
import dev.reliant.fault.GoldenRun;
import dev.reliant.simd.Parallel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code reliant ber}: random bit flips at a bit error rate, repeated (SentinelNN style). */
@Command(
        name = "ber",
        usageHelpAutoWidth = true,
        sortOptions = false,
        description = {
            "Injects random bit flips into the weights at a bit error rate and measures what",
            "they do, repeated to estimate a distribution. Each faultable layer (every weight",
            "tensor of rank >= 2) gets floor(BER x weights x bits) flips (bits = 32 for fp32),",
            "each at a uniform position and bit, drawn with replacement (a bit drawn twice",
            "flips back). Every repeat starts from the clean weights with a fresh fault map",
            "drawn from the seed, and runs every image.",
            "",
            "Reports the golden accuracy and, over the repeats, the mean and standard",
            "deviation (population, as NumPy's std) of the faulty top-1 accuracy and of the",
            "critical SDC rate (share of images whose top-1 differs from the fault-free one),",
            "the mean DUE rate (NaN or infinite logits) and the mean number of flips. --out",
            "writes one row per repeat, rewritten after every --block repeats; after an",
            "interruption the same command with --resume runs only the missing repeats. The",
            "same command and seed give the same numbers, whatever --threads, --chunk and",
            "--block.",
        },
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:bad input (model, files, weights)", "2:invalid command line"})
public final class BerCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Mixin
    private CampaignCommand.Inputs inputs;

    @Option(names = "--ber", required = true, paramLabel = "RATE", description = "Bit error rate, e.g. 5e-6.")
    private double ber;

    @Option(names = "--repeat", paramLabel = "R", defaultValue = "100",
            description = "Number of repeats (default: ${DEFAULT-VALUE}).")
    private int repeats;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the fault maps (default: "
            + "${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--chunk", paramLabel = "N", defaultValue = "256",
            description = "Images per chunk (default: ${DEFAULT-VALUE}); results do not depend on it.")
    private int chunk;

    @Option(names = "--out", paramLabel = "REPEATS.csv",
            description = "Write one row per repeat: repeat,faults,images,top1_correct,accuracy,critical,"
                    + "critical_rate,due,due_rate,masked,non_critical, then the settings ber,seed,setup.")
    private Path out;

    @Option(names = "--block", paramLabel = "R", defaultValue = "16",
            description = "Repeats between two writes of --out (default: ${DEFAULT-VALUE}); each block reruns the "
                    + "fault-free pass once.")
    private int block;

    @Option(names = "--resume", description = "Continue an interrupted run: keep the rows of --out (same settings "
            + "required) and run the remaining repeats.")
    private boolean resume;

    @Override
    public Integer call() throws Exception {
        if (!(ber >= 0 && ber <= 1)) {
            throw new ParameterException(spec.commandLine(), "--ber must be in [0, 1], got " + ber);
        }
        if (repeats < 1) {
            throw new ParameterException(spec.commandLine(), "--repeat must be at least 1, got " + repeats);
        }
        if (chunk < 1) {
            throw new ParameterException(spec.commandLine(), "--chunk must be at least 1, got " + chunk);
        }
        if (block < 1) {
            throw new ParameterException(spec.commandLine(), "--block must be at least 1, got " + block);
        }
        if (resume && out == null) {
            throw new ParameterException(spec.commandLine(), "--resume needs --out");
        }
        if (out != null) {
            Path dir = out.toAbsolutePath().getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                throw new UserException("--out: directory not found: " + dir);
            }
            if (Files.isDirectory(out)) {
                throw new UserException("--out: " + out + " is a directory");
            }
        }
        inputs.load(spec);
        BerResults results = out == null ? null : new BerResults(out, ber, seed, inputs.fingerprint());
        if (resume && Files.exists(out)) {
            results.readExisting();
            if (results.rows().size() > repeats) {
                throw new UserException("--resume: " + out + " has " + results.rows().size() + " repeats, more than --repeat "
                        + repeats);
            }
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        BerCampaign campaign = new BerCampaign(inputs.modelWithWeights().get(), inputs.images, inputs.normalization,
                ber, inputs.storedFormat, inputs.executorOptions(), chunk);
        stdout.println(inputs.describe());
        stdout.printf(Locale.ROOT, "ber       %s: %d flips per repeat, %d repeats, seed %d, %d thread%s%n",
                Double.toString(ber), campaign.faultsPerRepeat(), repeats, seed, Parallel.threads(),
                Parallel.threads() == 1 ? "" : "s");
        stdout.flush();
        GoldenRun golden = campaign.golden();
        int images = inputs.images.size();
        List<BerRepeat> rows = new ArrayList<>(results == null ? List.of() : results.rows());
        int from = rows.size();
        if (from > 0) {
            stdout.printf(Locale.ROOT, "resume    %d of %d repeats done in %s%n", from, repeats, out);
            stdout.flush();
        }
        long t0 = System.nanoTime();
        long[] last = {t0};
        int[] finished = {from};
        if (from < repeats) {
            campaign.run(from, repeats, seed, block, done -> {
                rows.addAll(done);
                finished[0] += done.size();
                if (results != null) {
                    results.add(done);
                }
            }, imagesDone -> {
                long now = System.nanoTime();
                if (now - last[0] >= 10_000_000_000L) {
                    last[0] = now;
                    double total = (double) (repeats - from) * images;
                    double done = (double) (finished[0] - from) * images
                            + (double) imagesDone * Math.min(block, repeats - finished[0]);
                    double s = (now - t0) / 1e9;
                    stderr.printf(Locale.ROOT, "ber: %d/%d repeats, %.0f%% of the evaluations, about %s left%n",
                            finished[0], repeats, 100 * done / total,
                            CampaignCommand.ProgressLine.duration(s / done * (total - done)));
                    stderr.flush();
                }
            });
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        stdout.printf(Locale.ROOT, "golden    top-1 %.2f %% (%d/%d)%n", 100 * golden.accuracy(), golden.top1Correct(),
                images);
        stdout.printf(Locale.ROOT, "faulty    top-1 %.2f %% +- %.2f %% (mean +- std over %d repeats)%n",
                100 * mean(rows, BerRepeat::accuracy), 100 * std(rows, BerRepeat::accuracy), rows.size());
        stdout.printf(Locale.ROOT, "critical  SDC rate %.4f %% +- %.4f %%%n", 100 * mean(rows, BerRepeat::criticalRate),
                100 * std(rows, BerRepeat::criticalRate));
        stdout.printf(Locale.ROOT, "DUE       rate %.4f %% (NaN or infinite logits)%n", 100 * mean(rows, BerRepeat::dueRate));
        stdout.printf(Locale.ROOT, "faults    %.1f flips per repeat on average%n", mean(rows, r -> r.faults()));
        stdout.printf(Locale.ROOT, "time      %.1f s, %.1f images/s%n", seconds,
                (double) (repeats - from) * images / Math.max(seconds, 1e-9));
        if (out != null) {
            if (from == repeats) {
                results.add(List.of()); // nothing left to run: the file is rewritten as it was
            }
            stdout.printf("repeats   %s%n", out);
        }
        return 0;
    }

    static double mean(List<BerRepeat> rows, ToDoubleFunction<BerRepeat> f) {
        return rows.stream().mapToDouble(f).average().orElse(0);
    }

    /** Population standard deviation (NumPy's default). */
    static double std(List<BerRepeat> rows, ToDoubleFunction<BerRepeat> f) {
        double m = mean(rows, f);
        return Math.sqrt(rows.stream().mapToDouble(r -> (f.applyAsDouble(r) - m) * (f.applyAsDouble(r) - m))
                .average().orElse(0));
    }
}
