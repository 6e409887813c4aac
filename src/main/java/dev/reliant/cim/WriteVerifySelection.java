package dev.reliant.cim;

import dev.reliant.train.Initializer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * SWIM's choice of the weights to write-verify (specs/cim-swim.md A.6): a score per weight,
 * one global threshold over all layers at the (1 − mask_p) quantile of every score (linear
 * interpolation, as NumPy's default), and the weights scoring above it verified.
 */
public final class WriteVerifySelection {
    /** SWIM's weight of the sensitivity against the magnitude, which only breaks ties. */
    public static final double SWIM_ALPHA = 1e6;

    private WriteVerifySelection() {}

    /** How a weight is scored. */
    public enum Method {
        /** SM: alpha·|S| + |Wn| (SWIM's default). */
        SWIM,
        /** |S|. */
        SECOND,
        /** |Wn| = |W| / max|W| of the layer. */
        MAGNITUDE,
        /** One standard-normal draw per weight. */
        RANDOM;

        /** swim, second, magnitude or random (case-insensitive). */
        public static Method parse(String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "swim", "sm" -> SWIM;
                case "second" -> SECOND;
                case "magnitude" -> MAGNITUDE;
                case "random" -> RANDOM;
                default -> throw new IllegalArgumentException("unknown method '" + s
                        + "' (expected swim, second, magnitude or random)");
            };
        }

        /** Whether the scores need the sensitivity S. */
        public boolean needsSensitivity() {
            return this == SWIM || this == SECOND;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Scores every weight of {@code weights} (tensor name → clean weights, module order).
     *
     * @param sensitivity tensor name → S = H + 2G in normalised space, required by SWIM and SECOND
     * @param rng the stream of RANDOM's draws (one per weight, in module order)
     */
    public static Map<String, double[]> scores(Method method, Map<String, float[]> weights,
                                               Map<String, float[]> sensitivity, SplittableRandom rng) {
        LinkedHashMap<String, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : weights.entrySet()) {
            float[] w = e.getValue();
            float[] s = null;
            if (method.needsSensitivity()) {
                s = sensitivity.get(e.getKey());
                if (s == null) {
                    throw new IllegalArgumentException("no sensitivity for weight " + e.getKey());
                }
                if (s.length != w.length) {
                    throw new IllegalArgumentException("sensitivity of " + e.getKey() + " has " + s.length
                            + " values, the weight has " + w.length);
                }
            }
            double max = 0;
            for (float v : w) {
                max = Math.max(max, Math.abs(v));
            }
            double[] score = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                double magnitude = max == 0 ? 0 : Math.abs(w[i]) / max;
                score[i] = switch (method) {
                    case SWIM -> SWIM_ALPHA * Math.abs(s[i]) + magnitude;
                    case SECOND -> Math.abs(s[i]);
                    case MAGNITUDE -> magnitude;
                    case RANDOM -> Initializer.gaussian(rng);
                };
                if (Double.isNaN(score[i])) {
                    throw new IllegalArgumentException("score of " + e.getKey() + "[" + i + "] is NaN");
                }
            }
            out.put(e.getKey(), score);
        }
        return out;
    }

    /** NumPy's {@code quantile(v, q)} with linear interpolation, over every score of every tensor. */
    public static double quantile(Map<String, double[]> scores, double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
        }
        int n = 0;
        for (double[] s : scores.values()) {
            n = Math.addExact(n, s.length);
        }
        if (n == 0) {
            throw new IllegalArgumentException("no scores");
        }
        double[] all = new double[n];
        int at = 0;
        for (double[] s : scores.values()) {
            System.arraycopy(s, 0, all, at, s.length);
            at += s.length;
        }
        Arrays.sort(all);
        double pos = q * (n - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, n - 1);
        double frac = pos - lo;
        return all[lo] + frac * (all[hi] - all[lo]);
    }

    /**
     * The mask of SWIM: weights whose score exceeds the global (1 − maskP) quantile are verified
     * (weight granularity). maskP = 0 verifies nothing, maskP = 1 everything.
     */
    public static WriteVerifyMask select(Map<String, double[]> scores, Map<String, int[]> shapes, double maskP) {
        if (!(maskP >= 0 && maskP <= 1)) {
            throw new IllegalArgumentException("mask_p must be in [0, 1], got " + maskP);
        }
        LinkedHashMap<String, byte[]> values = new LinkedHashMap<>();
        if (maskP == 0 || maskP == 1) {
            return WriteVerifyMask.uniform(shapes, maskP == 1);
        }
        double th = quantile(scores, 1 - maskP);
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            double[] s = e.getValue();
            byte[] v = new byte[s.length];
            for (int i = 0; i < s.length; i++) {
                v[i] = s[i] > th ? (byte) 1 : 0;
            }
            values.put(e.getKey(), v);
        }
        return WriteVerifyMask.of(shapes, values, false);
    }
}
