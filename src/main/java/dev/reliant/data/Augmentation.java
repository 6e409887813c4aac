package dev.reliant.data;

import java.util.SplittableRandom;

/**
 * Training-time augmentation of uint8 images, torchvision's usual CIFAR recipe {@code
 * RandomCrop(size, padding=pad)} then {@code RandomHorizontalFlip()}, both before {@code ToTensor}
 * and {@code Normalize}: it works on the uint8 pixels, so a padding pixel is 0 before
 * normalisation and becomes {@code (0 − mean) / std} afterwards, exactly as when torchvision pads
 * the PIL image with 0.
 *
 * <p>Per image, the draws are: crop top {@code i} uniform in [0, H + 2·pad − size], crop left
 * {@code j} uniform in [0, W + 2·pad − size], then flip when a uniform double is below the flip
 * probability. The generator is {@link #rngFor(long, int, int)}: one stream per (seed, epoch,
 * image index), so the augmentation of an image does not depend on the batch size, the order in
 * which batches are made, or the number of threads (DESIGN invariants 1 and 4). The draws cannot
 * match PyTorch's own generator; they reproduce its distribution.
 */
public final class Augmentation {
    private final int size;
    private final int pad;
    private final double flipProbability;

    /**
     * @param size the crop size (square), e.g. 32
     * @param pad zero padding on every side before cropping, e.g. 4 (0: no cropping when size
     *     equals the image size)
     * @param flipProbability probability of a horizontal flip, e.g. 0.5 (0: never)
     */
    public Augmentation(int size, int pad, double flipProbability) {
        if (size < 1 || pad < 0 || !(flipProbability >= 0 && flipProbability <= 1)) {
            throw new IllegalArgumentException("bad augmentation: crop " + size + ", padding " + pad
                    + ", flip probability " + flipProbability);
        }
        this.size = size;
        this.pad = pad;
        this.flipProbability = flipProbability;
    }

    /** The CIFAR recipe: pad 4, crop 32, flip with probability 0.5. */
    public static Augmentation cifar() {
        return new Augmentation(32, 4, 0.5);
    }

    /** The crop size. */
    public int size() {
        return size;
    }

    /** The padding. */
    public int padding() {
        return pad;
    }

    /** The flip probability. */
    public double flipProbability() {
        return flipProbability;
    }

    /** The generator for image {@code index} in epoch {@code epoch} of a run seeded with {@code seed}. */
    public static SplittableRandom rngFor(long seed, int epoch, int index) {
        long s = seed;
        s = mix(s + 0x9E3779B97F4A7C15L * (epoch + 1L));
        s = mix(s + 0xC2B2AE3D27D4EB4FL * (index + 1L));
        return new SplittableRandom(s);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Augments one uint8 CHW image of {@code channels × height × width} from {@code src} into a
     * {@code channels × size × size} image in {@code dst}.
     */
    public void apply(byte[] src, int srcOff, int channels, int height, int width, SplittableRandom rng,
            byte[] dst, int dstOff) {
        int ph = height + 2 * pad;
        int pw = width + 2 * pad;
        if (size > ph || size > pw) {
            throw new IllegalArgumentException("crop " + size + " larger than the padded image " + ph + "x" + pw);
        }
        int top = rng.nextInt(ph - size + 1);
        int left = rng.nextInt(pw - size + 1);
        boolean flip = flipProbability > 0 && rng.nextDouble() < flipProbability;
        for (int c = 0; c < channels; c++) {
            int sp = srcOff + c * height * width;
            int dp = dstOff + c * size * size;
            for (int y = 0; y < size; y++) {
                int sy = top + y - pad;
                for (int x = 0; x < size; x++) {
                    int ox = flip ? size - 1 - x : x;
                    int sx = left + x - pad;
                    byte v = 0;
                    if (sy >= 0 && sy < height && sx >= 0 && sx < width) {
                        v = src[sp + sy * width + sx];
                    }
                    dst[dp + y * size + ox] = v;
                }
            }
        }
    }

    /** Augments image {@code index} of {@code data} with the generator {@code rng}. */
    public UInt8Image apply(Dataset data, int index, SplittableRandom rng) {
        byte[] out = new byte[data.channels() * size * size];
        apply(data.rawPixels(), index * data.imageSize(), data.channels(), data.height(), data.width(), rng, out, 0);
        return new UInt8Image(data.channels(), size, size, out);
    }

    @Override
    public String toString() {
        return "random crop " + size + " (padding " + pad + "), horizontal flip p=" + flipProbability;
    }
}
