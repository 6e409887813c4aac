package dev.reliant.ops;

import dev.reliant.simd.ElementwiseKernels;
import dev.reliant.tensor.Shapes;

/** Shapes and sizes shared by every operator. */
public abstract class AbstractOp implements Op {
    private final int[][] inputShapes;
    private final int[] inputSizes;
    private final int[] outputShape;
    private final int outputSize;

    protected AbstractOp(int[][] inputShapes, int[] outputShape) {
        this.inputShapes = new int[inputShapes.length][];
        this.inputSizes = new int[inputShapes.length];
        for (int i = 0; i < inputShapes.length; i++) {
            this.inputShapes[i] = inputShapes[i].clone();
            this.inputSizes[i] = Shapes.numel(inputShapes[i]);
        }
        this.outputShape = outputShape.clone();
        this.outputSize = Shapes.numel(outputShape);
    }

    /** One input. */
    protected AbstractOp(int[] inputShape, int[] outputShape) {
        this(new int[][] {inputShape}, outputShape);
    }

    @Override
    public int inputCount() {
        return inputShapes.length;
    }

    @Override
    public int[] inputShape(int i) {
        return inputShapes[i].clone();
    }

    @Override
    public int[] outputShape() {
        return outputShape.clone();
    }

    @Override
    public int inputSize(int i) {
        return inputSizes[i];
    }

    @Override
    public int outputSize() {
        return outputSize;
    }

    /** Requires a per-image input shape of rank 3 ([C, H, W]) and returns it. */
    protected static int[] requireChw(String type, int[] shape) {
        if (shape.length != 3) {
            throw new IllegalArgumentException(type + " expects [C, H, W] feature maps per image, got "
                    + Shapes.toString(shape));
        }
        return shape;
    }

    /** Copies input 0 to the output unless they are the same place (the forward of a view). */
    protected final void copyInput(float[][] inputs, int[] inputOffsets, int batch, float[] out, int outOff) {
        int n = batch * inputSize(0);
        if (inputs[0] != out || inputOffsets[0] != outOff) {
            System.arraycopy(inputs[0], inputOffsets[0], out, outOff, n);
        }
    }

    /**
     * The backward of an operator whose output is input 0 unchanged (a view):
     * {@code dL/dx += dL/dy}, if input 0 wants a gradient.
     */
    protected final void passGradient(BackwardContext ctx) {
        float[] dx = ctx.gradInputs[0];
        if (dx != null) {
            ElementwiseKernels.get().addInPlace(dx, ctx.gradInputOffsets[0], ctx.gradOutput, ctx.gradOutputOffset,
                    ctx.batch * outputSize());
        }
    }

    /** The type; operators with hyper-parameters add them, e.g. {@code MaxPool2d(k=3, s=2, p=1)}. */
    @Override
    public String toString() {
        return type();
    }

    /** A weight and an optional bias (null), in PyTorch registration order. */
    protected static java.util.List<Parameter> weightAndBias(Parameter weight, Parameter bias) {
        return bias == null ? java.util.List.of(weight) : java.util.List.of(weight, bias);
    }
}
