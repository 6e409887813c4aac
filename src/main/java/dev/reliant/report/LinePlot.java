package dev.reliant.report;

import dev.reliant.io.AtomicText;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A line plot written as a PNG, so result figures (accuracy ± std versus mask_p, one line per
 * method) come out of the JVM without Python or a plotting library. Drawn off-screen with
 * java.awt, which needs no display: it works with {@code -Djava.awt.headless=true} and with no
 * {@code DISPLAY}, and sets no global property.
 *
 * <p>Configure with the chained setters, then {@link #render()} or {@link #writePng(Path)}.
 * Each series gets its own colour (Okabe-Ito, safe for colour-blind readers) and marker shape;
 * after 8 series the colours repeat with other markers. Points are joined in the order given.
 * A point whose x or y is NaN is skipped and breaks the line there (a missing measurement); a
 * NaN error draws no error bar for that point. Infinite values and negative errors are refused.
 */
public final class LinePlot {

    /** How a series' error values (e.g. one standard deviation) are drawn. */
    public enum ErrorStyle { BARS, BAND }

    /** Okabe-Ito: blue, vermillion, bluish green, orange, reddish purple, sky blue, yellow, black. */
    static final List<Color> PALETTE = List.of(new Color(0x0072B2), new Color(0xD55E00),
            new Color(0x009E73), new Color(0xE69F00), new Color(0xCC79A7), new Color(0x56B4E9),
            new Color(0xF0E442), new Color(0x000000));

    private static final int MARKERS = 7;
    private static final Color GRID = new Color(0xDDDDDD);
    private static final Color MINOR_GRID = new Color(0xF0F0F0);

    private record Series(String name, double[] x, double[] y, double[] error) {}

    private final List<Series> series = new ArrayList<>();
    private String title = "";
    private String xLabel = "";
    private String yLabel = "";
    private boolean logX;
    private ErrorStyle errorStyle = ErrorStyle.BARS;
    private int width = 800;
    private int height = 500;

    public LinePlot title(String title) {
        this.title = text(title, "title");
        return this;
    }

    public LinePlot xLabel(String label) {
        this.xLabel = text(label, "x label");
        return this;
    }

    public LinePlot yLabel(String label) {
        this.yLabel = text(label, "y label");
        return this;
    }

    /** A logarithmic x axis with decade ticks; every plotted x must then be positive. */
    public LinePlot logX(boolean logX) {
        this.logX = logX;
        return this;
    }

    public LinePlot errorStyle(ErrorStyle style) {
        if (style == null) {
            throw new IllegalArgumentException("error style must not be null");
        }
        this.errorStyle = style;
        return this;
    }

    /** Image size in pixels; at least 200 x 150 so the axes and legend fit. */
    public LinePlot size(int width, int height) {
        if (width < 200 || height < 150 || width > 10_000 || height > 10_000) {
            throw new IllegalArgumentException("plot size must be 200..10000 x 150..10000 pixels, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        return this;
    }

    /** Adds a series without error values. */
    public LinePlot series(String name, double[] x, double[] y) {
        return series(name, x, y, null);
    }

    /** Adds a series; {@code error} (may be null) is the half-width drawn around each y. */
    public LinePlot series(String name, double[] x, double[] y, double[] error) {
        name = text(name, "series name");
        if (x == null || y == null) {
            throw new IllegalArgumentException("series '" + name + "': x and y must not be null");
        }
        if (x.length != y.length || (error != null && error.length != x.length)) {
            throw new IllegalArgumentException("series '" + name + "': lengths differ: x " + x.length + ", y " + y.length
                    + (error == null ? "" : ", error " + error.length));
        }
        for (int i = 0; i < x.length; i++) {
            if (Double.isInfinite(x[i]) || Double.isInfinite(y[i]) || (error != null && Double.isInfinite(error[i]))) {
                throw new IllegalArgumentException("series '" + name + "': infinite value at point " + i);
            }
            if (error != null && error[i] < 0) {
                throw new IllegalArgumentException("series '" + name + "': negative error " + error[i] + " at point " + i);
            }
        }
        series.add(new Series(name, x.clone(), y.clone(), error == null ? null : error.clone()));
        return this;
    }

    /** Draws the plot; refuses a plot with no plottable point, or a non-positive x on a log axis. */
    public BufferedImage render() {
        double[] xr = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double[] yr = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (Series s : series) {
            for (int i = 0; i < s.x.length; i++) {
                if (!present(s, i)) {
                    continue;
                }
                if (logX && !(s.x[i] > 0)) {
                    throw new IllegalArgumentException("series '" + s.name + "': x = " + s.x[i] + " at point " + i + " on a log axis (must be > 0)");
                }
                double e = s.error == null || Double.isNaN(s.error[i]) ? 0 : s.error[i];
                widen(xr, s.x[i], s.x[i]);
                widen(yr, s.y[i] - e, s.y[i] + e);
            }
        }
        if (xr[0] > xr[1]) {
            throw new IllegalArgumentException("nothing to plot: " + (series.isEmpty() ? "no series" : "every point is NaN"));
        }
        AxisTicks xAxis = logX ? AxisTicks.log10(xr[0], xr[1], 8) : AxisTicks.linear(xr[0], xr[1], 8);
        AxisTicks yAxis = AxisTicks.linear(yr[0], yr[1], 7);

        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            draw(g, xAxis, yAxis);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Writes the PNG atomically: a temporary file in the same folder, then moved into place. */
    public void writePng(Path file) {
        BufferedImage image = render();
        AtomicText.write(file, "plot", tmp -> {
            if (!ImageIO.write(image, "png", tmp.toFile())) {
                throw new IOException("no PNG writer in this JVM");
            }
        });
    }

    private void draw(Graphics2D g, AxisTicks xAxis, AxisTicks yAxis) {
        Font base = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(11, height / 40));
        Font titleFont = base.deriveFont(Font.BOLD, base.getSize2D() * 1.3f);
        g.setFont(base);
        FontMetrics fm = g.getFontMetrics();
        int line = fm.getHeight();
        int yTickWidth = 0;
        for (int i = 0; i < yAxis.ticks().length; i++) {
            yTickWidth = Math.max(yTickWidth, fm.stringWidth(yAxis.label(i)));
        }
        int legendWidth = 0;
        for (Series s : series) {
            legendWidth = Math.max(legendWidth, fm.stringWidth(s.name));
        }
        legendWidth += 48;
        int left = 12 + (yLabel.isEmpty() ? 0 : line + 6) + yTickWidth + 8;
        int right = width - 16 - legendWidth;
        int top = 12 + (title.isEmpty() ? line / 2 : g.getFontMetrics(titleFont).getHeight() + 8);
        int bottom = height - 12 - (xLabel.isEmpty() ? 0 : line + 4) - line - 6;
        if (right - left < 50 || bottom - top < 50) {
            throw new IllegalArgumentException("plot size " + width + "x" + height + " leaves no room for the axes and legend");
        }
        Rectangle2D area = new Rectangle2D.Double(left, top, right - left, bottom - top);

        // grid, ticks and tick labels
        g.setStroke(new BasicStroke(1f));
        for (double v : xAxis.minorTicks()) {
            double px = px(area, xAxis, v);
            g.setColor(MINOR_GRID);
            g.draw(new Line2D.Double(px, top, px, bottom));
        }
        for (int i = 0; i < xAxis.ticks().length; i++) {
            double px = px(area, xAxis, xAxis.ticks()[i]);
            g.setColor(GRID);
            g.draw(new Line2D.Double(px, top, px, bottom));
            g.setColor(Color.BLACK);
            g.draw(new Line2D.Double(px, bottom, px, bottom + 4));
            String label = xAxis.label(i);
            g.drawString(label, (float) (px - fm.stringWidth(label) / 2.0), bottom + 6 + fm.getAscent());
        }
        for (int i = 0; i < yAxis.ticks().length; i++) {
            double py = py(area, yAxis, yAxis.ticks()[i]);
            g.setColor(GRID);
            g.draw(new Line2D.Double(left, py, right, py));
            g.setColor(Color.BLACK);
            g.draw(new Line2D.Double(left - 4, py, left, py));
            String label = yAxis.label(i);
            g.drawString(label, left - 6 - fm.stringWidth(label), (float) (py + fm.getAscent() / 2.0 - 1));
        }
        g.setColor(Color.BLACK);
        g.draw(area);

        // titles
        g.drawString(xLabel, (float) (area.getCenterX() - fm.stringWidth(xLabel) / 2.0), height - 12 - fm.getDescent());
        if (!yLabel.isEmpty()) {
            AffineTransform saved = g.getTransform();
            g.translate(12 + fm.getAscent(), area.getCenterY() + fm.stringWidth(yLabel) / 2.0);
            g.rotate(-Math.PI / 2);
            g.drawString(yLabel, 0, 0);
            g.setTransform(saved);
        }
        g.setFont(titleFont);
        FontMetrics tm = g.getFontMetrics();
        g.drawString(title, (float) (width / 2.0 - tm.stringWidth(title) / 2.0), 10 + tm.getAscent());
        g.setFont(base);

        // series, clipped to the plot area
        Shape clip = g.getClip();
        g.clip(new Rectangle2D.Double(left - 6, top - 6, right - left + 12, bottom - top + 12));
        for (int k = 0; k < series.size(); k++) {
            drawSeries(g, series.get(k), k, area, xAxis, yAxis);
        }
        g.setClip(clip);

        // legend, right of the plot area
        int lx = right + 16;
        int ly = top + line / 2;
        for (int k = 0; k < series.size(); k++) {
            Color c = PALETTE.get(k % PALETTE.size());
            double cy = ly + k * (line + 4);
            g.setColor(c);
            g.setStroke(new BasicStroke(2f));
            g.draw(new Line2D.Double(lx, cy, lx + 30, cy));
            g.fill(marker(k, lx + 15, cy));
            g.setColor(Color.BLACK);
            g.drawString(series.get(k).name, lx + 38, (float) (cy + fm.getAscent() / 2.0 - 1));
        }
    }

    private void drawSeries(Graphics2D g, Series s, int k, Rectangle2D area, AxisTicks xAxis, AxisTicks yAxis) {
        Color c = PALETTE.get(k % PALETTE.size());
        if (s.error != null && errorStyle == ErrorStyle.BAND) {
            g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 60));
            for (int i = 0; i + 1 < s.x.length; i++) { // one quadrilateral per segment, so NaN gaps stay open
                if (present(s, i) && present(s, i + 1) && !Double.isNaN(s.error[i]) && !Double.isNaN(s.error[i + 1])) {
                    Path2D band = new Path2D.Double();
                    band.moveTo(px(area, xAxis, s.x[i]), py(area, yAxis, s.y[i] + s.error[i]));
                    band.lineTo(px(area, xAxis, s.x[i + 1]), py(area, yAxis, s.y[i + 1] + s.error[i + 1]));
                    band.lineTo(px(area, xAxis, s.x[i + 1]), py(area, yAxis, s.y[i + 1] - s.error[i + 1]));
                    band.lineTo(px(area, xAxis, s.x[i]), py(area, yAxis, s.y[i] - s.error[i]));
                    band.closePath();
                    g.fill(band);
                }
            }
        }
        g.setColor(c);
        g.setStroke(new BasicStroke(1.5f));
        if (s.error != null && errorStyle == ErrorStyle.BARS) {
            for (int i = 0; i < s.x.length; i++) {
                if (present(s, i) && !Double.isNaN(s.error[i])) {
                    double px = px(area, xAxis, s.x[i]);
                    double hiY = py(area, yAxis, s.y[i] + s.error[i]);
                    double loY = py(area, yAxis, s.y[i] - s.error[i]);
                    g.draw(new Line2D.Double(px, hiY, px, loY));
                    g.draw(new Line2D.Double(px - 4, hiY, px + 4, hiY));
                    g.draw(new Line2D.Double(px - 4, loY, px + 4, loY));
                }
            }
        }
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        Path2D path = new Path2D.Double();
        boolean open = false;
        for (int i = 0; i < s.x.length; i++) {
            if (!present(s, i)) {
                open = false;
                continue;
            }
            double px = px(area, xAxis, s.x[i]);
            double py = py(area, yAxis, s.y[i]);
            if (open) {
                path.lineTo(px, py);
            } else {
                path.moveTo(px, py);
                open = true;
            }
        }
        g.draw(path);
        for (int i = 0; i < s.x.length; i++) {
            if (present(s, i)) {
                g.fill(marker(k, px(area, xAxis, s.x[i]), py(area, yAxis, s.y[i])));
            }
        }
    }

    /** Marker k: circle, square, triangle up, diamond, triangle down, plus, cross; then repeats. */
    private static Shape marker(int k, double cx, double cy) {
        double r = 4.5;
        switch (k % MARKERS) {
            case 0:
                return new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            case 1:
                return new Rectangle2D.Double(cx - r * 0.85, cy - r * 0.85, 1.7 * r, 1.7 * r);
            case 2:
                return polygon(cx, cy, r * 1.2, 0, -1, 0.87, 0.5, -0.87, 0.5);
            case 3:
                return polygon(cx, cy, r * 1.2, 0, -1, 1, 0, 0, 1, -1, 0);
            case 4:
                return polygon(cx, cy, r * 1.2, 0, 1, 0.87, -0.5, -0.87, -0.5);
            case 5:
                return polygon(cx, cy, r * 1.1, -0.3, -1, 0.3, -1, 0.3, -0.3, 1, -0.3, 1, 0.3, 0.3, 0.3,
                        0.3, 1, -0.3, 1, -0.3, 0.3, -1, 0.3, -1, -0.3, -0.3, -0.3);
            default:
                Shape plus = polygon(0, 0, r * 1.1, -0.3, -1, 0.3, -1, 0.3, -0.3, 1, -0.3, 1, 0.3, 0.3, 0.3,
                        0.3, 1, -0.3, 1, -0.3, 0.3, -1, 0.3, -1, -0.3, -0.3, -0.3);
                AffineTransform t = AffineTransform.getTranslateInstance(cx, cy);
                t.rotate(Math.PI / 4);
                return t.createTransformedShape(plus);
        }
    }

    private static Shape polygon(double cx, double cy, double r, double... xy) {
        Path2D p = new Path2D.Double();
        p.moveTo(cx + r * xy[0], cy + r * xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            p.lineTo(cx + r * xy[i], cy + r * xy[i + 1]);
        }
        p.closePath();
        return p;
    }

    private static double px(Rectangle2D area, AxisTicks axis, double v) {
        return area.getMinX() + axis.fraction(v) * area.getWidth();
    }

    private static double py(Rectangle2D area, AxisTicks axis, double v) {
        return area.getMaxY() - axis.fraction(v) * area.getHeight();
    }

    private static boolean present(Series s, int i) {
        return !Double.isNaN(s.x[i]) && !Double.isNaN(s.y[i]);
    }

    private static void widen(double[] range, double lo, double hi) {
        range[0] = Math.min(range[0], lo);
        range[1] = Math.max(range[1], hi);
    }

    private static String text(String s, String what) {
        if (s == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        return s;
    }
}
