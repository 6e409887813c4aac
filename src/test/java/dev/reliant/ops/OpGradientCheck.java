package dev.reliant.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Checks an operator's {@link Op#backward} against central finite differences of its forward.
 *
 * <p>The scalar is {@code L = Σ r_k y_k} with fixed random weights r (accumulated in double), so
 * dL/dy = r is the incoming gradient. Every input element and every trainable parameter element
 * (or an evenly spaced sample of at most {@code maxProbes} of them) is moved by ±h and the
 * difference quotient compared with the analytic value: |analytic − numeric| ≤ atol + rtol·|numeric|.
 *
 * <p>Why float forwards are good enough: with inputs of order 1, each output carries a rounding
 * error of about 6e-8·|y|, so the quotient's error is about 6e-8·Σ|r_k y_k| / h; with h = 1e-2
 * and a few hundred outputs that is below 1e-3, and the truncation error h²·f''' / 6 of smooth
 * operators is of the same order. Piecewise-linear operators (ReLU, max pooling) are exact
 * between kinks; random inputs keep the ±h probes off the kinks except with tiny probability,
 * which callers remove by construction where it matters (inputs kept away from 0 or ties).
 */
final class OpGradientCheck {
    private final Op op;
    private final int batch;
    private final float[][] inputs;
    private final float[] weights;
    private double h = 1e-2;
    private double atol = 2e-3;
    private double rtol = 2e-3;
    private int maxProbes = 400;

    /** Random inputs in [-1, 1) and random output weights for {@code batch} images. */
    OpGradientCheck(Op op, int batch, long seed) {
        this.op = op;
        this.batch = batch;
        SplittableRandom rng = new SplittableRandom(seed);
        this.inputs = new float[op.inputCount()][];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = uniform(rng, batch * op.inputSize(i));
        }
        this.weights = uniform(rng, batch * op.outputSize());
    }

    private static float[] uniform(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** The input arrays (modify them to choose inputs before {@link #check()}). */
    float[] input(int i) {
        return inputs[i];
    }

    OpGradientCheck step(double h) {
        this.h = h;
        return this;
    }

    OpGradientCheck tolerance(double atol, double rtol) {
        this.atol = atol;
        this.rtol = rtol;
        return this;
    }

    OpGradientCheck maxProbes(int n) {
        this.maxProbes = n;
        return this;
    }

    /** L for the current inputs and parameters. */
    double loss() {
        float[] out = new float[batch * op.outputSize()];
        op.forward(inputs, new int[inputs.length], batch, out, 0);
        double l = 0;
        for (int k = 0; k < out.length; k++) {
            l += (double) weights[k] * out[k];
        }
        return l;
    }

    /** Runs the forward and the backward and compares every gradient with finite differences. */
    void check() {
        List<Parameter> params = op.parameters();
        BackwardContext ctx = new BackwardContext();
        ctx.inputs = inputs;
        ctx.inputOffsets = new int[inputs.length];
        ctx.output = new float[batch * op.outputSize()];
        ctx.batch = batch;
        op.forward(inputs, ctx.inputOffsets, batch, ctx.output, 0);
        ctx.gradOutput = weights.clone();
        ctx.gradInputs = new float[inputs.length][];
        ctx.gradInputOffsets = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            ctx.gradInputs[i] = new float[inputs[i].length];
        }
        ctx.gradParameters = new float[params.size()][];
        for (int j = 0; j < params.size(); j++) {
            ctx.gradParameters[j] = op.isTrainable(j) ? new float[params.get(j).numel()] : null;
        }
        op.backward(ctx);
        assertThat(ctx.gradOutput).as("backward must not modify gradOutput").isEqualTo(weights);
        for (int i = 0; i < inputs.length; i++) {
            compare("input " + i, inputs[i], ctx.gradInputs[i], null);
        }
        for (int j = 0; j < params.size(); j++) {
            if (ctx.gradParameters[j] != null) {
                compare(params.get(j).name(), params.get(j).data(), ctx.gradParameters[j], params.get(j));
            }
        }
    }

    private void compare(String what, float[] values, float[] analytic, Parameter p) {
        int stride = Math.max(1, values.length / maxProbes);
        for (int e = 0; e < values.length; e += stride) {
            float saved = values[e];
            values[e] = (float) (saved + h);
            touched(p);
            double plus = loss();
            values[e] = (float) (saved - h);
            touched(p);
            double minus = loss();
            values[e] = saved;
            touched(p);
            double numeric = (plus - minus) / (2 * h);
            assertThat(Math.abs(analytic[e] - numeric))
                    .as("%s of %s element %d: analytic %s, numeric %s", what, op, e, analytic[e], numeric)
                    .isLessThanOrEqualTo(atol + rtol * Math.abs(numeric));
        }
    }

    private static void touched(Parameter p) {
        if (p != null) {
            p.markChanged();
        }
    }
}
