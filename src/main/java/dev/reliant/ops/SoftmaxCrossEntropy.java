package dev.reliant.ops;

import dev.reliant.simd.Ranking;

/**
 * The classification loss of training: {@code nn.CrossEntropyLoss(label_smoothing=ε)} on logits
 * {@code [B, C]} with integer labels, reduction mean.
 *
 * <p>Per image, with {@code log p = x − logsumexp(x)} and the target
 * {@code t = (1 − ε)·onehot(label) + ε/C} (PyTorch's smoothing), the loss is {@code −Σ t·log p}
 * and its gradient {@code (softmax(x) − t) / B}. Everything is computed in double (C is small),
 * with the row maximum subtracted before exponentiating, so huge logits do not overflow, and with
 * {@link StrictMath} so that the bits are the same on every JVM and JIT state. A NaN or
 * infinite logit gives a non-finite loss (and gradient), which is returned as it is: deciding what
 * to do about it is the training loop's business ({@link Result#isFinite()}).
 */
public final class SoftmaxCrossEntropy {
    private final int classes;
    private final double labelSmoothing;

    /** The loss over {@code classes} classes without label smoothing. */
    public SoftmaxCrossEntropy(int classes) {
        this(classes, 0);
    }

    /** The loss over {@code classes} classes with label smoothing ε in [0, 1]. */
    public SoftmaxCrossEntropy(int classes, double labelSmoothing) {
        if (classes < 1) {
            throw new IllegalArgumentException("cross-entropy needs at least one class, got " + classes);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        this.classes = classes;
        this.labelSmoothing = labelSmoothing;
    }

    public int classes() {
        return classes;
    }

    public double labelSmoothing() {
        return labelSmoothing;
    }

    /**
     * The mean loss of a batch and the number of images whose top-1 class
     * ({@link Ranking#argmax}: first maximum, NaN counting as largest) equals the label.
     */
    public record Result(double loss, int correct) {
        /** False when the loss is NaN or infinite (a diverged step). */
        public boolean isFinite() {
            return Double.isFinite(loss);
        }
    }

    /**
     * Computes the loss of {@code batch} images whose logits are rows of {@code classes} values
     * from {@code logitsOff} and whose labels are {@code labels[labelsOff …]}, and, when
     * {@code grad} is not null, <b>writes</b> (does not add) dL/dlogits there from
     * {@code gradOff}.
     *
     * @throws IllegalArgumentException for a batch below 1, an array too short, or a label
     *     outside [0, classes)
     */
    public Result compute(float[] logits, int logitsOff, int batch, int[] labels, int labelsOff, float[] grad,
                          int gradOff) {
        check(logits, logitsOff, batch, labels, labelsOff, grad, gradOff);
        double smooth = labelSmoothing / classes;
        double total = 0;
        int correct = 0;
        for (int b = 0; b < batch; b++) {
            int row = logitsOff + b * classes;
            int label = labels[labelsOff + b];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, logits[row + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += StrictMath.exp(logits[row + k] - max);
            }
            // log p_k = (x_k − max) − log Σ: the shifted logits keep log Σ from vanishing next to a huge max.
            double logSum = StrictMath.log(sum);
            double loss = -(1 - labelSmoothing) * (logits[row + label] - max - logSum);
            if (labelSmoothing > 0) {
                double sumLogP = 0;
                for (int k = 0; k < classes; k++) {
                    sumLogP += logits[row + k] - max - logSum;
                }
                loss -= smooth * sumLogP;
            }
            total += loss;
            if (grad != null) {
                int g = gradOff + b * classes;
                for (int k = 0; k < classes; k++) {
                    double target = (k == label ? 1 - labelSmoothing : 0) + smooth;
                    grad[g + k] = (float) ((StrictMath.exp(logits[row + k] - max) / sum - target) / batch);
                }
            }
            if (Ranking.argmax(logits, row, classes) == label) {
                correct++;
            }
        }
        return new Result(total / batch, correct);
    }

    private void check(float[] logits, int logitsOff, int batch, int[] labels, int labelsOff, float[] grad,
                       int gradOff) {
        if (batch < 1) {
            throw new IllegalArgumentException("cross-entropy needs a batch of at least one image, got " + batch);
        }
        long n = (long) batch * classes;
        requireSpan("logits", logits == null ? -1 : logits.length, logitsOff, n);
        requireSpan("labels", labels == null ? -1 : labels.length, labelsOff, batch);
        if (grad != null) {
            requireSpan("gradient", grad.length, gradOff, n);
        }
        for (int b = 0; b < batch; b++) {
            int label = labels[labelsOff + b];
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("cross-entropy: label " + label + " of image " + b
                        + " is outside [0, " + classes + ")");
            }
        }
    }

    private static void requireSpan(String what, int length, int offset, long count) {
        if (length < 0) {
            throw new IllegalArgumentException("cross-entropy: " + what + " is null");
        }
        if (offset < 0 || offset + count > length) {
            throw new IllegalArgumentException("cross-entropy: " + what + " needs " + count + " values from offset "
                    + offset + ", array has " + length);
        }
    }
}
