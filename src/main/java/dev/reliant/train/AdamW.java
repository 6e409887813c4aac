package dev.reliant.train;

import dev.reliant.ops.Parameter;
import java.util.List;

/**
 * AdamW as {@code torch.optim.AdamW}: before the Adam update, decoupled weight decay
 * {@code p = p·(1 − lr·wd)}, and no decay term in the gradient. PyTorch's default weight decay
 * for AdamW is 0.01, and so is this one's.
 */
public final class AdamW extends Adam {

    /** An optimizer over parameters and their gradient arrays (same order, same lengths). */
    public AdamW(List<Parameter> params, List<float[]> grads) {
        super(params, grads, true);
        weightDecay(0.01);
    }

    @Override
    public String name() {
        return "adamw";
    }
}
