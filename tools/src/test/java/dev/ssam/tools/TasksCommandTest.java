package dev.ssam.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TasksCommandTest {
    @TempDir
    Path tmp;


    @Test
    void buildsAndChecksTheSyntheticTask() {
        Path dir = tmp.resolve("syn");
        CliRun b = CliRun.of("tasks", "build", "synthetic", "--out", dir.toString(), "--clips-per-class", "5", "--seconds", "0.1");
        assertEquals(0, b.exit(), b.err());
        assertTrue(b.out().contains("built ssam-synthetic10") && b.out().contains("50 clips"), b.out());
        CliRun c = CliRun.of("tasks", "check", dir.toString());
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().contains("fold04: 10 clips"), c.out());
    }

    @Test
    void importsClassFolders() throws Exception {
        Path src = tmp.resolve("src");
        for (String cls : new String[] {"a", "b"}) {
            for (int i = 0; i < 3; i++) {
                Path f = src.resolve(cls).resolve(cls + i + ".wav");
                Files.createDirectories(f.getParent());
                float[] x = new float[1600];
                for (int k = 0; k < x.length; k++) {
                    x[k] = (float) (0.1 * Math.sin(k * (cls.equals("a") ? 0.1 : 0.3)));
                }
                dev.ssam.ops.audio.WavWriter.write(f, x, 1, 16000, dev.ssam.ops.audio.WavEncoding.PCM_S16);
            }
        }
        CliRun r = CliRun.of("tasks", "import", "--from-folders", src.toString(), "--out", tmp.resolve("task").toString(),
                "--folds", "3", "--device", "ref");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("imported task") && r.out().contains("6 clips"), r.out());
    }

    @Test
    void checkReportsBadFolderAsError() {
        CliRun r = CliRun.of("tasks", "check", tmp.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("missing task_metadata.json"), r.err());
    }

    @Test
    void importNeedsExactlyOneSource() {
        CliRun r = CliRun.of("tasks", "import", "--out", tmp.resolve("x").toString());
        assertEquals(2, r.exit());
    }
}
