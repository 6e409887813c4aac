package dev.reliant.train;

import dev.reliant.ops.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Stochastic gradient descent as {@code torch.optim.SGD} with dampening 0: weight decay added to
 * the gradient ({@code d = g + wd·p}), heavy-ball or Nesterov momentum, {@code p -= lr·d}. The
 * first step with momentum initialises each buffer with the gradient itself, as PyTorch does,
 * rather than with {@code μ·0 + g}; the results are the same, but the rule matters for a buffer
 * restored from a checkpoint.
 *
 * <p>Defaults are PyTorch's: momentum 0, no Nesterov, weight decay 0 applied to every
 * parameter. Setters return this: {@code new Sgd(params, grads).momentum(0.9).weightDecay(5e-4)}.
 */
public final class Sgd extends AbstractOptimizer {
    private static final List<String> STATE = List.of("momentum_buffer");

    private final float[][] buffers;
    private final boolean[] fresh;
    private double momentum;
    private boolean nesterov;
    private float negLr;

    /** An optimizer over parameters and their gradient arrays (same order, same lengths). */
    public Sgd(List<Parameter> params, List<float[]> grads) {
        super(params, grads);
        this.buffers = new float[params.size()][];
        this.fresh = new boolean[params.size()];
    }

    @Override
    public String name() {
        return "sgd";
    }

    /** Sets the momentum μ in [0, 1) (0: plain SGD, no buffers). */
    public Sgd momentum(double mu) {
        this.momentum = requireRate("momentum", mu, false);
        return this;
    }

    /** Switches Nesterov momentum on or off (needs momentum &gt; 0 at each step). */
    public Sgd nesterov(boolean on) {
        this.nesterov = on;
        return this;
    }

    /** Sets the weight-decay coefficient, added to the gradient as {@code wd·p}. */
    public Sgd weightDecay(double wd) {
        setWeightDecay(wd);
        return this;
    }

    /** Restricts weight decay to the parameters {@code which} accepts (see {@link WeightDecay}). */
    public Sgd decayOnly(Predicate<Parameter> which) {
        setDecayed(which);
        return this;
    }

    public double momentum() {
        return momentum;
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override
    public void setMomentum(double mu) {
        momentum(mu);
    }

    @Override
    void beginStep(double lr, long step) {
        if (nesterov && momentum == 0) {
            throw new IllegalStateException("Nesterov momentum requires momentum > 0");
        }
        negLr = (float) -lr;
        for (int i = 0; i < buffers.length; i++) {
            fresh[i] = momentum != 0 && buffers[i] == null;
            if (fresh[i]) {
                buffers[i] = new float[params.get(i).numel()];
            }
        }
    }

    @Override
    void updateRange(int i, int from, int to) {
        kernels.sgd(params.get(i).data(), grads[i], momentum == 0 ? null : buffers[i], from, to,
                decayOf(i), (float) momentum, nesterov, fresh[i], negLr);
    }

    @Override
    void endStep() {
        Arrays.fill(fresh, false);
    }

    @Override
    List<String> stateNames() {
        return STATE;
    }

    @Override
    float[][] stateArrays(int k) {
        return buffers;
    }

    @Override
    boolean stateRequiredAfterFirstStep() {
        return momentum != 0;
    }
}
