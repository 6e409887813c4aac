package dev.reliant.cim;

/**
 * The group-lasso penalty that prunes SRAM weights (specs/cim-swim.md B.4), for one conv weight
 * W[O, I, k, k]: groups of g consecutive input channels of one filter (g·k·k values; a last
 * group of fewer channels when I is not a multiple of g), n_j the L2 norm of group j,
 * m = mean_j n_j, and
 * <pre>
 *   L = λ · Σ_j min(n_j, ratio·m)
 * </pre>
 * The gradient flows through the min (to n_j where n_j &lt; ratio·m, else to m) and through the
 * mean: dL/dn_i = λ·([n_i &lt; ratio·m] + ratio·#{j: n_j ≥ ratio·m}/J), dn_i/dw = w/n_i (0 for a
 * zero group). At a tie n_j = ratio·m the gradient goes to the mean. The caller sums layers. Computed
 * in double.
 */
public final class GroupLasso {
    /** The spec's defaults. */
    public static final double DEFAULT_LAMBDA = 1e-4;
    public static final double DEFAULT_RATIO = 1.0;
    public static final int DEFAULT_GROUP = 16;

    private final double lambda;
    private final double ratio;
    private final int group;

    /**
     * @param lambda λ, ≥ 0
     * @param ratio the cap on a group's norm as a multiple of the mean norm, &gt; 0
     * @param group g, input channels per group, ≥ 1
     */
    public GroupLasso(double lambda, double ratio, int group) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("group lasso lambda must be a finite number >= 0, got " + lambda);
        }
        if (!(ratio > 0) || Double.isInfinite(ratio)) {
            throw new IllegalArgumentException("group lasso ratio must be a finite number > 0, got " + ratio);
        }
        if (group < 1) {
            throw new IllegalArgumentException("group lasso group size must be >= 1, got " + group);
        }
        this.lambda = lambda;
        this.ratio = ratio;
        this.group = group;
    }

    public double lambda() {
        return lambda;
    }

    public double ratio() {
        return ratio;
    }

    public int group() {
        return group;
    }

    /** The number of groups of a conv weight of this shape: O·ceil(I/g). */
    public int groups(int[] shape) {
        checkShape(shape, -1);
        return shape[0] * ((shape[1] + group - 1) / group);
    }

    /** n_j per group, in (filter, channel group) order. */
    public double[] norms(double[] w, int[] shape) {
        checkShape(shape, w.length);
        int o = shape[0];
        int in = shape[1];
        int kk = shape[2] * shape[3];
        int perFilter = (in + group - 1) / group;
        double[] n = new double[o * perFilter];
        for (int f = 0; f < o; f++) {
            for (int c = 0; c < in; c++) {
                int j = f * perFilter + c / group;
                int base = (f * in + c) * kk;
                for (int t = 0; t < kk; t++) {
                    n[j] += w[base + t] * w[base + t];
                }
            }
        }
        for (int j = 0; j < n.length; j++) {
            n[j] = Math.sqrt(n[j]);
        }
        return n;
    }

    /** L = λ·Σ_j min(n_j, ratio·m). */
    public double penalty(double[] w, int[] shape) {
        double[] n = norms(w, shape);
        double cap = ratio * mean(n);
        double sum = 0;
        for (double v : n) {
            sum += Math.min(v, cap);
        }
        return lambda * sum;
    }

    /** {@link #penalty(double[], int[])} of float weights. */
    public double penalty(float[] w, int[] shape) {
        return penalty(toDouble(w), shape);
    }

    /** dL/dw of {@link #penalty(double[], int[])}, written into a new array. */
    public double[] gradient(double[] w, int[] shape) {
        double[] n = norms(w, shape);
        double cap = ratio * mean(n);
        int capped = 0;
        for (double v : n) {
            capped += v < cap ? 0 : 1;
        }
        double viaMean = ratio * capped / n.length;
        double[] dn = new double[n.length];
        for (int j = 0; j < n.length; j++) {
            dn[j] = lambda * ((n[j] < cap ? 1 : 0) + viaMean);
        }
        int in = shape[1];
        int kk = shape[2] * shape[3];
        int perFilter = (in + group - 1) / group;
        double[] g = new double[w.length];
        for (int f = 0; f < shape[0]; f++) {
            for (int c = 0; c < in; c++) {
                int j = f * perFilter + c / group;
                if (n[j] == 0) {
                    continue;
                }
                double s = dn[j] / n[j];
                int base = (f * in + c) * kk;
                for (int t = 0; t < kk; t++) {
                    g[base + t] = s * w[base + t];
                }
            }
        }
        return g;
    }

    /** Adds dL/dw of float weights to {@code grad}. */
    public void addGradient(float[] w, int[] shape, float[] grad) {
        if (grad.length != w.length) {
            throw new IllegalArgumentException("group lasso: gradient has " + grad.length + " values, weights "
                    + w.length);
        }
        double[] g = gradient(toDouble(w), shape);
        for (int i = 0; i < grad.length; i++) {
            grad[i] += (float) g[i];
        }
    }

    /** The share of zeros in {@code values} (e.g. the masked SRAM weights). */
    public static double elementSparsity(float[] values) {
        if (values.length == 0) {
            return 0;
        }
        int zeros = 0;
        for (float v : values) {
            zeros += v == 0 ? 1 : 0;
        }
        return (double) zeros / values.length;
    }

    /** The share of groups whose norm is zero (every value zero). */
    public double groupSparsity(float[] values, int[] shape) {
        double[] n = norms(toDouble(values), shape);
        int zeros = 0;
        for (double v : n) {
            zeros += v == 0 ? 1 : 0;
        }
        return (double) zeros / n.length;
    }

    private static double mean(double[] n) {
        double s = 0;
        for (double v : n) {
            s += v;
        }
        return s / n.length;
    }

    private static double[] toDouble(float[] w) {
        double[] d = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            d[i] = w[i];
        }
        return d;
    }

    private static void checkShape(int[] shape, int length) {
        if (shape == null || shape.length != 4 || shape[0] < 1 || shape[1] < 1 || shape[2] < 1 || shape[3] < 1) {
            throw new IllegalArgumentException("group lasso needs a conv weight shape [O, I, k, k], got "
                    + java.util.Arrays.toString(shape));
        }
        if (length >= 0 && (long) shape[0] * shape[1] * shape[2] * shape[3] != length) {
            throw new IllegalArgumentException("group lasso: shape " + java.util.Arrays.toString(shape) + " does not fit "
                    + length + " weights");
        }
    }
}
