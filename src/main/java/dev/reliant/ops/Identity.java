package dev.reliant.ops;

/** {@code nn.Identity} (and an empty {@code nn.Sequential()} shortcut). A view. */
public final class Identity extends AbstractOp {

    public Identity(int[] shape) {
        super(shape, shape);
    }

    @Override
    public String type() {
        return "Identity";
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
    public void backward(BackwardContext ctx) {
        passGradient(ctx);
    }

    /** A view: h passes unchanged. */
    @Override
    public void backwardDiagonal(BackwardContext ctx) {
        passGradient(ctx);
    }

}
