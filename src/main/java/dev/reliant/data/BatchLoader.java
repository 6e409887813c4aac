package dev.reliant.data;

import dev.reliant.tensor.Tensor;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Batches of normalised float32 images (NCHW) with their labels, over a {@link Dataset}: in
 * file order ({@link #sequential}, for evaluation, torchvision's {@code shuffle=False}) or in a
 * seeded shuffled order ({@link #shuffled}, for training), optionally with seeded
 * {@link Augmentation}.
 *
 * <p>Determinism (DESIGN invariant 4): the shuffled order of epoch {@code e} is a Fisher–Yates
 * shuffle drawn from {@code new SplittableRandom(seed + e × 0x9E3779B97F4A7C15L)}, so epoch 0 is
 * {@link Dataset#shuffledOrder(long) dataset.shuffledOrder(seed)}; the augmentation of an image
 * draws from {@link Augmentation#rngFor(long, int, int) rngFor(seed, e, image index)}. The same
 * seed and epoch give the same batches, bit for bit, whatever the batch size.
 *
 * <p>A loader is immutable and its batches can be made in any order ({@link #batch(int)}).
 */
public final class BatchLoader implements Iterable<BatchLoader.Batch> {
    private final Dataset data;
    private final int batchSize;
    private final Normalization norm;
    private final boolean shuffle;
    private final long seed;
    private final int epoch;
    private final Augmentation augmentation;
    private final boolean dropLast;
    private final int[] order;

    private BatchLoader(Dataset data, int batchSize, Normalization norm, boolean shuffle, long seed, int epoch,
            Augmentation augmentation, boolean dropLast) {
        this.data = Objects.requireNonNull(data, "data");
        this.norm = Objects.requireNonNull(norm, "normalization");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be ≥ 0, got " + epoch);
        }
        norm.checkChannels(data.channels());
        if (augmentation != null && (augmentation.size() > data.height() + 2 * augmentation.padding()
                || augmentation.size() > data.width() + 2 * augmentation.padding())) {
            throw new IllegalArgumentException("augmentation crop " + augmentation.size() + " does not fit "
                    + data.name() + " images of " + data.height() + "x" + data.width() + " padded by "
                    + augmentation.padding());
        }
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.epoch = epoch;
        this.augmentation = augmentation;
        this.dropLast = dropLast;
        this.order = shuffle ? orderFor(data.size(), seed, epoch) : data.sequentialOrder();
    }

    /** Batches in file order, no augmentation. */
    public static BatchLoader sequential(Dataset data, int batchSize, Normalization norm) {
        return new BatchLoader(data, batchSize, norm, false, 0, 0, null, false);
    }

    /** Batches in the shuffled order of epoch 0 for {@code seed}. */
    public static BatchLoader shuffled(Dataset data, int batchSize, Normalization norm, long seed) {
        return new BatchLoader(data, batchSize, norm, true, seed, 0, null, false);
    }

    /** The shuffled order of epoch {@code epoch} for {@code seed} over {@code n} images. */
    public static int[] orderFor(int n, long seed, int epoch) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return Dataset.shuffle(a, new SplittableRandom(seed + epoch * 0x9E3779B97F4A7C15L));
    }

    /** This loader for another epoch (a new order when shuffled, new augmentation draws). */
    public BatchLoader epoch(int e) {
        return new BatchLoader(data, batchSize, norm, shuffle, seed, e, augmentation, dropLast);
    }

    /**
     * This loader with augmentation drawn from {@code seed} (for a shuffled loader, its own
     * seed is used and {@code seed} must be the same or the loader's).
     */
    public BatchLoader augment(Augmentation a, long seed) {
        if (shuffle && seed != this.seed) {
            throw new IllegalArgumentException("a shuffled loader augments with its own seed " + this.seed
                    + ", got " + seed);
        }
        return new BatchLoader(data, batchSize, norm, shuffle, seed, epoch, a, dropLast);
    }

    /** This loader with augmentation drawn from its own seed. */
    public BatchLoader augment(Augmentation a) {
        return augment(a, seed);
    }

    /** Whether to leave out a last, incomplete batch (as PyTorch's {@code drop_last}). */
    public BatchLoader dropLast(boolean drop) {
        return new BatchLoader(data, batchSize, norm, shuffle, seed, epoch, augmentation, drop);
    }

    public Dataset dataset() {
        return data;
    }

    public int batchSize() {
        return batchSize;
    }

    public Normalization normalization() {
        return norm;
    }

    /** The seed of the order and augmentation (0 for a sequential loader without augmentation). */
    public long seed() {
        return seed;
    }

    public int epoch() {
        return epoch;
    }

    /** The image order of this epoch (a copy). */
    public int[] order() {
        return order.clone();
    }

    /** The number of batches. */
    public int batches() {
        int n = data.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The shape of one output image [C, H, W] (after augmentation's crop). */
    public int[] imageShape() {
        return augmentation == null ? data.imageShape()
                : new int[] {data.channels(), augmentation.size(), augmentation.size()};
    }

    /** Batch {@code b} (0 ≤ b &lt; {@link #batches()}). */
    public Batch batch(int b) {
        Objects.checkIndex(b, batches());
        int from = b * batchSize;
        int count = Math.min(batchSize, data.size() - from);
        int[] indices = Arrays.copyOfRange(order, from, from + count);
        int[] labels = new int[count];
        for (int k = 0; k < count; k++) {
            labels[k] = data.label(indices[k]);
        }
        int[] shape = imageShape();
        int size = shape[0] * shape[1] * shape[2];
        float[] out = new float[count * size];
        if (augmentation == null) {
            data.batch(order, from, count, norm, out, 0);
        } else {
            byte[] tmp = new byte[size];
            byte[] px = data.rawPixels();
            int plane = shape[1] * shape[2];
            for (int k = 0; k < count; k++) {
                int i = indices[k];
                augmentation.apply(px, i * data.imageSize(), data.channels(), data.height(), data.width(),
                        Augmentation.rngFor(seed, epoch, i), tmp, 0);
                norm.apply(tmp, 0, shape[0], plane, out, k * size);
            }
        }
        return new Batch(b, indices, Tensor.of(out, count, shape[0], shape[1], shape[2]), labels);
    }

    @Override
    public Iterator<Batch> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < batches();
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return batch(next++);
            }
        };
    }

    /** One batch: its number, the data-set indices of its images, the images [n, C, H, W], the labels. */
    public static final class Batch {
        private final int number;
        private final int[] indices;
        private final Tensor images;
        private final int[] labels;

        Batch(int number, int[] indices, Tensor images, int[] labels) {
            this.number = number;
            this.indices = indices;
            this.images = images;
            this.labels = labels;
        }

        /** The batch number within the epoch. */
        public int number() {
            return number;
        }

        /** The number of images. */
        public int size() {
            return labels.length;
        }

        /** The data-set index of each image (a copy). */
        public int[] indices() {
            return indices.clone();
        }

        /** The normalised images, [n, C, H, W]. */
        public Tensor images() {
            return images;
        }

        /** The labels (a copy). */
        public int[] labels() {
            return labels.clone();
        }
    }
}
