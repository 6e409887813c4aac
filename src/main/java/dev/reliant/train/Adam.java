package dev.reliant.train;

import dev.reliant.ops.Parameter;
import java.util.List;
import java.util.function.Predicate;

/**
 * Adam as {@code torch.optim.Adam} (amsgrad off): L2 weight decay added to the gradient, moment
 * estimates {@code exp_avg} and {@code exp_avg_sq}, bias correction, eps added outside the
 * square root:
 * <pre>
 *   d = g + wd·p;  m = m + (1−β1)(d − m);  v = β2·v + (1−β2)·d²
 *   p = p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps)
 * </pre>
 * {@link AdamW} replaces the L2 term by decoupled decay. Defaults are PyTorch's: betas
 * (0.9, 0.999), eps 1e-8, weight decay 0. Setters return this.
 */
public class Adam extends AbstractOptimizer {
    private static final List<String> STATE = List.of("exp_avg", "exp_avg_sq");

    private final boolean decoupled;
    private final float[][] expAvg;
    private final float[][] expAvgSq;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    // per-step scalars, rounded to float once
    private float decoupledFactor;
    private float oneMinusBeta1;
    private float beta2f;
    private float oneMinusBeta2;
    private float negStepSize;
    private float bc2Sqrt;
    private float epsf;

    /** An optimizer over parameters and their gradient arrays (same order, same lengths). */
    public Adam(List<Parameter> params, List<float[]> grads) {
        this(params, grads, false);
    }

    Adam(List<Parameter> params, List<float[]> grads, boolean decoupled) {
        super(params, grads);
        this.decoupled = decoupled;
        this.expAvg = new float[params.size()][];
        this.expAvgSq = new float[params.size()][];
    }

    @Override
    public String name() {
        return "adam";
    }

    /** Sets β1 and β2, each in [0, 1). */
    public Adam betas(double b1, double b2) {
        this.beta1 = requireRate("beta1", b1, false);
        this.beta2 = requireRate("beta2", b2, false);
        return this;
    }

    /** Sets eps (≥ 0), added to the denominator outside the square root. */
    public Adam eps(double e) {
        if (!(e >= 0) || Double.isInfinite(e)) {
            throw new IllegalArgumentException("eps must be a finite number ≥ 0, got " + e);
        }
        this.eps = e;
        return this;
    }

    /** Sets the weight-decay coefficient (L2 in the gradient for Adam, decoupled for AdamW). */
    public Adam weightDecay(double wd) {
        setWeightDecay(wd);
        return this;
    }

    /** Restricts weight decay to the parameters {@code which} accepts (see {@link WeightDecay}). */
    public Adam decayOnly(Predicate<Parameter> which) {
        setDecayed(which);
        return this;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double eps() {
        return eps;
    }

    /** Sets β1, as PyTorch's one-cycle schedule does for Adam. */
    @Override
    public void setMomentum(double momentum) {
        this.beta1 = requireRate("beta1", momentum, false);
    }

    @Override
    void beginStep(double lr, long step) {
        for (int i = 0; i < expAvg.length; i++) {
            if (expAvg[i] == null) {
                expAvg[i] = new float[params.get(i).numel()];
                expAvgSq[i] = new float[params.get(i).numel()];
            }
        }
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        decoupledFactor = (float) (1 - lr * weightDecay());
        oneMinusBeta1 = (float) (1 - beta1);
        beta2f = (float) beta2;
        oneMinusBeta2 = (float) (1 - beta2);
        negStepSize = (float) -(lr / bc1);
        bc2Sqrt = (float) Math.sqrt(bc2);
        epsf = (float) eps;
    }

    @Override
    void updateRange(int i, int from, int to) {
        float wd = decayOf(i);
        kernels.adam(params.get(i).data(), grads[i], expAvg[i], expAvgSq[i], from, to,
                decoupled && wd != 0 ? decoupledFactor : 1f, decoupled ? 0f : wd,
                oneMinusBeta1, beta2f, oneMinusBeta2, negStepSize, bc2Sqrt, epsf);
    }

    @Override
    List<String> stateNames() {
        return STATE;
    }

    @Override
    float[][] stateArrays(int k) {
        return k == 0 ? expAvg : expAvgSq;
    }

    @Override
    boolean stateRequiredAfterFirstStep() {
        return true;
    }
}
