package dev.reliant.cli;

import dev.reliant.cim.AdcMapping;
import dev.reliant.cim.AdcSpec;
import dev.reliant.data.Dataset;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Graph;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --adc R:BITS[:calibrated[=C]|:fixed[=C]]} of the commands that evaluate crossbars (a
 * picocli mixin): every convolution and linear layer sums its products in tiles of R crossbar
 * rows, each tile's partial sum digitised by a BITS-bit ADC. A calibrated range is sized on the
 * clean weights from the first images of the evaluated data, before any noise.
 */
final class AdcOptions {
    /** Images the calibrated ADC range is measured on. */
    static final int CALIBRATION_IMAGES = 128;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--adc", paramLabel = "R:BITS[:MODE]",
            description = "Quantize partial sums per tile of R crossbar rows with a BITS-bit ADC (2-16). MODE "
                    + "calibrated[=C] (default: full scale C x the largest partial sum of the clean model on the "
                    + "first " + CALIBRATION_IMAGES + " images, C = 1) or fixed[=C] (C x the worst case of a tile).")
    private String adc;

    /** The spec, or null without {@code --adc}; a usage error when malformed. */
    AdcSpec spec() {
        if (adc == null) {
            return null;
        }
        try {
            return AdcSpec.parse(adc);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "--adc: " + e.getMessage());
        }
    }

    /** A label for results ("none" without {@code --adc}). */
    String label() {
        return adc == null ? "none" : adc.strip();
    }

    /**
     * {@code models} with ADC layers when {@code --adc} is given (calibrated on {@code data}'s
     * first images with the clean weights), else {@code models} itself.
     */
    Supplier<Graph> apply(Supplier<Graph> models, Dataset data, Normalization norm) {
        AdcSpec spec = spec();
        if (spec == null) {
            return models;
        }
        Map<String, Double> fullScales;
        if (spec.range() == AdcSpec.Range.CALIBRATED) {
            Graph g = AdcMapping.withAdc(models.get(), spec);
            int n = Math.min(CALIBRATION_IMAGES, data.size());
            float[] batch = new float[Math.multiplyExact(n, data.imageSize())];
            data.batch(0, n, norm, batch, 0);
            fullScales = AdcMapping.calibrate(g, batch, n);
        } else {
            fullScales = null;
        }
        return () -> {
            Graph g = AdcMapping.withAdc(models.get(), spec);
            if (fullScales != null) {
                AdcMapping.setFullScales(g, fullScales);
            }
            return g;
        };
    }
}
