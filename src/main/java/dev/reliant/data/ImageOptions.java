package dev.reliant.data;

import dev.reliant.simd.Parallel;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * How image files become the uint8 CHW images of a {@link Dataset}: the number of channels (3:
 * RGB, grey images copied to three planes, as Pillow's {@code convert("RGB")}; 1: grey) and an
 * optional resize target with its {@link Resize.Mode}. Without a resize target every image must
 * have the size of the first.
 */
public final class ImageOptions {
    private final int channels;
    private final int height;
    private final int width;
    private final Resize.Mode mode;

    private ImageOptions(int channels, int height, int width, Resize.Mode mode) {
        if (channels != 1 && channels != 3) {
            throw new DatasetException("images must have 1 or 3 channels, got " + channels);
        }
        if (height < 0 || width < 0 || (height == 0) != (width == 0)) {
            throw new DatasetException("bad resize target " + height + "x" + width);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.mode = mode;
    }

    /** RGB, no resizing. */
    public static ImageOptions rgb() {
        return new ImageOptions(3, 0, 0, Resize.Mode.PIL);
    }

    /** One grey channel, no resizing. */
    public static ImageOptions grey() {
        return new ImageOptions(1, 0, 0, Resize.Mode.PIL);
    }

    /** These options with a resize to {@code height × width} in the given mode. */
    public ImageOptions resize(int height, int width, Resize.Mode mode) {
        if (height < 1 || width < 1) {
            throw new DatasetException("resize target must be positive, got " + height + "x" + width);
        }
        return new ImageOptions(channels, height, width, mode);
    }

    public int channels() {
        return channels;
    }

    /** The resize target height, 0 for none. */
    public int height() {
        return height;
    }

    /** The resize target width, 0 for none. */
    public int width() {
        return width;
    }

    public Resize.Mode mode() {
        return mode;
    }

    @Override
    public String toString() {
        return (channels == 3 ? "rgb" : "grey") + (height == 0 ? "" : ", resize " + height + "x" + width + " " + mode);
    }

    /** One image to load: its file, its label, and where it was named (for error messages). */
    static final class Entry {
        final Path file;
        final int label;
        final String where;

        Entry(Path file, int label, String where) {
            this.file = file;
            this.label = label;
            this.where = where;
        }
    }

    /**
     * Decodes, converts and resizes the images (in parallel; each lands in its own slot, so the
     * result does not depend on the thread count) and builds the data set. The error of the
     * earliest failing entry is thrown.
     */
    Dataset load(String name, List<Entry> entries, List<String> classNames) {
        int n = entries.size();
        UInt8Image first = decode(entries.get(0));
        int h = first.height();
        int w = first.width();
        int size = channels * h * w;
        if ((long) n * size > Integer.MAX_VALUE - 16) {
            throw new DatasetException(name + ": " + n + " images of " + channels + "x" + h + "x" + w
                    + " are too many to hold in one array; choose a smaller resize target");
        }
        byte[] pixels = new byte[n * size];
        int[] labels = new int[n];
        RuntimeException[] errors = new RuntimeException[n];
        Parallel.forRange(n, 16, (start, end) -> {
            for (int i = start; i < end; i++) {
                Entry e = entries.get(i);
                try {
                    UInt8Image img = i == 0 ? first : decode(e);
                    if (img.height() != h || img.width() != w) {
                        throw new DatasetException(e.where + ": image is " + img.width() + "x" + img.height()
                                + " but the first image is " + w + "x" + h + "; give a resize target");
                    }
                    System.arraycopy(img.pixels(), 0, pixels, i * size, size);
                    labels[i] = e.label;
                } catch (RuntimeException ex) {
                    errors[i] = ex;
                }
            }
        });
        for (RuntimeException ex : errors) {
            if (ex != null) {
                throw ex;
            }
        }
        return new Dataset(name, pixels, labels, channels, h, w, classNames);
    }

    private UInt8Image decode(Entry e) {
        UInt8Image img;
        try {
            img = ImageFiles.read(e.file);
        } catch (NoSuchFileException ex) {
            throw new DatasetException(e.where + ": image not found: " + e.file);
        } catch (IOException | RuntimeException ex) {
            String why = ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
            throw new DatasetException(e.where + ": cannot read image " + e.file + ": " + why, ex);
        }
        img = img.withChannels(channels);
        if (height > 0) {
            img = Resize.resize(img, height, width, mode);
        }
        return img;
    }
}
