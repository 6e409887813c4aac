package dev.reliant.cim;

import dev.reliant.graph.Executor;
import dev.reliant.graph.Graph;
import dev.reliant.graph.GraphBuilder;
import dev.reliant.graph.Node;
import dev.reliant.ops.Conv2d;
import dev.reliant.ops.Linear;
import dev.reliant.ops.Op;
import dev.reliant.tensor.Shapes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Puts a model on ADC-limited crossbars: {@link #withAdc} rebuilds a graph with every
 * {@link Conv2d} and {@link Linear} node replaced by its ADC twin ({@link AdcConv2d},
 * {@link AdcLinear}) under the same node name and sharing the layer's parameters, and
 * {@link #calibrate} sizes the ADC ranges of {@link AdcSpec.Range#CALIBRATED} twins.
 *
 * <p>Typical use with the Monte-Carlo evaluator, which wants a fresh graph per worker:
 * calibrate one ADC graph on clean weights, keep {@link #fullScales} and give every copy the
 * same ranges with {@link #setFullScales}.
 *
 * <p>The new graph reuses the other operator instances and the parameters of {@code g}
 * (as {@code SwimModels} does for its quantized models): weights loaded or noise written
 * through either graph are seen by both, but the two graphs must not run at the same time.
 */
public final class AdcMapping {
    private AdcMapping() {}

    /** A new graph with every Conv2d / Linear node replaced by its ADC twin (same names, same parameters). */
    public static Graph withAdc(Graph g, AdcSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("ADC spec must not be null");
        }
        GraphBuilder b = new GraphBuilder(g.name());
        int[] newIndex = new int[g.size()];
        for (Node node : g.nodes()) {
            if (node.index() == g.inputNode()) {
                newIndex[node.index()] = b.input(node.outputShape());
                continue;
            }
            int[] inputs = node.inputs();
            for (int j = 0; j < inputs.length; j++) {
                inputs[j] = newIndex[inputs[j]];
            }
            Op op = node.op();
            if (op instanceof Conv2d conv) {
                op = new AdcConv2d(conv, spec);
            } else if (op instanceof Linear linear) {
                op = new AdcLinear(linear, spec);
            }
            newIndex[node.index()] = b.node(node.name(), op, inputs);
        }
        return b.build();
    }

    /** Node name → ADC twin, in graph order. */
    public static Map<String, AdcOp> adcLayers(Graph adcGraph) {
        Map<String, AdcOp> m = new LinkedHashMap<>();
        for (Node node : adcGraph.nodes()) {
            if (node.op() instanceof AdcOp adc) {
                m.put(node.name(), adc);
            }
        }
        return m;
    }

    /**
     * Sets FS = c · max|p_t| of every calibrated-mode ADC layer from {@code n} images of
     * {@code batch} (normalised inputs, {@code n × inputSize} values from 0), run through the
     * ideal layers: every layer sees the un-quantized activations of the layers before it, and
     * the weights are whatever the graph holds — call it on clean weights. Returns node name → FS.
     */
    public static Map<String, Double> calibrate(Graph adcGraph, float[] batch, int n) {
        Map<String, AdcOp> layers = adcLayers(adcGraph);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("model '" + adcGraph.name() + "' has no ADC layers (make it with withAdc)");
        }
        for (Map.Entry<String, AdcOp> e : layers.entrySet()) {
            if (e.getValue().spec().range() != AdcSpec.Range.CALIBRATED) {
                throw new IllegalArgumentException("ADC layer " + e.getKey() + " has range mode "
                        + e.getValue().spec().range() + "; only calibrated mode is calibrated");
            }
        }
        int inSize = Shapes.numel(adcGraph.inputShape());
        if (n < 1 || batch == null || (long) n * inSize > batch.length) {
            throw new IllegalArgumentException("calibration needs n >= 1 images of " + inSize + " values, got n = " + n
                    + " and " + (batch == null ? "no" : String.valueOf(batch.length)) + " values");
        }
        Executor executor = new Executor(adcGraph, Executor.Options.exact());
        float[] out = new float[n * Shapes.numel(adcGraph.outputShape())];
        layers.values().forEach(AdcOp::startCalibration);
        Map<String, Double> fs = new LinkedHashMap<>();
        try {
            executor.run(batch, 0, n, out, 0);
            layers.forEach((name, op) -> fs.put(name, op.finishCalibration()));
        } finally {
            layers.values().forEach(AdcOp::abortCalibration);
        }
        return fs;
    }

    /** Node name → calibrated FS of every ADC layer (NaN when not calibrated or in fixed mode). */
    public static Map<String, Double> fullScales(Graph adcGraph) {
        Map<String, Double> m = new LinkedHashMap<>();
        adcLayers(adcGraph).forEach((name, op) -> m.put(name, op.fullScale()));
        return m;
    }

    /** Sets the calibrated FS of the named ADC layers (e.g. those {@link #calibrate} returned for another copy). */
    public static void setFullScales(Graph adcGraph, Map<String, Double> fullScales) {
        Map<String, AdcOp> layers = adcLayers(adcGraph);
        fullScales.forEach((name, fs) -> {
            AdcOp op = layers.get(name);
            if (op == null) {
                throw new IllegalArgumentException("model '" + adcGraph.name() + "' has no ADC layer '" + name + "'");
            }
            op.setFullScale(fs);
        });
    }
}
