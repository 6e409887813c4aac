package dev.reliant.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads Netpbm images, which {@code javax.imageio} cannot: PPM ({@code P6} binary, {@code P3}
 * ASCII; RGB) and PGM ({@code P5}, {@code P2}; grey). GTSRB ships its images as binary PPM.
 * Comments ({@code #} to the end of a line) are allowed in the header. A maximum value other
 * than 255 (1 … 65535; two big-endian bytes per sample above 255) is scaled to 0–255 as
 * {@code round(v × 255 / maxval)}.
 */
public final class PpmReader {
    private PpmReader() {}

    /** Whether {@code bytes} start like a Netpbm image this reader handles ({@code P2, P3, P5, P6}). */
    public static boolean isPnm(byte[] bytes) {
        return bytes.length >= 2 && bytes[0] == 'P' && (bytes[1] == '2' || bytes[1] == '3' || bytes[1] == '5'
                || bytes[1] == '6');
    }

    /** Reads a file. */
    public static UInt8Image read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw DatasetException.io(file, e);
        }
        try {
            return decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new DatasetException(file, e.getMessage());
        }
    }

    /**
     * Decodes the bytes of a PPM/PGM image.
     *
     * @throws IllegalArgumentException with a one-line message if they are malformed
     */
    public static UInt8Image decode(byte[] b) {
        if (!isPnm(b)) {
            throw new IllegalArgumentException("not a PPM/PGM image (expected P2, P3, P5 or P6 at the start)");
        }
        char kind = (char) b[1];
        boolean ascii = kind == '2' || kind == '3';
        int channels = (kind == '3' || kind == '6') ? 3 : 1;
        int[] pos = {2};
        int width = headerInt(b, pos, "width");
        int height = headerInt(b, pos, "height");
        int maxval = headerInt(b, pos, "maximum value");
        if (width < 1 || height < 1 || width > IdxReader.MAX_SIDE || height > IdxReader.MAX_SIDE) {
            throw new IllegalArgumentException("implausible PPM size " + width + "x" + height);
        }
        if (maxval < 1 || maxval > 65535) {
            throw new IllegalArgumentException("PPM maximum value " + maxval + " out of range 1-65535");
        }
        int plane = width * height;
        int samples = plane * channels;
        byte[] out = new byte[samples];
        if (ascii) {
            for (int i = 0; i < samples; i++) {
                int v = headerInt(b, pos, "sample " + i);
                store(out, i, v, maxval, channels, plane);
            }
        } else {
            int p = pos[0];
            if (p >= b.length || !isSpace(b[p])) {
                throw new IllegalArgumentException("truncated PPM header");
            }
            p++; // exactly one whitespace byte before binary data
            int bytesPerSample = maxval < 256 ? 1 : 2;
            long need = (long) samples * bytesPerSample;
            if (b.length - p < need) {
                throw new IllegalArgumentException("truncated PPM data: " + width + "x" + height + " needs " + need
                        + " bytes, the file has " + (b.length - p));
            }
            for (int i = 0; i < samples; i++) {
                int v = bytesPerSample == 1 ? b[p + i] & 0xFF
                        : ((b[p + 2 * i] & 0xFF) << 8) | (b[p + 2 * i + 1] & 0xFF);
                store(out, i, v, maxval, channels, plane);
            }
        }
        return new UInt8Image(channels, height, width, out);
    }

    /** Stores interleaved sample {@code i} into its CHW place, scaled to 0–255. */
    private static void store(byte[] out, int i, int v, int maxval, int channels, int plane) {
        if (v > maxval) {
            throw new IllegalArgumentException("PPM sample " + v + " exceeds the maximum value " + maxval);
        }
        int scaled = maxval == 255 ? v : (int) ((v * 255L * 2 + maxval) / (2L * maxval));
        int pixel = i / channels;
        int c = i - pixel * channels;
        out[c * plane + pixel] = (byte) scaled;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C;
    }

    private static int headerInt(byte[] b, int[] pos, String what) {
        int p = pos[0];
        while (p < b.length) {
            if (isSpace(b[p])) {
                p++;
            } else if (b[p] == '#') {
                while (p < b.length && b[p] != '\n' && b[p] != '\r') {
                    p++;
                }
            } else {
                break;
            }
        }
        if (p >= b.length) {
            throw new IllegalArgumentException("truncated PPM: " + what + " missing");
        }
        long v = 0;
        int start = p;
        while (p < b.length && b[p] >= '0' && b[p] <= '9') {
            v = v * 10 + (b[p] - '0');
            if (v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("PPM " + what + " too large");
            }
            p++;
        }
        if (p == start || (p < b.length && !isSpace(b[p]) && b[p] != '#')) {
            throw new IllegalArgumentException("malformed PPM: " + what + " is not a number");
        }
        pos[0] = p;
        return (int) v;
    }
}
