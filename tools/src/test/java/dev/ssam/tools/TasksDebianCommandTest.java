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

/** {@code ssam tasks build keywords} and {@code ssam tasks pool} on a fake hedgewars tree. */
class TasksDebianCommandTest {
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
    void buildsKeywordsFromSourceRootAndListsThePool() throws Exception {
        Path root = tmp.resolve("root");
        Path voices = root.resolve("usr/share/games/hedgewars/Data/Sounds/voices");
        long seed = 1;
        for (String pack : new String[] {"A", "B", "C", "D", "E"}) {
            for (String phrase : new String[] {"Hello", "Missed", "Laugh"}) {
                // WAV bytes under an .ogg name: the readers dispatch on the signature.
                TestAudio.wav(voices.resolve(pack).resolve(phrase + ".ogg"), seed++, 0.5);
            }
        }
        String[] r = run("tasks", "build", "keywords", "--source", root.toString(), "--out", tmp.resolve("kw").toString(),
                "--device", "ref");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("built debian-keywords") && r[1].contains("10 clips, 2 classes"), r[1]);
        String[] p = run("tasks", "pool", "--source", root.toString(), "--out", tmp.resolve("pool").toString());
        assertEquals("0", p[0], p[2]);
        assertTrue(p[1].contains("5 files") && p[1].contains("10 files held out"), p[1]);
        assertEquals(5, Files.readAllLines(tmp.resolve("pool").resolve("pool.txt")).size());
    }

    @Test
    void missingPackageIsAnErrorNamingIt() {
        String[] r = run("tasks", "build", "drums", "--source", tmp.toString(), "--out", tmp.resolve("d").toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("hydrogen-drumkits") && r[2].contains("install-data.sh"), r[2]);
    }
}
