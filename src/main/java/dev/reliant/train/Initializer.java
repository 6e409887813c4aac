package dev.reliant.train;

import dev.reliant.graph.Graph;
import dev.reliant.graph.Node;
import dev.reliant.ops.BatchNorm2d;
import dev.reliant.ops.Conv2d;
import dev.reliant.ops.Linear;
import dev.reliant.ops.Op;
import dev.reliant.ops.Parameter;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Initial weights for training, drawn from a seeded generator (DESIGN invariant 4).
 *
 * <ul>
 *   <li>{@link Scheme#PYTORCH}: PyTorch's defaults — convolution and linear weights
 *       U(−b, b) with b = 1/√fan_in (kaiming_uniform with a = √5), biases U(−1/√fan_in, 1/√fan_in);</li>
 *   <li>{@link Scheme#KAIMING_NORMAL}: weights N(0, 2/fan_in) (kaiming_normal, fan_in, ReLU gain),
 *       the initialisation of the CIFAR ResNets of akamaster; biases as PyTorch.</li>
 * </ul>
 * Batch norms get weight 1, bias 0, running mean 0 and running variance 1 in both schemes. Each
 * parameter draws from its own stream {@code SplittableRandom(seed ^ hash(name))}, so adding a
 * layer does not change the others' values.
 */
public final class Initializer {

    /** The initialisation scheme. */
    public enum Scheme {
        PYTORCH, KAIMING_NORMAL;

        public static Scheme parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT).replace('_', '-')) {
                case "pytorch", "default" -> PYTORCH;
                case "kaiming", "kaiming-normal" -> KAIMING_NORMAL;
                default -> throw new IllegalArgumentException("unknown initialisation '" + s
                        + "' (expected pytorch or kaiming-normal)");
            };
        }
    }

    private Initializer() {
    }

    /** Initialises every parameter of the graph. */
    public static void initialize(Graph graph, Scheme scheme, long seed) {
        for (Node node : graph.nodes()) {
            Op op = node.op();
            if (op instanceof Conv2d conv) {
                var s = conv.shape();
                int fanIn = s.inChannelsPerGroup() * s.kernelHeight * s.kernelWidth;
                weights(conv.weight(), fanIn, scheme, seed);
                if (conv.bias() != null) {
                    uniform(conv.bias(), 1 / Math.sqrt(fanIn), seed);
                }
            } else if (op instanceof Linear lin) {
                int fanIn = lin.weight().shape()[1];
                weights(lin.weight(), fanIn, scheme, seed);
                if (lin.bias() != null) {
                    uniform(lin.bias(), 1 / Math.sqrt(fanIn), seed);
                }
            } else if (op instanceof BatchNorm2d bn) {
                fill(bn.weight(), 1f);
                fill(bn.bias(), 0f);
                fill(bn.runningMean(), 0f);
                fill(bn.runningVar(), 1f);
            }
        }
    }

    private static void weights(Parameter w, int fanIn, Scheme scheme, long seed) {
        if (scheme == Scheme.PYTORCH) {
            uniform(w, 1 / Math.sqrt(fanIn), seed);
        } else {
            SplittableRandom rng = streamFor(w, seed);
            double std = Math.sqrt(2.0 / fanIn);
            float[] a = w.data();
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (gaussian(rng) * std);
            }
            w.markChanged();
        }
    }

    private static void uniform(Parameter p, double bound, long seed) {
        SplittableRandom rng = streamFor(p, seed);
        float[] a = p.data();
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        p.markChanged();
    }

    private static void fill(Parameter p, float v) {
        java.util.Arrays.fill(p.data(), v);
        p.markChanged();
    }

    private static SplittableRandom streamFor(Parameter p, long seed) {
        return new SplittableRandom(seed ^ (p.name().hashCode() * 0x9E3779B97F4A7C15L));
    }

    /** A standard normal draw (Box–Muller; one value per pair of uniforms keeps the stream simple). */
    public static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }
}
