package dev.reliant.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes an image file into uint8 CHW pixels: Netpbm (PPM/PGM) with {@link PpmReader}, anything
 * else (PNG, BMP, GIF, JPEG) with {@code javax.imageio}. The stored sample values are taken as
 * they are, with no colour-space conversion (unlike {@link BufferedImage#getRGB}, which would
 * change the values of a grey PNG), so the pixels equal those Pillow reads: palette images are
 * expanded through the palette, alpha is dropped, 16-bit samples keep their high byte. JPEG
 * decoders differ in their rounding, so JPEG pixels may differ slightly from Pillow's.
 */
public final class ImageFiles {
    private ImageFiles() {}

    /**
     * Reads an image file.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException with a one-line message if it is not a readable image
     */
    public static UInt8Image read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (PpmReader.isPnm(bytes)) {
            return PpmReader.decode(bytes);
        }
        BufferedImage img = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)));
        if (img == null) {
            throw new IllegalArgumentException("not an image in a format reliant reads (PNG, PPM, PGM, BMP, GIF, JPEG)");
        }
        return fromBufferedImage(img);
    }

    /** The pixels of a decoded image (1 channel for grey, else 3). */
    public static UInt8Image fromBufferedImage(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        if (cm instanceof IndexColorModel) {
            IndexColorModel icm = (IndexColorModel) cm;
            byte[] out = new byte[3 * plane];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int idx = r.getSample(x, y, 0);
                    int i = y * w + x;
                    out[i] = (byte) icm.getRed(idx);
                    out[plane + i] = (byte) icm.getGreen(idx);
                    out[2 * plane + i] = (byte) icm.getBlue(idx);
                }
            }
            return new UInt8Image(3, h, w, out);
        }
        int type = r.getDataBuffer().getDataType();
        if (cm instanceof ComponentColorModel && (type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT)
                && (cm.getNumColorComponents() == 1 || cm.getNumColorComponents() == 3)) {
            int c = cm.getNumColorComponents();
            int shift = type == DataBuffer.TYPE_USHORT ? 8 : 0;
            byte[] out = new byte[c * plane];
            for (int b = 0; b < c; b++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        out[b * plane + y * w + x] = (byte) (r.getSample(x, y, b) >> shift);
                    }
                }
            }
            return new UInt8Image(c, h, w, out);
        }
        byte[] out = new byte[3 * plane];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y);
                int i = y * w + x;
                out[i] = (byte) (argb >> 16);
                out[plane + i] = (byte) (argb >> 8);
                out[2 * plane + i] = (byte) argb;
            }
        }
        return new UInt8Image(3, h, w, out);
    }
}
