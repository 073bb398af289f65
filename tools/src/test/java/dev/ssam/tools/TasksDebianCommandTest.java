package dev.ssam.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ssam tasks build keywords} and {@code ssam tasks pool} on a fake hedgewars tree. */
class TasksDebianCommandTest {
    @TempDir
    Path tmp;


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
        CliRun r = CliRun.of("tasks", "build", "keywords", "--source", root.toString(), "--out", tmp.resolve("kw").toString(),
                "--device", "ref");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("built debian-keywords") && r.out().contains("10 clips, 2 classes"), r.out());
        CliRun p = CliRun.of("tasks", "pool", "--source", root.toString(), "--out", tmp.resolve("pool").toString());
        assertEquals(0, p.exit(), p.err());
        assertTrue(p.out().contains("5 files") && p.out().contains("10 files held out"), p.out());
        assertEquals(5, Files.readAllLines(tmp.resolve("pool").resolve("pool.txt")).size());
    }

    @Test
    void missingPackageIsAnErrorNamingIt() {
        CliRun r = CliRun.of("tasks", "build", "drums", "--source", tmp.toString(), "--out", tmp.resolve("d").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("hydrogen-drumkits") && r.err().contains("install-data.sh"), r.err());
    }
}
