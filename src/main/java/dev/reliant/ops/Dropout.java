package dev.reliant.ops;

/**
 * {@code nn.Dropout(p)} / {@code nn.Dropout2d(p)}: the identity in eval mode, which is the only
 * mode inference runs in (training will add the random mask with a seeded generator). A view.
 */
public final class Dropout extends AbstractOp {
    private final double p;

    public Dropout(int[] shape, double p) {
        super(shape, shape);
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        }
        this.p = p;
    }

    @Override
    public String type() {
        return "Dropout";
    }

    /** The drop probability (used in training only). */
    public double p() {
        return p;
    }

    @Override
    public boolean isView() {
        return true;
    }

    @Override
    public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        copyInput(inputs, inputOffsets, batch, out, outOff);
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}
