package dev.reliant.train;

import dev.reliant.ops.Parameter;
import dev.reliant.simd.Parallel;
import dev.reliant.tensor.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What the optimizers share: the (parameter, gradient) pairs, the weight-decay selection, the
 * step counter, the split of each parameter's update over the thread pool, and the export and
 * import of per-parameter state arrays by name.
 *
 * <p>A subclass names its per-parameter state ({@link #stateNames()}, e.g. {@code exp_avg}),
 * keeps one array per (state name, parameter), null until first needed — PyTorch creates the
 * state lazily too — and supplies the update of one index range of one parameter.
 */
abstract class AbstractOptimizer implements Optimizer {
    /** Prefix of every state tensor's name. */
    static final String PREFIX = "optimizer.";
    /** Name of the step counter. */
    static final String STEP = PREFIX + "step";
    /** Elements per parallel work item; results do not depend on the split (element-wise updates). */
    private static final int PARALLEL_GRAIN = 1 << 16;
    /** A float32 holds every integer up to 2^24 exactly: the step counter's limit. */
    private static final long MAX_EXACT_STEPS = 1L << 24;

    final List<Parameter> params;
    final float[][] grads;
    final UpdateKernels kernels = UpdateKernels.get();
    private final boolean[] decayed;
    private double weightDecay;
    private long steps;

    AbstractOptimizer(List<Parameter> params, List<float[]> grads) {
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(grads, "grads");
        if (params.size() != grads.size()) {
            throw new IllegalArgumentException(params.size() + " parameters but " + grads.size() + " gradient arrays");
        }
        Map<String, Boolean> seen = new HashMap<>();
        this.grads = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            Parameter p = Objects.requireNonNull(params.get(i), "parameter " + i);
            float[] g = Objects.requireNonNull(grads.get(i), "gradient of " + p.name());
            if (g.length != p.numel()) {
                throw new IllegalArgumentException("gradient of " + p.name() + " has " + g.length
                        + " values, the parameter has " + p.numel());
            }
            if (seen.put(p.name(), Boolean.TRUE) != null) {
                throw new IllegalArgumentException("parameter " + p.name() + " is listed twice");
            }
            this.grads[i] = g;
        }
        this.params = List.copyOf(params);
        this.decayed = new boolean[params.size()];
        Arrays.fill(decayed, true);
    }

    @Override
    public List<Parameter> parameters() {
        return params;
    }

    @Override
    public long steps() {
        return steps;
    }

    /** The weight-decay coefficient (0 by default). */
    public double weightDecay() {
        return weightDecay;
    }

    void setWeightDecay(double wd) {
        if (!(wd >= 0) || Double.isInfinite(wd)) {
            throw new IllegalArgumentException("weight decay must be a finite number ≥ 0, got " + wd);
        }
        this.weightDecay = wd;
    }

    void setDecayed(Predicate<Parameter> which) {
        Objects.requireNonNull(which, "weight-decay selection");
        for (int i = 0; i < params.size(); i++) {
            decayed[i] = which.test(params.get(i));
        }
    }

    /** The decay coefficient applied to parameter i: the weight decay, or 0 if it is exempt. */
    final float decayOf(int i) {
        return decayed[i] ? (float) weightDecay : 0f;
    }

    static double requireRate(String what, double x, boolean allowOne) {
        if (!(x >= 0) || (allowOne ? x > 1 : x >= 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1" + (allowOne ? "]" : ")") + ", got " + x);
        }
        return x;
    }

    @Override
    public final void step(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a finite number ≥ 0, got " + lr);
        }
        steps++;
        beginStep(lr, steps);
        for (int i = 0; i < params.size(); i++) {
            int index = i;
            Parallel.forRange(params.get(i).numel(), PARALLEL_GRAIN, (from, to) -> updateRange(index, from, to));
            params.get(i).markChanged();
        }
        endStep();
    }

    /** Prepares step number {@code step} (1 for the first): per-step scalars and state arrays. */
    abstract void beginStep(double lr, long step);

    /** Updates elements [from, to) of parameter {@code index}; may run on several threads at once. */
    abstract void updateRange(int index, int from, int to);

    /** Called after every parameter was updated. */
    void endStep() {
    }

    @Override
    public void zeroGrad() {
        for (float[] g : grads) {
            Arrays.fill(g, 0f);
        }
    }

    // ------------------------------------------------------------------ state

    /** The names of the per-parameter state, e.g. {@code momentum_buffer}. */
    abstract List<String> stateNames();

    /** The arrays of state {@code k}, one per parameter (entries null while absent; live). */
    abstract float[][] stateArrays(int k);

    /** Whether every parameter must have its state once a step was taken. */
    abstract boolean stateRequiredAfterFirstStep();

    @Override
    public Map<String, Tensor> state() {
        if (steps >= MAX_EXACT_STEPS) {
            throw new IllegalStateException("step counter " + steps + " exceeds 2^24 and cannot be stored exactly as float32");
        }
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        out.put(STEP, Tensor.of(new float[] {steps}));
        List<String> names = stateNames();
        for (int i = 0; i < params.size(); i++) {
            for (int k = 0; k < names.size(); k++) {
                float[] a = stateArrays(k)[i];
                if (a != null) {
                    out.put(key(i, names.get(k)), Tensor.of(a.clone(), params.get(i).shape()));
                }
            }
        }
        return out;
    }

    private String key(int param, String stateName) {
        return PREFIX + params.get(param).name() + "." + stateName;
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        Objects.requireNonNull(state, "state");
        Tensor stepTensor = state.get(STEP);
        if (stepTensor == null) {
            throw new IllegalArgumentException(name() + " optimizer state: missing tensor '" + STEP + "'");
        }
        float s = stepTensor.numel() == 1 ? stepTensor.data()[0] : Float.NaN;
        if (!(s >= 0) || s != Math.rint(s) || s >= MAX_EXACT_STEPS) {
            throw new IllegalArgumentException(name() + " optimizer state: '" + STEP
                    + "' must be one whole number in [0, 2^24), got " + stepTensor.shapeString() + " "
                    + (stepTensor.numel() == 1 ? String.valueOf(s) : "values"));
        }
        long newSteps = (long) s;
        List<String> names = stateNames();
        Map<String, Integer> paramIndex = new HashMap<>();
        for (int i = 0; i < params.size(); i++) {
            paramIndex.put(params.get(i).name(), i);
        }
        float[][][] loaded = new float[names.size()][params.size()][];
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String k = e.getKey();
            if (k.equals(STEP)) {
                continue;
            }
            int at = k.startsWith(PREFIX) ? k.lastIndexOf('.') : -1;
            Integer param = at > PREFIX.length() ? paramIndex.get(k.substring(PREFIX.length(), at)) : null;
            int kind = at > 0 ? names.indexOf(k.substring(at + 1)) : -1;
            if (param == null || kind < 0) {
                throw new IllegalArgumentException(name() + " optimizer state: unexpected tensor '" + k + "' (expected "
                        + STEP + " and optimizer.<parameter>." + String.join(" / ", names) + ")");
            }
            Tensor t = Objects.requireNonNull(e.getValue(), k);
            if (!Arrays.equals(t.shape(), params.get(param).shape())) {
                throw new IllegalArgumentException(name() + " optimizer state: tensor '" + k + "' has shape "
                        + t.shapeString() + ", parameter " + params.get(param).name() + " has "
                        + params.get(param).tensor().shapeString());
            }
            loaded[kind][param] = t.data().clone();
        }
        boolean required = newSteps > 0 && stateRequiredAfterFirstStep();
        for (int i = 0; i < params.size(); i++) {
            for (int k = 0; k < names.size(); k++) {
                boolean present = loaded[k][i] != null;
                if (present != (loaded[0][i] != null) || (required && !present)) {
                    throw new IllegalArgumentException(name() + " optimizer state: missing tensor '"
                            + key(i, names.get(present ? 0 : k)) + "'");
                }
            }
        }
        for (int k = 0; k < names.size(); k++) {
            System.arraycopy(loaded[k], 0, stateArrays(k), 0, params.size());
        }
        steps = newSteps;
    }
}
