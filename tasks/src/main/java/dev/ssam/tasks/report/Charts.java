package dev.ssam.tasks.report;

import dev.ssam.tasks.eval.TaskComparison;
import dev.ssam.tasks.eval.TaskResult;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * The report's PNG charts, drawn with Java2D on a {@link BufferedImage} (headless): score bars
 * with 95% intervals per task, and a confusion matrix per task.
 *
 * <pre>{@code
 * BufferedImage bars = Charts.scoreBars(comparison);
 * BufferedImage cm = Charts.confusion(comparison.results().getFirst());
 * }</pre>
 */
public final class Charts {
    /** Colours of the systems in table order (model, random encoder, log-mel stats, others). */
    static final Color[] SERIES = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0x8c564b)};
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);

    private Charts() {
    }

    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(TEXT);
        return g;
    }

    /**
     * Bars of every metric (groups) for every system (bars), height = mean over seeds, whiskers =
     * the 95% t-interval, y axis 0 .. 1.
     */
    public static BufferedImage scoreBars(TaskComparison c) {
        List<TaskResult> systems = c.results();
        int metrics = systems.getFirst().metrics().size();
        int w = Math.max(520, 120 + metrics * (systems.size() * 48 + 40));
        int h = 400;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        int left = 60;
        int right = w - 20;
        int top = 70;
        int bottom = h - 70;
        g.setFont(TITLE);
        g.drawString(c.task(), left, 20);
        g.setFont(TEXT);
        g.drawString("test scores: mean over seeds, whiskers the 95% t-interval", left, 38);
        FontMetrics fm = g.getFontMetrics();
        for (int k = 0; k <= 10; k += 2) {
            int y = bottom - (bottom - top) * k / 10;
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, y, right, y);
            g.setColor(Color.BLACK);
            String t = String.format(Locale.ROOT, "%.1f", k / 10.0);
            g.drawString(t, left - 8 - fm.stringWidth(t), y + 4);
        }
        g.drawLine(left, top, left, bottom);
        g.drawLine(left, bottom, right, bottom);
        int groupW = (right - left) / metrics;
        int barW = Math.min(40, (groupW - 30) / systems.size());
        for (int m = 0; m < metrics; m++) {
            int gx = left + m * groupW + (groupW - barW * systems.size()) / 2;
            for (int s = 0; s < systems.size(); s++) {
                TaskResult.MetricResult r = systems.get(s).metrics().get(m);
                double mean = clamp(r.interval().mean());
                int x = gx + s * barW;
                int y = bottom - (int) Math.round((bottom - top) * mean);
                g.setColor(SERIES[s % SERIES.length]);
                g.fillRect(x + 2, y, barW - 4, bottom - y);
                double hw = r.interval().halfWidth();
                int labelY = Math.min(y, bottom);
                if (!Double.isNaN(hw)) {
                    int y0 = bottom - (int) Math.round((bottom - top) * clamp(r.interval().mean() - hw));
                    int y1 = bottom - (int) Math.round((bottom - top) * clamp(r.interval().mean() + hw));
                    int cx = x + barW / 2;
                    g.setColor(Color.BLACK);
                    g.setStroke(new BasicStroke(1.5f));
                    g.drawLine(cx, y0, cx, y1);
                    g.drawLine(cx - 5, y0, cx + 5, y0);
                    g.drawLine(cx - 5, y1, cx + 5, y1);
                    g.setStroke(new BasicStroke(1f));
                    labelY = Math.min(labelY, y1);
                }
                g.setColor(Color.BLACK);
                String v = Double.isNaN(r.interval().mean()) ? "n/a" : String.format(Locale.ROOT, "%.3f", r.interval().mean());
                drawRotated(g, v, x + barW / 2 + 4, labelY - 4);
            }
            String label = systems.getFirst().metrics().get(m).metric();
            g.drawString(label, left + m * groupW + (groupW - fm.stringWidth(label)) / 2, bottom + 18);
        }
        int lx = left;
        for (int s = 0; s < systems.size(); s++) {
            g.setColor(SERIES[s % SERIES.length]);
            g.fillRect(lx, h - 30, 14, 14);
            g.setColor(Color.BLACK);
            String name = systems.get(s).system();
            g.drawString(name, lx + 20, h - 18);
            lx += 40 + fm.stringWidth(name);
        }
        g.dispose();
        return img;
    }

    /** Text rotated 90 degrees counter-clockwise with its baseline start at (x, y). */
    private static void drawRotated(Graphics2D g, String s, int x, int y) {
        AffineTransform old = g.getTransform();
        g.rotate(-Math.PI / 2, x, y);
        g.drawString(s, x, y);
        g.setTransform(old);
    }

    private static double clamp(double v) {
        return Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
    }

    /**
     * The confusion matrix {@code [true][predicted]} of {@code r} (seed 0, all test splits), each
     * row shaded by its share of the row total (recall), counts written in the cells when they
     * fit. Returns null when the result has no confusion matrix (multilabel).
     */
    public static BufferedImage confusion(TaskResult r) {
        int[][] m = r.confusion();
        if (m == null) {
            return null;
        }
        int c = m.length;
        int cell = Math.max(8, Math.min(40, 640 / Math.max(1, c)));
        int labelW = 130;
        int top = 60 + labelW;
        int left = labelW + 10;
        int w = left + c * cell + 30;
        int h = top + c * cell + 40;
        BufferedImage img = new BufferedImage(Math.max(w, 420), h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.setFont(TITLE);
        g.drawString(r.task() + ", " + r.system() + ": confusion (seed 0, all test splits)", 10, 24);
        g.setFont(TEXT);
        g.drawString("rows: true class, columns: predicted; shade = share of the row", 10, 44);
        FontMetrics fm = g.getFontMetrics();
        boolean labels = cell >= 12;
        for (int i = 0; i < c; i++) {
            int total = 0;
            for (int v : m[i]) {
                total += v;
            }
            for (int j = 0; j < c; j++) {
                double share = total == 0 ? 0 : m[i][j] / (double) total;
                int shade = (int) Math.round(255 * (1 - share));
                g.setColor(new Color(shade, shade, 255));
                g.fillRect(left + j * cell, top + i * cell, cell, cell);
                if (cell >= 22 && m[i][j] > 0) {
                    g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                    String t = Integer.toString(m[i][j]);
                    g.drawString(t, left + j * cell + (cell - fm.stringWidth(t)) / 2, top + i * cell + cell / 2 + 4);
                }
            }
            if (labels) {
                g.setColor(Color.BLACK);
                String l = fit(fm, r.labels().get(i), labelW - 6);
                g.drawString(l, left - 6 - fm.stringWidth(l), top + i * cell + cell / 2 + 4);
                drawRotated(g, fit(fm, r.labels().get(i), labelW - 6), left + i * cell + cell / 2 + 4, top - 6);
            }
        }
        g.setColor(Color.GRAY);
        g.drawRect(left, top, c * cell, c * cell);
        g.dispose();
        return img;
    }

    private static String fit(FontMetrics fm, String s, int width) {
        if (fm.stringWidth(s) <= width) {
            return s;
        }
        String t = s;
        while (t.length() > 1 && fm.stringWidth(t + "...") > width) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "...";
    }
}
