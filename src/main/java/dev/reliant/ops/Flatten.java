package dev.reliant.ops;

/** {@code torch.flatten(x, 1)} / {@code x.view(x.size(0), -1)}: same values, shape {@code [numel]}. A view. */
public final class Flatten extends AbstractOp {

    public Flatten(int[] inputShape) {
        super(inputShape, new int[] {dev.reliant.tensor.Shapes.numel(inputShape)});
    }

    @Override
    public String type() {
        return "Flatten";
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
