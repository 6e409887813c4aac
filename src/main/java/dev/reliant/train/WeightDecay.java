package dev.reliant.train;

import dev.reliant.ops.Parameter;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Which parameters receive weight decay. A common recipe exempts biases and normalisation
 * parameters (every parameter of rank ≤ 1, or named {@code *.bias}), decaying only
 * convolution and linear weights.
 */
public final class WeightDecay {
    private WeightDecay() {}

    /** Every parameter is decayed (PyTorch's behaviour with a single parameter group). */
    public static Predicate<Parameter> all() {
        return p -> true;
    }

    /** Only weights of rank ≥ 2 that are not named {@code *.bias}: biases and batch-norm parameters are exempt. */
    public static Predicate<Parameter> weightsOnly() {
        return p -> p.rank() >= 2 && !p.name().endsWith(".bias");
    }

    /** Parses {@code all} or {@code weights} (the command-line spelling). */
    public static Predicate<Parameter> parse(String spec) {
        return switch (spec.strip().toLowerCase(Locale.ROOT)) {
            case "all" -> all();
            case "weights", "weights-only" -> weightsOnly();
            default -> throw new IllegalArgumentException("unknown weight-decay selection '" + spec
                    + "' (expected all or weights)");
        };
    }
}
