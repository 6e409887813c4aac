package dev.reliant.cli;

import dev.reliant.cim.QuantizedWeights;
import dev.reliant.graph.Graph;
import dev.reliant.graph.StateDictException;
import dev.reliant.io.SafeTensors;
import dev.reliant.models.ModelOptions;
import dev.reliant.models.ModelZoo;
import dev.reliant.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A zoo model with its weights, as the commands load it. Weights trained by {@code reliant
 * train} say in their metadata which classes, input channels and size, and normalisation they
 * were trained with; those are the defaults here, so the user need not repeat them, and an
 * explicit option still wins.
 */
final class ModelLoader {
    private ModelLoader() {}

    /** The metadata of a safetensors weight file; empty for other formats. */
    static Map<String, String> metadata(Path weights) {
        WeightFiles.requireFile(weights, "weight file");
        return WeightFiles.isSafetensors(weights) ? SafeTensors.readMetadata(weights) : Map.of();
    }

    /** Model options from explicit values (null: not given), else from the metadata, else the architecture's. */
    static ModelOptions options(Map<String, String> meta, Integer classes, Integer inputSize, Path weights) {
        ModelOptions o = ModelOptions.defaults();
        Integer k = classes != null ? classes : intOf(meta, "classes", weights);
        Integer s = inputSize != null ? inputSize : intOf(meta, "input_size", weights);
        Integer c = intOf(meta, "input_channels", weights);
        if (k != null) {
            o = o.classes(k);
        }
        if (s != null) {
            o = o.inputSize(s);
        }
        if (c != null) {
            o = o.inputChannels(c);
        }
        return o;
    }

    /** The normalisation: the option, else the weights' {@code norm} metadata, else a one-line error. */
    static String norm(String option, Map<String, String> meta, Path weights) {
        if (option != null) {
            return option;
        }
        String n = meta.get("norm");
        if (n == null) {
            throw new UserException("--norm is required: " + weights + " does not say which normalisation its model "
                    + "was trained with (cifar, imagenet, mnist, none, …)");
        }
        return n;
    }

    /** Builds the model and loads the weights, with a one-line error when they do not fit. */
    static Graph load(String model, ModelOptions options, Path weights) {
        return load(model, options, WeightFiles.readFloats(weights), weights);
    }

    /**
     * Builds the model and loads {@code stateDict} (read from {@code weights}), with a one-line
     * error when it does not fit. A quantized model (qlenet, ...) gets q_N of its weights and
     * biases, as it computes in the SWIM study; the file holds the float (latent) values.
     */
    static Graph load(String model, ModelOptions options, Map<String, Tensor> stateDict, Path weights) {
        ModelZoo.Entry entry = ModelZoo.entry(model);
        Graph graph = entry.build(options);
        try {
            graph.loadStateDict(stateDict, weights.getFileName().toString());
        } catch (StateDictException e) {
            List<String> p = e.problems();
            throw new UserException("weights " + weights + " do not fit model '" + model + "': " + p.get(0)
                    + (p.size() > 1 ? " (and " + (p.size() - 1) + " more problem" + (p.size() > 2 ? "s" : "") + ")" : ""),
                    e);
        }
        int bits = QuantizedWeights.outputBits(graph);
        if (bits > 0) {
            QuantizedWeights.apply(graph, bits);
        }
        return graph;
    }

    private static Integer intOf(Map<String, String> meta, String key, Path weights) {
        String v = meta.get(key);
        if (v == null) {
            return null;
        }
        try {
            int x = Integer.parseInt(v.strip());
            if (x >= 1) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserException("weights " + weights + ": metadata '" + key + "' = '" + v + "' is not a whole number ≥ 1");
    }
}
