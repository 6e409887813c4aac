package dev.reliant.models;

/**
 * Options of a zoo model: number of classes, input size (height = width) and input channels
 * (e.g. 1 for a CIFAR ResNet trained on Fashion-MNIST), each defaulting to the architecture's
 * own when not set. Immutable.
 */
public final class ModelOptions {
    private static final ModelOptions DEFAULTS = new ModelOptions(0, 0, 0);

    private final int classes;
    private final int inputSize;
    private final int inputChannels;

    private ModelOptions(int classes, int inputSize, int inputChannels) {
        this.classes = classes;
        this.inputSize = inputSize;
        this.inputChannels = inputChannels;
    }

    /** Every option at the architecture's default. */
    public static ModelOptions defaults() {
        return DEFAULTS;
    }

    /** Number of output classes (≥ 1). */
    public ModelOptions classes(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("number of classes must be >= 1, got " + n);
        }
        return new ModelOptions(n, inputSize, inputChannels);
    }

    /** Input height and width in pixels (≥ 1). */
    public ModelOptions inputSize(int pixels) {
        if (pixels < 1) {
            throw new IllegalArgumentException("input size must be >= 1 pixel, got " + pixels);
        }
        return new ModelOptions(classes, pixels, inputChannels);
    }

    /** Input channels (≥ 1). */
    public ModelOptions inputChannels(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("input channels must be >= 1, got " + channels);
        }
        return new ModelOptions(classes, inputSize, channels);
    }

    /** The input channels, or {@code fallback} when not set. */
    public int inputChannelsOr(int fallback) {
        return inputChannels > 0 ? inputChannels : fallback;
    }

    /** The class count, or {@code fallback} when not set. */
    public int classesOr(int fallback) {
        return classes > 0 ? classes : fallback;
    }

    /** The input size, or {@code fallback} when not set. */
    public int inputSizeOr(int fallback) {
        return inputSize > 0 ? inputSize : fallback;
    }

    @Override
    public String toString() {
        return "classes=" + (classes > 0 ? classes : "default") + ", inputSize=" + (inputSize > 0 ? inputSize : "default")
                + ", inputChannels=" + (inputChannels > 0 ? inputChannels : "default");
    }
}
