package dev.ssam.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TasksCommandTest {
    @TempDir
    Path tmp;

    private static String[] run(String... args) {
        CommandLine cl = SsamCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void buildsAndChecksTheSyntheticTask() {
        Path dir = tmp.resolve("syn");
        String[] b = run("tasks", "build", "synthetic", "--out", dir.toString(), "--clips-per-class", "5", "--seconds", "0.1");
        assertEquals("0", b[0], b[2]);
        assertTrue(b[1].contains("built ssam-synthetic10") && b[1].contains("50 clips"), b[1]);
        String[] c = run("tasks", "check", dir.toString());
        assertEquals("0", c[0], c[2]);
        assertTrue(c[1].contains("fold04: 10 clips"), c[1]);
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
        String[] r = run("tasks", "import", "--from-folders", src.toString(), "--out", tmp.resolve("task").toString(),
                "--folds", "3", "--device", "ref");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("imported task") && r[1].contains("6 clips"), r[1]);
    }

    @Test
    void checkReportsBadFolderAsError() {
        String[] r = run("tasks", "check", tmp.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("missing task_metadata.json"), r[2]);
    }

    @Test
    void importNeedsExactlyOneSource() {
        String[] r = run("tasks", "import", "--out", tmp.resolve("x").toString());
        assertEquals("2", r[0]);
    }
}
