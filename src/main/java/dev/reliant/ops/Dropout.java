package dev.reliant.ops;

import java.util.SplittableRandom;

/**
 * {@code nn.Dropout(p)}: the identity in eval mode (a view, nothing computed); in training mode
 * ({@link #setTraining}) each element is kept with probability 1 − p and scaled by 1/(1 − p)
 * (inverted dropout, as PyTorch), zeroed otherwise. One Bernoulli draw per element: on the
 * {@code [C, 1, 1]} features where the model zoo places {@code nn.Dropout2d}, that is the same
 * as its per-channel mask.
 *
 * <p>The mask comes from a seeded generator ({@link #reseed}), drawn in element order, so a
 * training loop that reseeds each dropout node before each step from (run seed, node, step)
 * gets masks that depend on nothing else. The mask is kept for the backward
 * ({@code dx += dy·mask}) until the next forward.
 */
public final class Dropout extends AbstractOp {
    private final double p;
    private final float keepScale;
    private boolean training;
    private SplittableRandom random = new SplittableRandom(0);
    /** 0 or 1/(1 − p) per element of the last training forward; null after an eval forward or a mode change. */
    private float[] mask;

    public Dropout(int[] shape, double p) {
        super(shape, shape);
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        }
        this.p = p;
        this.keepScale = p < 1 ? (float) (1 / (1 - p)) : 0f;
    }

    @Override
    public String type() {
        return "Dropout";
    }

    /** The drop probability (used in training only). */
    public double p() {
        return p;
    }

    /** Also forgets the last mask: in eval mode the forward is usually skipped (a view). */
    @Override
    public void setTraining(boolean training) {
        this.training = training;
        mask = null;
    }

    /** Restarts the mask generator: the following training forwards draw their masks from {@code seed}. */
    public void reseed(long seed) {
        random = new SplittableRandom(seed);
    }

    /** A view in eval mode only: training multiplies by the mask (in place if the executor wishes). */
    @Override
    public boolean isView() {
        return !training;
    }

    @Override
    public int inPlaceInput() {
        return 0;
    }

    @Override
    public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        if (!training) {
            mask = null;
            copyInput(inputs, inputOffsets, batch, out, outOff);
            return;
        }
        int n = batch * outputSize();
        if (mask == null || mask.length != n) {
            mask = new float[n];
        }
        for (int i = 0; i < n; i++) {
            mask[i] = random.nextDouble() < p ? 0f : keepScale;
        }
        float[] x = inputs[0];
        int xOff = inputOffsets[0];
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] * mask[i];
        }
    }

    @Override
    public void backward(BackwardContext ctx) {
        throughMask(ctx, "backward", false);
    }

    /**
     * Becker–LeCun: {@code y = x·m}, so {@code h_x = m²·h_y}; in eval mode (m = 1, the mode of
     * the diagonal pass) h passes unchanged.
     */
    @Override
    public void backwardDiagonal(BackwardContext ctx) {
        throughMask(ctx, "diagonal backward", true);
    }

    /**
     * {@code dx += dy·m} (or {@code dy·m·m} for {@code squared}) with the mask of the last
     * training forward; without a mask (eval mode) the quantity passes unchanged.
     */
    private void throughMask(BackwardContext ctx, String pass, boolean squared) {
        if (mask == null) {
            if (training) {
                throw new IllegalStateException("Dropout " + pass + " in training mode needs a training forward first");
            }
            passGradient(ctx);
            return;
        }
        float[] dx = ctx.gradInputs[0];
        if (dx == null) {
            return;
        }
        int n = ctx.batch * outputSize();
        if (n != mask.length) {
            throw new IllegalStateException("Dropout " + pass + " of a batch of " + ctx.batch
                    + " after a training forward of " + mask.length / outputSize());
        }
        int dxOff = ctx.gradInputOffsets[0];
        for (int i = 0; i < n; i++) {
            float g = ctx.gradOutput[ctx.gradOutputOffset + i] * mask[i];
            dx[dxOff + i] += squared ? g * mask[i] : g;
        }
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}
