package dev.ssam.tasks.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsLogTest {
    @TempDir
    Path tmp;

    private static TrainListener.Progress line(long step, double loss) {
        return new TrainListener.Progress(step, 10, step / 5.0, loss, loss, Double.NaN, 1e-4, Double.NaN, 3.5, step, 1);
    }

    @Test
    void resumingDropsTheLinesFromTheResumedStepOn() throws Exception {
        Path f = tmp.resolve(MetricsLog.FILE);
        try (MetricsLog log = MetricsLog.open(f, 0)) {
            for (int s = 0; s < 6; s++) {
                log.append(line(s, 1.0 / (s + 1)));
            }
        }
        assertTrue(Files.readAllLines(f).getFirst().startsWith("{\"step\":0,\"epoch\":0.0,\"loss\":1.0,"));
        assertTrue(Files.readAllLines(f).getFirst().contains("\"loss_masked\":null"));
        try (MetricsLog log = MetricsLog.open(f, 4)) {
            log.append(line(4, 0.01));
        }
        List<MetricsLog.Line> lines = MetricsLog.read(f);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), lines.stream().map(MetricsLog.Line::step).toList());
        assertEquals(0.01, lines.getLast().loss());
        try (MetricsLog log = MetricsLog.open(f, 0)) {
            log.append(line(0, 2.0));
        }
        assertEquals(1, MetricsLog.read(f).size(), "a fresh run starts a fresh file");
    }

    @Test
    void lossCurveIsAPngWithTheCurveDrawn() throws Exception {
        List<MetricsLog.Line> lines = new java.util.ArrayList<>();
        for (int s = 0; s < 200; s++) {
            lines.add(new MetricsLog.Line(s, Math.exp(-s / 60.0) + 0.05, 0, Double.NaN, 1e-4));
        }
        lines.add(new MetricsLog.Line(200, Double.NaN, 0, 0, 0));
        Path png = tmp.resolve(LossCurve.FILE);
        LossCurve.write(png, lines, "test");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(LossCurve.WIDTH, img.getWidth());
        assertEquals(LossCurve.HEIGHT, img.getHeight());
        int blue = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                if ((rgb & 0xff) > 120 && ((rgb >> 16) & 0xff) < 60) {
                    blue++;
                }
            }
        }
        assertTrue(blue > 500, "only " + blue + " curve pixels");
        assertNotEquals(0, Files.size(png));
    }
}
