package dev.reliant.data;

import dev.reliant.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A labelled image data set held compactly: raw uint8 pixels, shape [N, C, H, W] (NCHW, each
 * channel plane row-major), one int label per image, and the class names when the files give
 * them. 50,000 CIFAR images take 150 MB this way instead of 600 MB of floats; float batches are
 * made on demand by {@link #batch} with a {@link Normalization}.
 *
 * <p>Immutable: the arrays are never handed out (accessors return copies or single values).
 */
public final class Dataset {
    private final String name;
    private final byte[] pixels;
    private final int[] labels;
    private final int n;
    private final int channels;
    private final int height;
    private final int width;
    private final List<String> classNames;
    private final int numClasses;

    /**
     * Wraps (does not copy) pixels of shape [labels.length, channels, height, width] and the
     * labels.
     *
     * @param name a short description for messages, e.g. {@code cifar10 test}
     * @param classNames the class names in label order, or an empty list when unknown
     * @throws IllegalArgumentException if the sizes disagree or a label is negative or not below
     *     the number of class names
     */
    public Dataset(String name, byte[] pixels, int[] labels, int channels, int height, int width,
            List<String> classNames) {
        this.name = Objects.requireNonNull(name, "name");
        this.classNames = List.copyOf(classNames);
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(name + ": bad image shape " + channels + "x" + height + "x" + width);
        }
        long expect = (long) labels.length * channels * height * width;
        if (expect != pixels.length) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixel bytes for " + labels.length
                    + " images of " + channels + "x" + height + "x" + width + " (expected " + expect + ")");
        }
        int max = -1;
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i];
            if (l < 0 || (!this.classNames.isEmpty() && l >= this.classNames.size())) {
                throw new IllegalArgumentException(name + ": image " + i + " has label " + l + " out of range"
                        + (this.classNames.isEmpty() ? "" : " 0-" + (this.classNames.size() - 1)));
            }
            max = Math.max(max, l);
        }
        this.pixels = pixels;
        this.labels = labels;
        this.n = labels.length;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.numClasses = this.classNames.isEmpty() ? max + 1 : this.classNames.size();
    }

    /** A short description, e.g. {@code cifar10 test}. */
    public String name() {
        return name;
    }

    /** The number of images N. */
    public int size() {
        return n;
    }

    /** C. */
    public int channels() {
        return channels;
    }

    /** H. */
    public int height() {
        return height;
    }

    /** W. */
    public int width() {
        return width;
    }

    /** C × H × W, the number of values of one image. */
    public int imageSize() {
        return channels * height * width;
    }

    /** [C, H, W]. */
    public int[] imageShape() {
        return new int[] {channels, height, width};
    }

    /** The class names in label order; empty when the files do not name them. */
    public List<String> classNames() {
        return classNames;
    }

    /** The number of classes: the number of class names, else the largest label + 1. */
    public int numClasses() {
        return numClasses;
    }

    /** The label of image {@code i}. */
    public int label(int i) {
        Objects.checkIndex(i, n);
        return labels[i];
    }

    /** A copy of all labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** How many images each class has (length {@link #numClasses()}). */
    public int[] labelCounts() {
        int[] counts = new int[numClasses];
        for (int l : labels) {
            counts[l]++;
        }
        return counts;
    }

    /** Pixel (c, y, x) of image {@code i}, 0–255. */
    public int pixel(int i, int c, int y, int x) {
        Objects.checkIndex(i, n);
        Objects.checkIndex(c, channels);
        Objects.checkIndex(y, height);
        Objects.checkIndex(x, width);
        return pixels[((i * channels + c) * height + y) * width + x] & 0xFF;
    }

    /** A copy of the uint8 CHW pixels of image {@code i}. */
    public byte[] image(int i) {
        Objects.checkIndex(i, n);
        int size = imageSize();
        return Arrays.copyOfRange(pixels, i * size, (i + 1) * size);
    }

    /** Copies the uint8 CHW pixels of image {@code i} into {@code dst} at {@code off}. */
    public void copyImage(int i, byte[] dst, int off) {
        Objects.checkIndex(i, n);
        int size = imageSize();
        System.arraycopy(pixels, i * size, dst, off, size);
    }

    /**
     * Fills {@code out} from {@code outOff} with images {@code start … start+count−1}, NCHW
     * float32, normalised by {@code norm} (see {@link Normalization} for the exact arithmetic).
     */
    public void batch(int start, int count, Normalization norm, float[] out, int outOff) {
        Objects.checkFromIndexSize(start, count, n);
        norm.checkChannels(channels);
        int size = imageSize();
        Objects.checkFromIndexSize(outOff, count * size, out.length);
        int plane = height * width;
        for (int k = 0; k < count; k++) {
            norm.apply(pixels, (start + k) * size, channels, plane, out, outOff + k * size);
        }
    }

    /**
     * Fills {@code out} from {@code outOff} with the images {@code order[from … from+count−1]}
     * (any order, for shuffled batches), NCHW float32, normalised by {@code norm}.
     */
    public void batch(int[] order, int from, int count, Normalization norm, float[] out, int outOff) {
        Objects.checkFromIndexSize(from, count, order.length);
        norm.checkChannels(channels);
        int size = imageSize();
        Objects.checkFromIndexSize(outOff, count * size, out.length);
        int plane = height * width;
        for (int k = 0; k < count; k++) {
            int i = Objects.checkIndex(order[from + k], n);
            norm.apply(pixels, i * size, channels, plane, out, outOff + k * size);
        }
    }

    /** Images {@code start … start+count−1} as a new [count, C, H, W] tensor, normalised by {@code norm}. */
    public Tensor toTensor(int start, int count, Normalization norm) {
        Objects.checkFromIndexSize(start, count, n);
        float[] data = new float[count * imageSize()];
        batch(start, count, norm, data, 0);
        return Tensor.of(data, count, channels, height, width);
    }

    /** The first {@code limit} images (all of them if there are fewer). */
    public Dataset subset(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("subset limit must be ≥ 0, got " + limit);
        }
        if (limit >= n) {
            return this;
        }
        return new Dataset(name, Arrays.copyOf(pixels, limit * imageSize()), Arrays.copyOf(labels, limit),
                channels, height, width, classNames);
    }

    /** The images {@code indices[0], indices[1], …}, in that order (repeats allowed). */
    public Dataset select(int[] indices) {
        int size = imageSize();
        byte[] p = new byte[Math.multiplyExact(indices.length, size)];
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = Objects.checkIndex(indices[k], n);
            System.arraycopy(pixels, i * size, p, k * size, size);
            l[k] = labels[i];
        }
        return new Dataset(name, p, l, channels, height, width, classNames);
    }

    /** 0, 1, …, N−1: the order of the files (test order, as torchvision's {@code shuffle=False}). */
    public int[] sequentialOrder() {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    /**
     * A permutation of 0 … N−1 drawn from {@code new SplittableRandom(seed)} by a Fisher–Yates
     * shuffle: the same seed gives the same order on every JDK and machine (DESIGN invariant 4).
     */
    public int[] shuffledOrder(long seed) {
        return shuffle(sequentialOrder(), new SplittableRandom(seed));
    }

    static int[] shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** Package-private view of the pixels for the loader and augmentation (not copied). */
    byte[] rawPixels() {
        return pixels;
    }

    @Override
    public String toString() {
        return name + " [" + n + ", " + channels + ", " + height + ", " + width + "], " + numClasses + " classes";
    }
}
