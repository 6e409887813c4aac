package dev.reliant.cim;

import dev.reliant.data.Augmentation;
import dev.reliant.data.Dataset;
import dev.reliant.data.Normalization;
import dev.reliant.graph.Graph;
import dev.reliant.io.SafeTensors;
import dev.reliant.io.WeightFileException;
import dev.reliant.ops.Parameter;
import dev.reliant.tensor.Tensor;
import dev.reliant.train.DiagonalHessian;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SWIM's per-weight sensitivity S = H + 2G in normalised weight space (specs/cim-swim.md A.5):
 * H the OBD diagonal and G the gradient, both summed over the training set with respect to
 * Wn = W / max|W| of each layer, in inference mode with the training augmentation and without
 * shuffling. Computed here, or read from a file written by
 * {@code reliant hessian --method obd --normalized}.
 */
public final class SwimSensitivity {
    private SwimSensitivity() {}

    /**
     * Runs the OBD pass over {@code train} on {@code graph} (its weights are not changed).
     *
     * @param augmentation the training augmentation, or null for none
     */
    public static Map<String, float[]> compute(Graph graph, Dataset train, Normalization norm, Augmentation augmentation,
                                               long seed, DiagonalHessian.Convention convention, int batch,
                                               DiagonalHessian.Listener listener) {
        Map<String, Double> scales = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : DiagonalHessian.targets(graph, false).entrySet()) {
            double s = e.getValue().tensor().maxAbs();
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("weight " + e.getKey() + " has max|W| = " + s
                        + ", which cannot normalise it");
            }
            scales.put(e.getKey(), s);
        }
        DiagonalHessian.Settings settings = DiagonalHessian.Settings.of(DiagonalHessian.Method.OBD, norm)
                .withConvention(convention).withBatchSize(batch).withAugmentation(augmentation).withSeed(seed)
                .withLayerScales(scales);
        DiagonalHessian.Result r = new DiagonalHessian(graph).compute(train, settings, listener);
        return combine(r.diagonal(), r.gradient());
    }

    /**
     * Reads S from a {@code reliant hessian --method obd --normalized} file (tensors NAME and
     * NAME.grad) for the weights of {@code shapes}.
     *
     * @throws WeightFileException when the file is not such a file or lacks a weight
     */
    public static Map<String, float[]> read(Path file, Map<String, int[]> shapes) {
        SafeTensors.Contents c = SafeTensors.read(file);
        Map<String, String> meta = c.metadata();
        if (!"obd".equals(meta.get("method"))) {
            throw new WeightFileException(file, "method is '" + meta.get("method")
                    + "', SWIM needs an obd file (reliant hessian --method obd --normalized)");
        }
        if (!"true".equals(meta.get("normalized"))) {
            throw new WeightFileException(file, "not in normalised weight space (write it with "
                    + "reliant hessian --method obd --normalized)");
        }
        Map<String, Tensor> floats = c.floats();
        LinkedHashMap<String, Tensor> h = new LinkedHashMap<>();
        LinkedHashMap<String, Tensor> g = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            Tensor hv = floats.get(e.getKey());
            Tensor gv = floats.get(e.getKey() + ".grad");
            if (hv == null || gv == null) {
                throw new WeightFileException(file, "has no " + (hv == null ? e.getKey() : e.getKey() + ".grad")
                        + " for weight " + e.getKey());
            }
            if (!Arrays.equals(hv.shape(), e.getValue()) || !Arrays.equals(gv.shape(), e.getValue())) {
                throw new WeightFileException(file, e.getKey() + " has shape " + hv.shapeString()
                        + ", the weight has " + Arrays.toString(e.getValue()));
            }
            h.put(e.getKey(), hv);
            g.put(e.getKey(), gv);
        }
        return combine(h, g);
    }

    /** S = H + 2G per tensor. */
    static Map<String, float[]> combine(Map<String, Tensor> h, Map<String, Tensor> g) {
        LinkedHashMap<String, float[]> s = new LinkedHashMap<>();
        h.forEach((name, hv) -> {
            float[] hd = hv.data();
            float[] gd = g.get(name).data();
            float[] out = new float[hd.length];
            for (int i = 0; i < hd.length; i++) {
                out[i] = hd[i] + 2 * gd[i];
            }
            s.put(name, out);
        });
        return s;
    }
}
