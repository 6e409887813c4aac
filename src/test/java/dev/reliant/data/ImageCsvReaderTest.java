package dev.reliant.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCsvReaderTest {
    @TempDir
    Path tmp;

    private UInt8Image a;
    private UInt8Image b;
    private UInt8Image c;

    /** Writes a CHW image as PNG (RGB or grey). */
    static void png(Path file, UInt8Image img) throws IOException {
        int w = img.width();
        int h = img.height();
        BufferedImage bi = new BufferedImage(w, h,
                img.channels() == 3 ? BufferedImage.TYPE_3BYTE_BGR : BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = bi.getRaster();
        for (int ch = 0; ch < img.channels(); ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    r.setSample(x, y, ch, img.get(ch, y, x));
                }
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        assertThat(ImageIO.write(bi, "png", file.toFile())).isTrue();
    }

    /** Writes a CHW RGB image as binary PPM. */
    static void ppm(Path file, UInt8Image img) throws IOException {
        int plane = img.height() * img.width();
        byte[] rgb = new byte[3 * plane];
        for (int i = 0; i < plane; i++) {
            for (int ch = 0; ch < 3; ch++) {
                rgb[3 * i + ch] = img.pixels()[ch * plane + i];
            }
        }
        TestData.write(file, PpmReaderTest.p6(img.width(), img.height(), rgb));
    }

    private Path csv(String name, String text) throws IOException {
        return TestData.write(tmp.resolve(name), text.getBytes(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void images() throws IOException {
        a = new UInt8Image(3, 4, 6, TestData.bytes(72, 1));
        b = new UInt8Image(3, 4, 6, TestData.bytes(72, 2));
        c = new UInt8Image(1, 4, 6, TestData.bytes(24, 3));
        png(tmp.resolve("Test/00000.png"), a);
        ppm(tmp.resolve("Test/00001.ppm"), b);
        png(tmp.resolve("Test/00002.png"), c);
    }

    @Test
    void gtsrbStyleCsvWithRoiColumns() throws IOException {
        Path f = csv("Test.csv", "Width,Height,Roi.X1,Roi.Y1,Roi.X2,Roi.Y2,ClassId,Path\n"
                + "6,4,1,1,5,3,16,Test/00000.png\n"
                + "6,4,1,1,5,3,1,Test/00001.ppm\n"
                + "6,4,1,1,5,3,38,Test/00002.png\n");
        Dataset d = ImageCsvReader.of(f).numClasses(43).read();
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.imageShape()).containsExactly(3, 4, 6);
        assertThat(d.labels()).containsExactly(16, 1, 38);
        assertThat(d.numClasses()).isEqualTo(39); // no names: largest label + 1
        assertThat(d.image(0)).isEqualTo(a.pixels());
        assertThat(d.image(1)).isEqualTo(b.pixels());
        assertThat(d.image(2)).isEqualTo(c.withChannels(3).pixels()); // grey copied to three planes
        assertThat(d.name()).isEqualTo("Test.csv");
    }

    @Test
    void filenameLabelColumnsAndSemicolons() throws IOException {
        Path f = csv("list.csv", "filename,label\nTest/00001.ppm,2\nTest/00000.png,0\n");
        assertThat(ImageCsvReader.of(f).read().labels()).containsExactly(2, 0);
        Path g = csv("GT-final_test.csv", "Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId\n"
                + "00000.png;6;4;0;0;6;4;7\n");
        Dataset d = ImageCsvReader.of(g).imageRoot(tmp.resolve("Test")).read();
        assertThat(d.labels()).containsExactly(7);
        assertThat(d.image(0)).isEqualTo(a.pixels());
    }

    @Test
    void explicitColumnsGreyAndResize() throws IOException {
        Path f = csv("x.csv", "img,cls\nTest/00000.png,1\nTest/00002.png,0\n");
        Dataset d = ImageCsvReader.of(f).pathColumn("img").labelColumn("cls")
                .options(ImageOptions.grey().resize(50, 50, Resize.Mode.PIL)).classNames(List.of("n", "y")).read();
        assertThat(d.imageShape()).containsExactly(1, 50, 50);
        assertThat(d.classNames()).containsExactly("n", "y");
        assertThat(d.image(0)).isEqualTo(Resize.resize(a.withChannels(1), 50, 50, Resize.Mode.PIL).pixels());
        assertThat(d.image(1)).isEqualTo(Resize.resize(c, 50, 50, Resize.Mode.PIL).pixels());
        Dataset first = ImageCsvReader.of(f).pathColumn("img").labelColumn("cls").limit(1).read();
        assertThat(first.size()).isEqualTo(1);
    }

    @Test
    void differentSizesNeedAResizeTarget() throws IOException {
        png(tmp.resolve("Test/big.png"), new UInt8Image(3, 5, 6, TestData.bytes(90, 4)));
        Path f = csv("t.csv", "Path,ClassId\nTest/00000.png,0\nTest/big.png,1\n");
        assertThatThrownBy(() -> ImageCsvReader.of(f).read())
                .isInstanceOf(DatasetException.class)
                .hasMessage("file " + f + ": row 2, field 'Path': image is 6x5 but the first image is 6x4;"
                        + " give a resize target");
        Dataset d = ImageCsvReader.of(f).options(ImageOptions.rgb().resize(8, 8, Resize.Mode.TENSOR_NO_ANTIALIAS))
                .read();
        assertThat(d.imageShape()).containsExactly(3, 8, 8);
    }

    @Test
    void missingColumn() throws IOException {
        Path f = csv("t.csv", "Width,Height,Path\n6,4,Test/00000.png\n");
        assertThatThrownBy(() -> ImageCsvReader.of(f).read())
                .isInstanceOf(DatasetException.class)
                .hasMessage("file " + f + ": no class-id column (looked for ClassId, label, ignoring case);"
                        + " the columns are Width, Height, Path");
        assertThatThrownBy(() -> ImageCsvReader.of(f).labelColumn("Class").read())
                .hasMessage("file " + f + ": no class-id column 'Class'; the columns are Width, Height, Path");
    }

    @Test
    void unreadableAndMissingImages() throws IOException {
        TestData.write(tmp.resolve("Test/broken.png"), "this is not a PNG".getBytes());
        Path f = csv("t.csv", "Path,ClassId\nTest/00000.png,0\nTest/broken.png,1\n");
        assertThatThrownBy(() -> ImageCsvReader.of(f).read())
                .isInstanceOf(DatasetException.class)
                .hasMessage("file " + f + ": row 2, field 'Path': cannot read image " + tmp.resolve("Test/broken.png")
                        + ": not an image in a format reliant reads (PNG, PPM, PGM, BMP, GIF, JPEG)");
        Path g = csv("u.csv", "Path,ClassId\nTest/00000.png,0\nTest/00001.ppm,0\nTest/nope.png,1\n");
        assertThatThrownBy(() -> ImageCsvReader.of(g).read())
                .hasMessage("file " + g + ": row 3, field 'Path': image not found: " + tmp.resolve("Test/nope.png"));
    }

    @Test
    void labelOutOfRangeOrNotANumber() throws IOException {
        Path f = csv("t.csv", "Path,ClassId\nTest/00000.png,0\nTest/00001.ppm,43\n");
        assertThatThrownBy(() -> ImageCsvReader.of(f).numClasses(43).read())
                .hasMessage("file " + f + ": row 2, field 'ClassId': class 43 out of range 0-42");
        Path g = csv("u.csv", "Path,ClassId\nTest/00000.png,-1\n");
        assertThatThrownBy(() -> ImageCsvReader.of(g).read())
                .hasMessage("file " + g + ": row 1, field 'ClassId': class -1 out of range (must be ≥ 0)");
        Path h = csv("v.csv", "Path,ClassId\nTest/00000.png,seven\n");
        assertThatThrownBy(() -> ImageCsvReader.of(h).read())
                .hasMessage("file " + h + ": row 1, field 'ClassId': 'seven' is not a class number");
    }

    @Test
    void shortRowsEmptyFieldsAndEmptyFiles() throws IOException {
        Path f = csv("t.csv", "Path,ClassId\nTest/00000.png\n");
        assertThatThrownBy(() -> ImageCsvReader.of(f).read())
                .hasMessage("file " + f + ": row 1, field 'ClassId': missing (the row has 1 fields)");
        Path g = csv("u.csv", "Path,ClassId\n,3\n");
        assertThatThrownBy(() -> ImageCsvReader.of(g).read())
                .hasMessage("file " + g + ": row 1, field 'Path': empty");
        Path h = csv("v.csv", "Path,ClassId\n");
        assertThatThrownBy(() -> ImageCsvReader.of(h).read()).hasMessage("file " + h + ": lists no images");
        Path e = csv("w.csv", "");
        assertThatThrownBy(() -> ImageCsvReader.of(e).read())
                .hasMessage("file " + e + ": empty CSV (expected a header row)");
        Path missing = tmp.resolve("none.csv");
        assertThatThrownBy(() -> ImageCsvReader.of(missing).read()).hasMessage("file not found: " + missing);
    }

    @Test
    void malformedCsvIsOneLine() throws IOException {
        Path f = csv("q.csv", "Path,ClassId\n\"Test/00000.png,0\n");
        assertThatThrownBy(() -> ImageCsvReader.of(f).read())
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("file " + f + ": malformed CSV: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void otherImageKindsKeepTheirStoredValues() throws IOException {
        // RGBA PNG: alpha dropped, colour values untouched
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x80102030);
        argb.setRGB(1, 0, 0xFFFFFEFD);
        Path p = tmp.resolve("argb.png");
        ImageIO.write(argb, "png", p.toFile());
        UInt8Image img = ImageFiles.read(p);
        assertThat(img.channels()).isEqualTo(3);
        assertThat(img.pixels()).containsExactly(0x10, (byte) 0xFF, 0x20, (byte) 0xFE, 0x30, (byte) 0xFD);
        // grey PNG: values as stored (getRGB would apply a gamma conversion)
        UInt8Image grey = ImageFiles.read(tmp.resolve("Test/00002.png"));
        assertThat(grey.pixels()).isEqualTo(c.pixels());
        // palette image
        BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED);
        indexed.setRGB(0, 0, 0xFF0000);
        indexed.setRGB(1, 0, 0x0000FF);
        Path q = tmp.resolve("indexed.png");
        ImageIO.write(indexed, "png", q.toFile());
        assertThat(ImageFiles.read(q).pixels()).containsExactly((byte) 255, 0, 0, 0, 0, (byte) 255);
        // RGB to grey as Pillow's convert("L")
        UInt8Image rgb = new UInt8Image(3, 1, 1, new byte[] {(byte) 200, 100, 50});
        assertThat(rgb.withChannels(1).pixels()).containsExactly((byte) ((200 * 19595 + 100 * 38470 + 50 * 7471
                + 0x8000) >> 16));
    }

    @Test
    void classFoldersAsTorchvisionImageFolder() throws IOException {
        Path root = tmp.resolve("folders");
        png(root.resolve("b_second/x.png"), b);
        png(root.resolve("a_first/z.png"), a);
        png(root.resolve("a_first/sub/y.png"), c);
        png(root.resolve("a_first/m.png"), b);
        TestData.write(root.resolve("a_first/GT-00000.csv"), "ignored".getBytes());
        Dataset d = ImageFolderReader.read("folders", root, ImageOptions.rgb(), Integer.MAX_VALUE);
        assertThat(d.classNames()).containsExactly("a_first", "b_second");
        assertThat(d.labels()).containsExactly(0, 0, 0, 1);
        assertThat(d.image(0)).isEqualTo(b.pixels()); // a_first/m.png
        assertThat(d.image(1)).isEqualTo(a.pixels()); // a_first/z.png
        assertThat(d.image(2)).isEqualTo(c.withChannels(3).pixels()); // a_first/sub/y.png
        assertThat(d.image(3)).isEqualTo(b.pixels());
        assertThatThrownBy(() -> ImageFolderReader.read("f", tmp.resolve("nothing"), ImageOptions.rgb(), 10))
                .hasMessage("f: folder not found: " + tmp.resolve("nothing"));
    }
}
