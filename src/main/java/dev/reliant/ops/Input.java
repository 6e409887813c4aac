package dev.reliant.ops;

/** The model input: no computation, its output is the batch given to the executor. */
public final class Input extends AbstractOp {

    public Input(int... shape) {
        super(new int[0][], shape);
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("input shape " + java.util.Arrays.toString(shape)
                        + " must have positive dimensions");
            }
        }
    }

    @Override
    public String type() {
        return "Input";
    }

    /** Not computed: the executor supplies the batch. */
    @Override
    public void forward(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        throw new UnsupportedOperationException("the input node is not computed; the executor supplies the batch");
    }

    /** Nothing to propagate: the input has no inputs and no parameters. */
    @Override
    public void backward(BackwardContext ctx) {
    }

    /** Nothing to propagate. */
    @Override
    public void backwardDiagonal(BackwardContext ctx) {
    }

}
