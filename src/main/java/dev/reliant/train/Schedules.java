package dev.reliant.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the command-line spelling of a learning-rate schedule:
 * <pre>
 *   constant
 *   step:STEP_EPOCHS[:GAMMA]            step:30:0.1      (GAMMA 0.1 if left out)
 *   multistep:E1,E2,...[:GAMMA]         multistep:100,150:0.1
 *   cosine[:ETA_MIN]                    cosine, cosine:1e-5
 *   onecycle[:PCT_START]                onecycle, onecycle:0.3
 *   any of these + warmup:N[steps][:START_FACTOR]   cosine+warmup:5, step:30+warmup:500steps:0.1
 * </pre>
 * A warm-up of N epochs (or N steps) ramps linearly from START_FACTOR (default 1/3, as PyTorch's
 * LinearLR) times the rate to the full rate. Every malformed spec gets a one-line
 * {@link IllegalArgumentException} naming the spec and the part at fault.
 */
public final class Schedules {
    /** The forms accepted, for messages and {@code --help}. */
    public static final String FORMS = "constant, step:EPOCHS[:GAMMA], multistep:E1,E2,...[:GAMMA], cosine[:ETA_MIN], "
            + "onecycle[:PCT_START], each optionally followed by +warmup:N[steps][:START_FACTOR]";

    private Schedules() {}

    /**
     * The schedule of {@code spec} for a run of {@code epochs} epochs of {@code stepsPerEpoch}
     * steps starting from {@code baseLr} (the peak rate for one-cycle). The schedule is evaluated
     * at the first and last step here, so that a spec that cannot work for this run fails now.
     */
    public static LearningRateSchedule parse(String spec, double baseLr, int epochs, int stepsPerEpoch) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("learning-rate schedule is empty (expected " + FORMS + ")");
        }
        String s = spec.strip().toLowerCase(Locale.ROOT);
        try {
            requireRate(baseLr);
            requireEpochs(epochs);
            if (stepsPerEpoch < 1) {
                throw new IllegalArgumentException("needs at least one step per epoch, got " + stepsPerEpoch);
            }
            String[] parts = s.split("\\+", -1);
            if (parts.length > 2) {
                throw new IllegalArgumentException("at most one '+warmup:...' suffix is allowed");
            }
            LearningRateSchedule schedule = base(parts[0], baseLr, epochs);
            if (parts.length == 2) {
                schedule = warmup(parts[1], schedule);
            }
            schedule.lr(0, 0, stepsPerEpoch);
            schedule.lr(epochs - 1, stepsPerEpoch - 1, stepsPerEpoch);
            return schedule;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("learning-rate schedule '" + spec.strip() + "': " + e.getMessage(), e);
        }
    }

    private static LearningRateSchedule base(String part, double baseLr, int epochs) {
        String[] f = part.split(":", -1);
        String name = f[0].strip();
        switch (name) {
            case "constant" -> {
                arity(f, 0, 0, "constant");
                return new Constant(baseLr);
            }
            case "step" -> {
                arity(f, 1, 2, "step:EPOCHS[:GAMMA]");
                return new StepDecay(baseLr, positiveInt(f[1], "step size"), gamma(f, 2));
            }
            case "multistep" -> {
                arity(f, 1, 2, "multistep:E1,E2,...[:GAMMA]");
                List<Integer> milestones = new ArrayList<>();
                for (String m : f[1].split(",", -1)) {
                    milestones.add(positiveInt(m, "milestone"));
                }
                return new MultiStep(baseLr, milestones, gamma(f, 2));
            }
            case "cosine" -> {
                arity(f, 0, 1, "cosine[:ETA_MIN]");
                return new Cosine(baseLr, f.length > 1 ? number(f[1], "eta_min") : 0, epochs);
            }
            case "onecycle" -> {
                arity(f, 0, 1, "onecycle[:PCT_START]");
                return new OneCycle(baseLr, epochs, f.length > 1 ? number(f[1], "pct_start") : 0.3);
            }
            default -> throw new IllegalArgumentException("unknown schedule '" + name + "' (expected " + FORMS + ")");
        }
    }

    private static LearningRateSchedule warmup(String part, LearningRateSchedule inner) {
        String[] f = part.split(":", -1);
        if (!f[0].strip().equals("warmup")) {
            throw new IllegalArgumentException("unknown suffix '+" + part + "' (expected +warmup:N[steps][:START_FACTOR])");
        }
        arity(f, 1, 2, "+warmup:N[steps][:START_FACTOR]");
        String length = f[1].strip();
        boolean steps = length.endsWith("steps");
        int n = positiveInt(steps ? length.substring(0, length.length() - "steps".length()) : length, "warm-up length");
        double factor = f.length > 2 ? number(f[2], "warm-up start factor") : Warmup.DEFAULT_START_FACTOR;
        return new Warmup(inner, n, !steps, factor);
    }

    private static void arity(String[] fields, int min, int max, String form) {
        int args = fields.length - 1;
        if (args < min || args > max) {
            throw new IllegalArgumentException("expected " + form + ", got " + args + " argument" + (args == 1 ? "" : "s"));
        }
    }

    private static double gamma(String[] f, int i) {
        return f.length > i ? number(f[i], "gamma") : 0.1;
    }

    private static int positiveInt(String text, String what) {
        try {
            int v = Integer.parseInt(text.strip());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + " '" + text + "' is not a whole number ≥ 1");
    }

    private static double number(String text, String what) {
        try {
            double v = Double.parseDouble(text.strip());
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + " '" + text + "' is not a finite number");
    }

    static void requireRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a finite number ≥ 0, got " + lr);
        }
    }

    static void requireGamma(double gamma) {
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("gamma must be a finite number > 0, got " + gamma);
        }
    }

    static void requireEpochs(int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("needs at least 1 epoch, got " + epochs);
        }
    }
}
