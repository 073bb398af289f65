package dev.ssam.tasks.hear;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticTaskTest {
    @TempDir
    Path tmp;

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    @Test
    void sameArgumentsGiveSameBytes() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        SyntheticTask.build(a, 6, 0.1);
        SyntheticTask.build(b, 6, 0.1);
        List<Path> fa = files(a);
        assertEquals(fa, files(b));
        assertEquals(2 + 5 + 60, fa.size());   // metadata, vocabulary, 5 split files, 60 clips
        for (Path f : fa) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f.toString());
        }
    }

    @Test
    void buildsAFiveFoldTaskWithDisjointSeedRanges() throws IOException {
        TaskSummary s = SyntheticTask.build(tmp.resolve("t"), 7, 0.1);
        assertEquals(70, s.clips());
        assertEquals("generated", s.metadata().license());
        HearTask t = HearTask.open(s.dir());
        assertEquals(10, t.labels().size());
        assertEquals(TaskMetadata.foldNames(5), t.splits());
        Map<String, String> foldOfSeed = new HashMap<>();
        for (String fold : t.splits()) {
            for (HearTask.Clip c : t.clips(fold)) {
                String seed = c.file().substring(c.file().indexOf('-') + 1, c.file().length() - 4);
                String prev = foldOfSeed.putIfAbsent(seed, fold);
                assertTrue(prev == null || prev.equals(fold), "seed " + seed + " in " + prev + " and " + fold);
            }
        }
        assertEquals(7, foldOfSeed.size());
        assertTrue(t.clips("fold00").size() >= 10);
    }

    @Test
    void rejectsTooFewClipsAndNonEmptyOutput() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> SyntheticTask.build(tmp.resolve("x"), 4, 1.0));
        Path d = tmp.resolve("full");
        Files.createDirectories(d);
        Files.writeString(d.resolve("keep.txt"), "mine");
        assertThrows(FileAlreadyExistsException.class, () -> SyntheticTask.build(d, 5, 0.1));
    }
}
