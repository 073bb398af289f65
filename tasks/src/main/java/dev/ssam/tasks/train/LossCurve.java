package dev.ssam.tasks.train;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Draws the loss curve of a run as a PNG: the loss of every update (light) and its exponential
 * moving average (dark, span about 2% of the run), against the update index, on a logarithmic loss
 * axis. Drawn into a {@link BufferedImage} with {@link Graphics2D}, which needs no display.
 *
 * <pre>{@code
 * LossCurve.write(out.resolve("loss.png"), MetricsLog.read(out.resolve("metrics.jsonl")), "nano, batch 8");
 * }</pre>
 */
public final class LossCurve {
    /** File name in the output folder. */
    public static final String FILE = "loss.png";
    static final int WIDTH = 900;
    static final int HEIGHT = 520;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 45;
    private static final int BOTTOM = 55;

    private LossCurve() {
    }

    /**
     * Writes the curve of {@code lines} (non-finite or non-positive losses are left out) to
     * {@code png}, atomically.
     *
     * @param title shown above the plot
     */
    public static void write(Path png, List<MetricsLog.Line> lines, String title) throws IOException {
        BufferedImage img = draw(lines, title);
        Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
        if (!ImageIO.write(img, "png", tmp.toFile())) {
            throw new IOException(png + ": no PNG writer in this JDK");
        }
        Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static BufferedImage draw(List<MetricsLog.Line> lines, String title) {
        double[] x = new double[lines.size()];
        double[] y = new double[lines.size()];
        int n = 0;
        for (MetricsLog.Line l : lines) {
            if (Double.isFinite(l.loss()) && l.loss() > 0) {
                x[n] = l.step();
                y[n] = Math.log10(l.loss());
                n++;
            }
        }
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(Color.BLACK);
            g.drawString(title, LEFT, TOP - 18);
            if (n == 0) {
                g.drawString("no finite loss to plot", LEFT, HEIGHT / 2);
                return img;
            }
            double x0 = x[0];
            double x1 = Math.max(x[n - 1], x0 + 1);
            double y0 = Double.POSITIVE_INFINITY;
            double y1 = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                y0 = Math.min(y0, y[i]);
                y1 = Math.max(y1, y[i]);
            }
            y0 = Math.floor(y0 * 10) / 10;
            y1 = Math.max(Math.ceil(y1 * 10) / 10, y0 + 0.1);
            Plot p = new Plot(x0, x1, y0, y1);
            axes(g, p);
            g.setColor(new Color(160, 190, 230));
            g.setStroke(new BasicStroke(1f));
            g.draw(path(p, x, y, n));
            g.setColor(new Color(20, 60, 150));
            g.setStroke(new BasicStroke(2f));
            g.draw(path(p, x, ema(y, n), n));
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Data-to-pixel mapping of the plot area. */
    private record Plot(double x0, double x1, double y0, double y1) {
        double px(double x) {
            return LEFT + (x - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT);
        }

        double py(double y) {
            return HEIGHT - BOTTOM - (y - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM);
        }
    }

    private static void axes(Graphics2D g, Plot p) {
        g.setStroke(new BasicStroke(1f));
        for (int k = 0; k <= 5; k++) {
            double ly = p.y0() + (p.y1() - p.y0()) * k / 5;
            int py = (int) Math.round(p.py(ly));
            g.setColor(new Color(230, 230, 230));
            g.drawLine(LEFT, py, WIDTH - RIGHT, py);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.3g", Math.pow(10, ly)), 8, py + 4);
            double sx = p.x0() + (p.x1() - p.x0()) * k / 5;
            int px = (int) Math.round(p.px(sx));
            g.setColor(new Color(230, 230, 230));
            g.drawLine(px, TOP, px, HEIGHT - BOTTOM);
            g.setColor(Color.DARK_GRAY);
            g.drawString(Long.toString(Math.round(sx)), px - 10, HEIGHT - BOTTOM + 18);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
        g.drawString("step", WIDTH / 2, HEIGHT - 12);
        g.drawString("loss (log scale)", LEFT + 6, TOP + 16);
    }

    private static Path2D path(Plot p, double[] x, double[] y, int n) {
        Path2D.Double path = new Path2D.Double();
        path.moveTo(p.px(x[0]), p.py(y[0]));
        for (int i = 1; i < n; i++) {
            path.lineTo(p.px(x[i]), p.py(y[i]));
        }
        return path;
    }

    /** Exponential moving average with span max(1, n / 50), started at the first value. */
    static double[] ema(double[] y, int n) {
        double alpha = 2.0 / (Math.max(1, n / 50) + 1);
        double[] s = new double[n];
        s[0] = y[0];
        for (int i = 1; i < n; i++) {
            s[i] = s[i - 1] + alpha * (y[i] - s[i - 1]);
        }
        return s;
    }
}
