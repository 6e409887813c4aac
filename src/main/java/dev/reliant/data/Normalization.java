package dev.reliant.data;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns uint8 pixels into the float32 values a network sees, with exactly the arithmetic of
 * torchvision's {@code ToTensor()} followed by {@code Normalize(mean, std)}:
 *
 * <pre>
 *   x = (float) pixel / 255f            // ToTensor: byte.float().div(255), float32 division
 *   y = (x - mean[c]) / std[c]          // Normalize: sub_(mean).div_(std), float32, in that order
 * </pre>
 *
 * where {@code mean[c]} and {@code std[c]} are the float32 values of the given decimals, rounded
 * the way {@code torch.as_tensor(list_of_python_floats, dtype=torch.float32)} rounds them: decimal
 * → double → float ({@code (float) Double.parseDouble(s)}, which can differ from {@code
 * Float.parseFloat(s)} in the last bit). The division is a true division, not a multiplication by
 * the reciprocal of 255 or of std, which would change some results in the last bit. The tests
 * compare every pixel value of every preset with bit patterns produced by PyTorch.
 *
 * <p>A normalisation with one mean and one std applies them to every channel (as torchvision's
 * broadcasting does); otherwise the number of values must equal the number of channels.
 *
 * <p>Since the result depends only on (channel, pixel), it is computed once into a 256-entry
 * table per channel; converting a batch is then a table look-up per pixel.
 */
