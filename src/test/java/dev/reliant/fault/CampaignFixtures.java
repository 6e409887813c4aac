package dev.reliant.fault;

import dev.reliant.data.Dataset;
import dev.reliant.graph.Graph;
import dev.reliant.models.FormulaWeights;
import dev.reliant.models.ModelOptions;
import dev.reliant.models.ModelZoo;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/** Small models, images and fault lists for the campaign tests; nothing here needs ../shared. */
final class CampaignFixtures {
    private CampaignFixtures() {}

    /** A zoo model at a reduced input size with the formula weights (a new instance per call). */
    static Supplier<Graph> formulaModel(String name, int inputSize) {
        return () -> {
            Graph g = ModelZoo.build(name, ModelOptions.defaults().inputSize(inputSize));
            FormulaWeights.fill(g);
            return g;
        };
    }

    /** Random pixels and labels 0..9. */
    static Dataset randomImages(int n, int channels, int size, long seed) {
        Random rnd = new Random(seed);
        byte[] pixels = new byte[n * channels * size * size];
        rnd.nextBytes(pixels);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rnd.nextInt(10);
        }
        return new Dataset("random " + n, pixels, labels, channels, size, size, List.of());
    }

    /**
     * {@code perLayer} faults in every faultable layer, at uniform positions, with bits cycling
     * through the high exponent bits, the sign and mantissa bits so every kind of effect occurs.
     */
    static List<Fault> faultsInEveryLayer(Graph graph, int perLayer, long seed) {
        int[] bits = {30, 31, 23, 29, 27, 22, 12, 0, 26, 5};
        Random rnd = new Random(seed);
        List<Fault> faults = new ArrayList<>();
        for (FaultTargets.Layer layer : FaultTargets.weights(graph).layers()) {
            int[] shape = layer.shape();
            for (int k = 0; k < perLayer; k++) {
                int[] index = new int[shape.length];
                for (int d = 0; d < shape.length; d++) {
                    index[d] = rnd.nextInt(shape[d]);
                }
                faults.add(new Fault(faults.size(), layer.name(), index, bits[faults.size() % bits.length]));
            }
        }
        return faults;
    }
}
