package dev.reliant.cim;

import dev.reliant.ops.Parameter;
import dev.reliant.tensor.Tensor;
import dev.reliant.train.Backprop;
import dev.reliant.train.WeightPerturbation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * SRAM recovery fine-tuning (specs/cim-swim.md B.3, B.4) through the ordinary
 * {@link dev.reliant.train.Trainer} as a reparameterisation: every conv weight parameter holds the
 * frozen float RRAM weight W_R; before each forward the trainer lets {@link #perturb} write
 * W_eff = {@link SramPath} of (W_R, W_S) into it (fresh W_R' variation per batch), and after
 * backward {@link #afterBackward} turns the conv weight's gradient into W_S's straight-through
 * gradient (plus the group-lasso gradient when pruning) and zeroes the conv weight's own. The
 * optimizer is made over {@link #trainableParameters} (W_S and every non-conv parameter, W_R
 * left out: frozen).
 *
 * <p>W_S tensors are named {@code NAME_sram} after their conv weight NAME, the checkpoint format.
 */
public final class SramTraining implements WeightPerturbation {
    /** The suffix of an SRAM weight's name. */
    public static final String SUFFIX = "_sram";

    /** How W_S starts. */
    public enum Init {
        /** W_S = W_R (float). */
        COPY,
        /** W_S = 0; the sum is then not halved (B.3). */
        ZEROS;

        public static Init parse(String s) {
            return switch (s == null ? "" : s.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "copy" -> COPY;
                case "zeros" -> ZEROS;
                default -> throw new IllegalArgumentException("SRAM init must be copy or zeros, got '" + s + "'");
            };
        }
    }

    /** Element and group sparsity of the masked SRAM weights of the pruned layers. */
    public record Sparsity(double elements, double groups) {
    }

    private static final class Layer {
        final Parameter conv;
        final Parameter sram;
        final float[] grad;
        final boolean pruned;
        float[] mask;

        Layer(Parameter conv, Parameter sram, boolean pruned) {
            this.conv = conv;
            this.sram = sram;
            this.grad = new float[sram.numel()];
            this.pruned = pruned;
        }
    }

    private final SramPath path;
    private final double pruneThreshold;
    private final GroupLasso lasso;
    private final List<Layer> layers = new ArrayList<>();
    private final Map<Parameter, Layer> byConv = new IdentityHashMap<>();

    /**
     * @param backprop the trainer's backprop; every learned rank-4 parameter gets an SRAM path
     * @param path the forward formula (bits, variation, shift)
     * @param init how W_S starts (must match {@code path}'s halving: COPY halves, ZEROS does not)
     * @param pruneThreshold th of the B.4 mask, or NaN without pruning
     * @param lasso the group-lasso penalty of the pruned layers, or null for none
     */
    public SramTraining(Backprop backprop, SramPath path, Init init, double pruneThreshold, GroupLasso lasso) {
        if (!Double.isNaN(pruneThreshold) && !(pruneThreshold >= 0 && pruneThreshold < 1)) {
            throw new IllegalArgumentException("prune threshold must be in [0, 1), got " + pruneThreshold);
        }
        this.path = path;
        this.pruneThreshold = pruneThreshold;
        this.lasso = lasso;
        boolean first = true;
        for (Parameter p : backprop.parameters()) {
            if (p.rank() != 4) {
                continue;
            }
            Tensor t = Tensor.zeros(p.shape());
            if (init == Init.COPY) {
                System.arraycopy(p.data(), 0, t.data(), 0, p.numel());
            }
            Layer l = new Layer(p, new Parameter(p.name() + SUFFIX, t), !first);
            layers.add(l);
            byConv.put(p, l);
            first = false;
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("SRAM recovery needs a model with conv layers; "
                    + backprop.graph().name() + " has none");
        }
    }

    public SramPath path() {
        return path;
    }

    /** The W_S parameters, in conv order. */
    public List<Parameter> sramParameters() {
        List<Parameter> out = new ArrayList<>();
        layers.forEach(l -> out.add(l.sram));
        return Collections.unmodifiableList(out);
    }

    /** The W_S gradient arrays aligned with {@link #sramParameters()} (live). */
    public List<float[]> sramGradients() {
        List<float[]> out = new ArrayList<>();
        layers.forEach(l -> out.add(l.grad));
        return out;
    }

    /** What the optimizer updates: every learned parameter except the conv weights (W_R, frozen), then the W_S. */
    public List<Parameter> trainableParameters(Backprop backprop) {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : backprop.parameters()) {
            if (!byConv.containsKey(p)) {
                out.add(p);
            }
        }
        out.addAll(sramParameters());
        return out;
    }

    /** The gradients aligned with {@link #trainableParameters}. */
    public List<float[]> trainableGradients(Backprop backprop) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : backprop.parameters()) {
            if (!byConv.containsKey(p)) {
                out.add(backprop.grad(p));
            }
        }
        out.addAll(sramGradients());
        return out;
    }

    /** Evaluations see the deployed (quantized, varied) weights, fresh per test batch. */
    @Override
    public WeightPerturbation inEvaluation() {
        return this;
    }

    @Override
    public boolean appliesTo(Parameter p) {
        return byConv.containsKey(p);
    }

    /** Writes W_eff of {@code p} (clean = W_R) with a fresh W_R' from {@code rng}, and keeps the mask for backward. */
    @Override
    public void perturb(Parameter p, float[] clean, float[] out, SplittableRandom rng) {
        Layer l = byConv.get(p);
        l.mask = mask(l);
        path.effectiveWeight(clean, l.sram.data(), l.mask, rng, out);
    }

    /** dL/dW_S from dL/dW_eff (straight-through), plus the group-lasso gradient; W_R's gradient is dropped. */
    @Override
    public void afterBackward(Backprop backprop) {
        for (Layer l : layers) {
            float[] g = backprop.grad(l.conv);
            path.addSramGradient(g, l.mask, l.grad);
            java.util.Arrays.fill(g, 0f);
            if (lasso != null && l.pruned) {
                lasso.addGradient(l.sram.data(), l.sram.shape(), l.grad);
            }
        }
    }

    /** The group-lasso penalty over the pruned layers (0 without a penalty). */
    public double penalty() {
        double sum = 0;
        if (lasso != null) {
            for (Layer l : layers) {
                if (l.pruned) {
                    sum += lasso.penalty(l.sram.data(), l.sram.shape());
                }
            }
        }
        return sum;
    }

    /** Element and group sparsity of the masked SRAM weights over the pruned layers (0 without pruning). */
    public Sparsity sparsity() {
        long zeros = 0;
        long total = 0;
        long zeroGroups = 0;
        long groups = 0;
        GroupLasso grouping = lasso != null ? lasso : new GroupLasso(0, 1, GroupLasso.DEFAULT_GROUP);
        for (Layer l : layers) {
            if (!l.pruned || Double.isNaN(pruneThreshold)) {
                continue;
            }
            float[] m = mask(l);
            zeros += Math.round(GroupLasso.elementSparsity(m) * m.length);
            total += m.length;
            int n = grouping.groups(l.sram.shape());
            zeroGroups += Math.round(grouping.groupSparsity(m, l.sram.shape()) * n);
            groups += n;
        }
        return new Sparsity(total == 0 ? 0 : (double) zeros / total, groups == 0 ? 0 : (double) zeroGroups / groups);
    }

    private float[] mask(Layer l) {
        return l.pruned && !Double.isNaN(pruneThreshold) ? SramPath.pruneMask(l.sram.data(), pruneThreshold) : null;
    }

    public String describe() {
        return path.describe() + (Double.isNaN(pruneThreshold) ? "" : " pruned(th=" + pruneThreshold
                + (lasso == null ? "" : ", lambda=" + lasso.lambda() + ", ratio=" + lasso.ratio()) + ")");
    }
}