public final class Normalization {
    /** CIFAR-10, as used by the reliability benchmark model set. */
    public static final Normalization CIFAR = preset("cifar",
            new double[] {0.4914, 0.4822, 0.4465}, new double[] {0.2023, 0.1994, 0.2010});
    /** ImageNet statistics (the akamaster CIFAR-10 ResNets were trained with these). */
    public static final Normalization IMAGENET = preset("imagenet",
            new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});
    /** CIFAR-100 training-set statistics. */
    public static final Normalization CIFAR100 = preset("cifar100",
            new double[] {0.5070751592371323, 0.48654887331495095, 0.4409178433670343},
            new double[] {0.2673342858792401, 0.2564384629170883, 0.27615047132568404});
    /** GTSRB, as used by the reliability benchmark model set. */
    public static final Normalization GTSRB = preset("gtsrb",
            new double[] {0.3403, 0.3121, 0.3214}, new double[] {0.2724, 0.2608, 0.2669});
    /** MNIST (one channel). */
    public static final Normalization MNIST = preset("mnist", new double[] {0.1307}, new double[] {0.3081});
    /** {@code x / 255} only (mean 0, std 1, any number of channels). */
    public static final Normalization NONE = preset("none", new double[] {0.0}, new double[] {1.0});

    private static final Map<String, Normalization> PRESETS = new LinkedHashMap<>();

    static {
        for (Normalization n : List.of(CIFAR, CIFAR100, GTSRB, IMAGENET, MNIST, NONE)) {
            PRESETS.put(n.name, n);
        }
    }

    private final String name;
    private final double[] meanDecimal;
    private final double[] stdDecimal;
    private final float[] mean;
    private final float[] std;
    private final float[][] tables;

    private Normalization(String name, double[] mean, double[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new DatasetException("normalisation needs as many means as stds (at least one), got "
                    + mean.length + " mean(s) and " + std.length + " std(s)");
        }
        this.meanDecimal = mean.clone();
        this.stdDecimal = std.clone();
        this.mean = new float[mean.length];
        this.std = new float[std.length];
        for (int c = 0; c < mean.length; c++) {
            if (!Double.isFinite(mean[c])) {
                throw new DatasetException("normalisation mean " + (c + 1) + " is not a finite number: " + mean[c]);
            }
            if (!(std[c] > 0) || !Double.isFinite(std[c]) || (float) std[c] == 0f) {
                throw new DatasetException("normalisation std " + (c + 1) + " must be a positive number, got "
                        + std[c]);
            }
            this.mean[c] = (float) mean[c];
            this.std[c] = (float) std[c];
        }
        this.name = name != null ? name : spec(meanDecimal, stdDecimal);
        this.tables = new float[mean.length][256];
        for (int c = 0; c < mean.length; c++) {
            for (int p = 0; p < 256; p++) {
                tables[c][p] = compute(p, this.mean[c], this.std[c]);
            }
        }
    }

    private static Normalization preset(String name, double[] mean, double[] std) {
        return new Normalization(name, mean, std);
    }

    /**
     * A normalisation with the given per-channel mean and std (in units of the [0, 1] range, as
     * for torchvision's {@code Normalize}); each double is rounded to float32.
     */
    public static Normalization of(double[] mean, double[] std) {
        return new Normalization(null, mean, std);
    }

    /** The preset names, sorted: cifar, cifar100, gtsrb, imagenet, mnist, none. */
    public static List<String> presetNames() {
        return List.copyOf(PRESETS.keySet());
    }

    /**
     * A preset name ({@link #presetNames()}, case-insensitive) or a custom {@code
     * MEANS/STDS} such as {@code 0.5,0.5,0.5/0.25,0.25,0.25} or {@code 0.1307/0.3081}.
     *
     * @throws DatasetException with a one-line message for anything else
     */
    public static Normalization parse(String text) {
        if (text == null || text.isBlank()) {
            throw new DatasetException("empty normalisation; " + accepted());
        }
        String s = text.strip();
        Normalization p = PRESETS.get(s.toLowerCase(Locale.ROOT));
        if (p != null) {
            return p;
        }
        String[] parts = s.split("/", -1);
        if (parts.length != 2) {
            throw new DatasetException("unknown normalisation '" + s + "'; " + accepted());
        }
        double[] m = numbers(s, parts[0], "mean");
        double[] sd = numbers(s, parts[1], "std");
        if (m.length != sd.length) {
            throw new DatasetException("normalisation '" + s + "' has " + m.length + " mean(s) but " + sd.length
                    + " std(s)");
        }
        return of(m, sd);
    }

    private static double[] numbers(String whole, String list, String what) {
        String[] items = list.split(",", -1);
        double[] out = new double[items.length];
        for (int i = 0; i < items.length; i++) {
            String item = items[i].strip();
            try {
                out[i] = Double.parseDouble(item);
            } catch (NumberFormatException e) {
                throw new DatasetException("normalisation '" + whole + "': " + what + " " + (i + 1) + " '" + item
                        + "' is not a number; " + accepted());
            }
        }
        return out;
    }

    private static String accepted() {
        return "expected one of " + String.join(", ", PRESETS.keySet())
                + " or MEANS/STDS such as 0.5,0.5,0.5/0.25,0.25,0.25";
    }

    /** ToTensor's value of a pixel: {@code (float) pixel / 255f}. */
    public static float toUnit(int pixel) {
        return (float) pixel / 255f;
    }

    private static float compute(int pixel, float mean, float std) {
        float x = (float) pixel / 255f;
        float d = x - mean;
        return d / std;
    }

    /** The preset name, or the custom {@code MEANS/STDS} text. */
    public String name() {
        return name;
    }

    /** The number of values (1 = the same for every channel). */
    public int channels() {
        return mean.length;
    }

    /** The means as float32 (what the arithmetic uses). */
    public float[] mean() {
        return mean.clone();
    }

    /** The stds as float32 (what the arithmetic uses). */
    public float[] std() {
        return std.clone();
    }

    /** The normalised value of a pixel (0–255) of channel {@code channel}. */
    public float apply(int channel, int pixel) {
        return table(channel)[pixel];
    }

    /** The normalised values of pixels 0…255 of a channel (a copy). */
    public float[] lookupTable(int channel) {
        return table(channel).clone();
    }

    float[] table(int channel) {
        return tables.length == 1 ? tables[0] : tables[channel];
    }

    /** Throws a one-line error unless this normalisation fits images of {@code channels} channels. */
    public void checkChannels(int channels) {
        if (mean.length != 1 && mean.length != channels) {
            throw new DatasetException("normalisation '" + name + "' has " + mean.length
                    + " channel values but the images have " + channels + " channel(s)");
        }
    }

    /**
     * Normalises one uint8 CHW image of {@code channels × plane} pixels from {@code src} into
     * {@code dst}.
     */
    public void apply(byte[] src, int srcOff, int channels, int plane, float[] dst, int dstOff) {
        checkChannels(channels);
        for (int c = 0; c < channels; c++) {
            float[] t = table(c);
            int s = srcOff + c * plane;
            int d = dstOff + c * plane;
            for (int i = 0; i < plane; i++) {
                dst[d + i] = t[src[s + i] & 0xFF];
            }
        }
    }

    /** The canonical {@code MEANS/STDS} text of this normalisation. */
    public String spec() {
        return spec(meanDecimal, stdDecimal);
    }

    private static String spec(double[] mean, double[] std) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < mean.length; i++) {
            b.append(i == 0 ? "" : ",").append(mean[i]);
        }
        b.append('/');
        for (int i = 0; i < std.length; i++) {
            b.append(i == 0 ? "" : ",").append(std[i]);
        }
        return b.toString();
    }

    /** Equal when the float32 means and stds are equal (the arithmetic is the same). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization && Arrays.equals(mean, ((Normalization) o).mean)
                && Arrays.equals(std, ((Normalization) o).std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    /** The name and, for a preset, its values: {@code cifar (0.4914,0.4822,0.4465/0.2023,0.1994,0.201)}. */
    @Override
    public String toString() {
        return PRESETS.containsKey(name) ? name + " (" + spec() + ")" : spec();
    }
}
