package dev.reliant.cli;

import dev.reliant.data.Dataset;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Graph;
import dev.reliant.models.ModelOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --classes} and {@code --input-size} of the commands that load a zoo model with its
 * weights (a picocli mixin): explicit values win over the weights' metadata, which wins over the
 * architecture's defaults ({@link ModelLoader#options}). Also the check that a data set fits the
 * model so built, whose one-line errors point to these options.
 */
final class ModelShapeOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--classes", paramLabel = "K", description = "Output classes of the model (default: the weights' "
            + "metadata, else the model's).")
    Integer classes;

    @Option(names = "--input-size", paramLabel = "S", description = "Input height and width of the model "
            + "(default: the weights' metadata, else the model's).")
    Integer inputSize;

    /** Usage errors for values below 1. */
    void validate() {
        if (classes != null && classes < 1) {
            throw new ParameterException(mixee.commandLine(), "--classes must be at least 1, got " + classes);
        }
        if (inputSize != null && inputSize < 1) {
            throw new ParameterException(mixee.commandLine(), "--input-size must be at least 1, got " + inputSize);
        }
    }

    /** The options of the model to build for weights with metadata {@code meta}. */
    ModelOptions modelOptions(Map<String, String> meta, Path weights) {
        return ModelLoader.options(meta, classes, inputSize, weights);
    }

    /**
     * One-line errors unless {@code images} fit {@code graph} (model {@code model}): the same image
     * shape, as many channels as the normalisation has, and labels below the number of outputs.
     */
    void requireFits(Graph graph, String model, Dataset images, Normalization normalization) {
        if (!Arrays.equals(graph.inputShape(), images.imageShape())) {
            throw new UserException("model '" + model + "' takes images " + InfoCommand.shapeString(graph.inputShape())
                    + " but " + images.name() + " has " + InfoCommand.shapeString(images.imageShape())
                    + (inputSize == null ? " (see --input-size)" : ""));
        }
        normalization.checkChannels(images.channels());
        int outputs = graph.node(graph.outputNode()).outputSize();
        int maxLabel = Arrays.stream(images.labels()).max().orElse(-1);
        if (maxLabel >= outputs) {
            throw new UserException("model '" + model + "' has " + outputs + " outputs but " + images.name()
                    + " has label " + maxLabel + (classes == null ? " (see --classes)" : ""));
        }
    }
}
