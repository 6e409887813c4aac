package dev.reliant.data;

import java.util.Objects;

/**
 * One image of uint8 pixels, CHW (each channel plane row-major): what the image readers produce
 * and {@link Resize} transforms before the pixels go into a {@link Dataset}.
 */
public final class UInt8Image {
    private final int channels;
    private final int height;
    private final int width;
    private final byte[] pixels;

    /** Wraps (does not copy) {@code pixels}, which must hold channels × height × width bytes. */
    public UInt8Image(int channels, int height, int width, byte[] pixels) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("bad image shape " + channels + "x" + height + "x" + width);
        }
        if ((long) channels * height * width != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " bytes for an image of " + channels + "x" + height
                    + "x" + width);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.pixels = Objects.requireNonNull(pixels);
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** The CHW bytes (not copied). */
    public byte[] pixels() {
        return pixels;
    }

    /** Pixel (c, y, x), 0–255. */
    public int get(int c, int y, int x) {
        return pixels[(c * height + y) * width + x] & 0xFF;
    }

    /**
     * This image with {@code target} channels (1 or 3), converted as Pillow's {@code
     * convert("RGB")} / {@code convert("L")} do: grey to RGB copies the plane; RGB to grey is
     * {@code (19595 R + 38470 G + 7471 B + 0x8000) >> 16}.
     */
    public UInt8Image withChannels(int target) {
        if (target == channels) {
            return this;
        }
        int plane = height * width;
        if (channels == 1 && target == 3) {
            byte[] out = new byte[3 * plane];
            for (int c = 0; c < 3; c++) {
                System.arraycopy(pixels, 0, out, c * plane, plane);
            }
            return new UInt8Image(3, height, width, out);
        }
        if (channels == 3 && target == 1) {
            byte[] out = new byte[plane];
            for (int i = 0; i < plane; i++) {
                int r = pixels[i] & 0xFF;
                int g = pixels[plane + i] & 0xFF;
                int b = pixels[2 * plane + i] & 0xFF;
                out[i] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
            }
            return new UInt8Image(1, height, width, out);
        }
        throw new IllegalArgumentException("cannot convert an image of " + channels + " channels to " + target);
    }
}
