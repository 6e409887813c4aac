package dev.reliant.models;

import dev.reliant.graph.Graph;
import dev.reliant.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The deterministic weights of the test vectors (testvectors/README.md), which any language
 * reproduces exactly. For a tensor named {@code name} with n elements, element i (row-major):
 * <pre>
 *   s = CRC-32 of the UTF-8 bytes of name
 *   u = ((i · 2654435761 + s) mod 2^32) / 2^32        (integer arithmetic, then a double)
 * </pre>
 * and the value, computed in double and rounded once to float32:
 * <ul>
 *   <li>batch-norm tensors ({@code X.weight}, {@code X.bias}, {@code X.running_mean},
 *       {@code X.running_var} where {@code X.running_mean} exists): weight 0.8 + 0.4u,
 *       bias (u − 0.5)·0.2, running_mean (u − 0.5)·0.2, running_var 0.5 + u;</li>
 *   <li>any other tensor of rank ≥ 2: (u − 0.5)·2·√(6 / fan_in), fan_in = n / shape[0];</li>
 *   <li>any other rank-1 tensor: (u − 0.5)·0.2.</li>
 * </ul>
 * Inputs use the name {@code input} and (u − 0.5)·4.
 */
public final class FormulaWeights {
    /** Knuth's multiplicative hash constant. */
    private static final long MULTIPLIER = 2654435761L;
    private static final double TWO_32 = 4294967296.0;

    private FormulaWeights() {}

    /** CRC-32 of the UTF-8 bytes of a name. */
    public static long seed(String name) {
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    /** u for element i of a tensor with seed s: ((i·2654435761 + s) mod 2^32) / 2^32. */
    public static double u(long seed, long i) {
        return ((i * MULTIPLIER + seed) & 0xFFFF_FFFFL) / TWO_32;
    }

    /** Fills every parameter and buffer of a graph by the formula and marks them changed. */
    public static void fill(Graph graph) {
        Map<String, Tensor> params = graph.parameters();
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            fill(e.getKey(), e.getValue(), batchNormRole(e.getKey(), params));
        }
        graph.markAllChanged();
    }

    /** The inputs of a test vector: {@code [batch, channels, height, width]} named {@code input}. */
    public static Tensor input(int batch, int channels, int height, int width) {
        Tensor t = Tensor.zeros(batch, channels, height, width);
        float[] d = t.data();
        long s = seed("input");
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) ((u(s, i) - 0.5) * 4.0);
        }
        return t;
    }

    /** The suffix (weight, bias, running_mean, running_var) when the tensor belongs to a batch norm, else null. */
    static String batchNormRole(String name, Map<String, Tensor> all) {
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return null;
        }
        String suffix = name.substring(dot + 1);
        boolean role = suffix.equals("weight") || suffix.equals("bias") || suffix.equals("running_mean")
                || suffix.equals("running_var");
        return role && all.containsKey(name.substring(0, dot) + ".running_mean") ? suffix : null;
    }

    private static void fill(String name, Tensor t, String bnRole) {
        float[] d = t.data();
        long s = seed(name);
        int n = d.length;
        double bound = t.rank() >= 2 ? 2.0 * Math.sqrt(6.0 / ((double) n / t.dim(0))) : 0.0;
        for (int i = 0; i < n; i++) {
            double u = u(s, i);
            double v;
            if (bnRole != null) {
                switch (bnRole) {
                    case "weight": v = 0.8 + 0.4 * u; break;
                    case "running_var": v = 0.5 + u; break;
                    default: v = (u - 0.5) * 0.2; break; // bias, running_mean
                }
            } else if (t.rank() >= 2) {
                v = (u - 0.5) * bound;
            } else {
                v = (u - 0.5) * 0.2;
            }
            d[i] = (float) v;
        }
    }
}
