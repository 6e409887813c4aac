package dev.reliant.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes real PNGs and reads them back; checks pixels, not just that nothing threw. */
class LinePlotTest {
    private static final double[] MASK_P = {0.001, 0.005, 0.01, 0.05, 0.1, 0.2};

    @TempDir
    Path dir;

    /** A SWIM-like figure: accuracy mean ± std versus mask_p, three methods. */
    private static LinePlot swimPlot() {
        return new LinePlot().title("ResNet-20, dev_var 0.1").xLabel("mask_p").yLabel("accuracy (%)").logX(true)
                .size(640, 400)
                .series("SM", MASK_P, new double[] {62, 75, 82, 88, 90, 91}, new double[] {3, 2, 1.5, 1, 0.8, 0.5})
                .series("magnitude", MASK_P, new double[] {55, 63, 70, 80, 85, 89}, new double[] {4, 3, 2, 1.5, 1, 0.8})
                .series("random", MASK_P, new double[] {50, 51, 53, 58, 65, 74}, new double[] {4, 4, 3, 3, 2, 2});
    }

    private static int count(BufferedImage img, Color c, int tolerance) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                Color p = new Color(img.getRGB(x, y));
                if (Math.abs(p.getRed() - c.getRed()) <= tolerance && Math.abs(p.getGreen() - c.getGreen()) <= tolerance
                        && Math.abs(p.getBlue() - c.getBlue()) <= tolerance) {
                    n++;
                }
            }
        }
        return n;
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void writtenPngReadsBackWithSizeSeriesColoursAndNoTempFile() throws IOException {
        Path png = dir.resolve("swim.png");
        swimPlot().writePng(png);

        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isEqualTo(640);
        assertThat(img.getHeight()).isEqualTo(400);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                colours.add(img.getRGB(x, y) & 0xFFFFFF);
            }
        }
        assertThat(colours).hasSizeGreaterThan(20); // anti-aliased lines and text blend many shades
        for (int k = 0; k < 3; k++) {
            // filled markers (6 points + 1 in the legend, about 60 px each) have exact-colour interiors
            assertThat(count(img, LinePlot.PALETTE.get(k), 0)).as("pixels of series %d's colour", k).isGreaterThan(100);
        }
        assertThat(count(img, LinePlot.PALETTE.get(3), 0)).as("a fourth series' colour is absent").isZero();
        assertThat(files()).containsExactly(png);
    }

    @Test
    void textIsDrawnSoFontsAreAvailable() {
        // the title is the only thing in the top 10% of the image; it must leave dark pixels
        BufferedImage img = swimPlot().render();
        BufferedImage top = img.getSubimage(0, 0, img.getWidth(), img.getHeight() / 10);
        assertThat(count(top, Color.BLACK, 60)).isGreaterThan(50);
    }

    @Test
    void bandStyleFillsTranslucentAreasThatBarsDoNot() {
        // 60/255 of the series colour over white; the band of the first series covers many pixels
        Color c = LinePlot.PALETTE.get(0);
        Color blend = new Color(255 - (255 - c.getRed()) * 60 / 255, 255 - (255 - c.getGreen()) * 60 / 255,
                255 - (255 - c.getBlue()) * 60 / 255);
        int withBand = count(swimPlot().errorStyle(LinePlot.ErrorStyle.BAND).render(), blend, 2);
        int withBars = count(swimPlot().errorStyle(LinePlot.ErrorStyle.BARS).render(), blend, 2);
        assertThat(withBand).isGreaterThan(1000);
        assertThat(withBars).isLessThan(withBand / 10);
    }

    @Test
    void existingFileIsReplaced() throws IOException {
        Path png = dir.resolve("fig.png");
        Files.writeString(png, "old");
        new LinePlot().series("a", new double[] {1, 2, 3}, new double[] {1, 4, 9}).writePng(png);
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(800);
        assertThat(files()).containsExactly(png);
    }

    @Test
    void failedWriteLeavesNoTempFile() throws IOException {
        Path target = dir.resolve("taken");
        Files.createDirectory(target);
        Files.writeString(target.resolve("inside"), "x"); // a non-empty folder cannot be replaced
        LinePlot plot = new LinePlot().series("a", new double[] {1, 2}, new double[] {1, 2});
        assertThatThrownBy(() -> plot.writePng(target)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("taken");
        assertThat(files()).containsExactly(target);
    }

    @Test
    void nanPointsAreSkippedAndMoreSeriesThanColoursStillRender() {
        LinePlot plot = new LinePlot();
        for (int k = 0; k < 10; k++) {
            plot.series("s" + k, new double[] {0, 1, 2, 3}, new double[] {k, Double.NaN, k + 1, k + 2},
                    new double[] {0.1, 0.1, Double.NaN, 0.1});
        }
        BufferedImage img = plot.render();
        for (Color c : LinePlot.PALETTE) {
            assertThat(count(img, c, 0)).as("colour %s", c).isGreaterThan(0);
        }
    }

    @Test
    void plotWithNothingToDrawIsRefused() {
        assertThatThrownBy(() -> new LinePlot().render()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no series");
        LinePlot allNaN = new LinePlot().series("a", new double[] {Double.NaN}, new double[] {1});
        assertThatThrownBy(allNaN::render).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("every point is NaN");
    }

    @Test
    void badSeriesAreRefusedWithTheProblemNamed() {
        LinePlot p = new LinePlot();
        assertThatThrownBy(() -> p.series("a", new double[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'").hasMessageContaining("lengths differ");
        assertThatThrownBy(() -> p.series("b", new double[] {1}, new double[] {1}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("error 2");
        assertThatThrownBy(() -> p.series("c", new double[] {1}, new double[] {Double.POSITIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("infinite");
        assertThatThrownBy(() -> p.series("d", new double[] {1}, new double[] {1}, new double[] {-0.5}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative error -0.5");
        assertThatThrownBy(() -> p.series(null, new double[] {1}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("series name");
        assertThatThrownBy(() -> p.size(100, 100)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("100x100");
    }

    @Test
    void nonPositiveXOnALogAxisIsRefused() {
        LinePlot p = new LinePlot().series("m", new double[] {0, 0.1}, new double[] {1, 2}).logX(true);
        assertThatThrownBy(p::render).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'m'").hasMessageContaining("x = 0.0").hasMessageContaining("log axis");
        p.logX(false);
        assertThat(p.render().getWidth()).isEqualTo(800); // the same data is fine on a linear axis
    }

    @Test
    void seriesDataIsCopiedSoLaterChangesDoNotLeakIn() {
        double[] y = {1, 2, 3};
        LinePlot p = new LinePlot().series("a", new double[] {1, 2, 3}, y).logX(true);
        y[0] = Double.POSITIVE_INFINITY; // would make the y range infinite if it were still shared
        assertThat(p.render().getHeight()).isEqualTo(500);
    }
}
