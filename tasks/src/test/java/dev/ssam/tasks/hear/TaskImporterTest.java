package dev.ssam.tasks.hear;

import dev.ssam.ops.audio.AudioClip;
import dev.ssam.ops.audio.WavEncoding;
import dev.ssam.ops.audio.WavReader;
import dev.ssam.ops.audio.WavWriter;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.io.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskImporterTest {
    @TempDir
    Path tmp;

    /** A 0.1 s stereo clip at 8 kHz. */
    private static void wav(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        float[] x = new float[2 * 800];
        for (int i = 0; i < 800; i++) {
            x[2 * i] = (float) (0.2 * Math.sin(i * 0.3));
            x[2 * i + 1] = x[2 * i];
        }
        WavWriter.write(file, x, 2, 8000, WavEncoding.PCM_S16);
    }

    private Path classFolders(int perClass) throws IOException {
        Path src = tmp.resolve("src");
        for (String c : List.of("kick", "snare", "hat")) {
            for (int i = 0; i < perClass; i++) {
                wav(src.resolve(c).resolve(c + i + ".wav"));
            }
        }
        return src;
    }

    @Test
    void importsClassFoldersIntoStratifiedFolds() throws IOException {
        Path src = classFolders(5);
        Files.writeString(src.resolve("snare").resolve("README.txt"), "not audio");
        TaskSummary s = TaskImporter.fromClassFolders(Backend.ref(), src, tmp.resolve("out"),
                new TaskImporter.Options("drums", 5, 3L, Double.NaN, "CC0"));
        assertEquals(15, s.clips());
        assertEquals(1, s.notes().size());
        HearTask t = HearTask.open(s.dir());
        assertEquals(List.of("hat", "kick", "snare"), t.labels());
        for (String fold : t.splits()) {
            assertEquals(3, t.clips(fold).size(), fold);
            long classes = t.clips(fold).stream().map(c -> c.classes()[0]).distinct().count();
            assertEquals(3, classes, "every fold holds every class");
        }
        AudioClip a = WavReader.read(t.clips("fold00").getFirst().audio());
        assertEquals(16000, a.sampleRate());
        assertEquals(1, a.channels());
        assertEquals(1600, a.length());
        assertEquals("multiclass", t.metadata().predictionType().json());
    }

    @Test
    void cutsAndPadsToGivenSeconds() throws IOException {
        TaskSummary s = TaskImporter.fromClassFolders(Backend.ref(), classFolders(3), tmp.resolve("out"),
                new TaskImporter.Options("drums", 3, 0L, 0.25, "CC0"));
        HearTask t = HearTask.open(s.dir());
        assertEquals(4000, WavReader.read(t.clips("fold01").getFirst().audio()).length());
        assertEquals(0.25, t.metadata().sampleDuration());
        assertEquals(List.of("top1_acc"), t.metadata().evaluation());
    }

    @Test
    void writesTheGivenMetricsFirstOneFirst() throws IOException {
        TaskSummary s = TaskImporter.fromClassFolders(Backend.ref(), classFolders(3), tmp.resolve("out"),
                new TaskImporter.Options("notes", 3, 0L, Double.NaN, "CC0", List.of("pitch_acc", "chroma_acc")));
        HearTask t = HearTask.open(s.dir());
        assertEquals(List.of("pitch_acc", "chroma_acc"), t.metadata().evaluation());
        assertEquals("pitch_acc", t.metadata().primaryMetric());
    }

    @Test
    void rejectsEmptyClassFolder() throws IOException {
        Path src = classFolders(3);
        Files.createDirectories(src.resolve("tom"));
        FileFormatException e = assertThrows(FileFormatException.class, () -> TaskImporter.fromClassFolders(Backend.ref(),
                src, tmp.resolve("out"), TaskImporter.Options.defaults("d")));
        assertTrue(e.getMessage().contains("class folder 'tom' has no .wav files"), e.getMessage());
    }

    @Test
    void importsCsvWithGivenFolds() throws IOException {
        Path root = tmp.resolve("csv");
        StringBuilder csv = new StringBuilder("file,label,fold\n");
        for (int i = 0; i < 6; i++) {
            wav(root.resolve("audio").resolve("c" + i + ".wav"));
            csv.append("audio/c").append(i).append(".wav,").append(i % 2 == 0 ? "dog" : "cat").append(',')
                    .append(10 + i / 2).append('\n');
        }
        Files.writeString(root.resolve("list.csv"), csv);
        TaskSummary s = TaskImporter.fromCsv(Backend.ref(), root.resolve("list.csv"), tmp.resolve("out"),
                TaskImporter.Options.defaults("pets"));
        HearTask t = HearTask.open(s.dir());
        assertEquals(List.of("fold00", "fold01", "fold02"), t.splits());
        assertEquals(List.of("audio_c2.wav", "audio_c3.wav"), t.clips("fold01").stream().map(HearTask.Clip::file).toList());
    }

    @Test
    void csvWithSeveralLabelsMakesAMultilabelTask() throws IOException {
        Path root = tmp.resolve("csv");
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            wav(root.resolve("c" + i + ".wav"));
            csv.append("c").append(i).append(".wav,").append(i == 0 ? "dog;cat" : i % 2 == 0 ? "dog" : "cat").append('\n');
        }
        Files.writeString(root.resolve("list.csv"), csv);
        TaskSummary s = TaskImporter.fromCsv(Backend.ref(), root.resolve("list.csv"), tmp.resolve("out"),
                new TaskImporter.Options("pets", 3, 0L, Double.NaN, "CC0"));
        HearTask t = HearTask.open(s.dir());
        assertEquals("multilabel", t.metadata().predictionType().json());
        assertEquals(List.of("mAP"), t.metadata().evaluation());
    }

    @Test
    void rejectsCsvLineWithMissingFile() throws IOException {
        Path root = tmp.resolve("csv");
        wav(root.resolve("a.wav"));
        Files.writeString(root.resolve("list.csv"), "a.wav,dog\nb.wav,cat\n");
        FileFormatException e = assertThrows(FileFormatException.class, () -> TaskImporter.fromCsv(Backend.ref(),
                root.resolve("list.csv"), tmp.resolve("out"), TaskImporter.Options.defaults("x")));
        assertTrue(e.getMessage().contains("line 2: audio file 'b.wav' does not exist"), e.getMessage());
    }

    @Test
    void rejectsCsvWithFoldOnSomeLinesOnly() throws IOException {
        Path root = tmp.resolve("csv");
        wav(root.resolve("a.wav"));
        wav(root.resolve("b.wav"));
        Files.writeString(root.resolve("list.csv"), "a.wav,dog,1\nb.wav,cat\n");
        FileFormatException e = assertThrows(FileFormatException.class, () -> TaskImporter.fromCsv(Backend.ref(),
                root.resolve("list.csv"), tmp.resolve("out"), TaskImporter.Options.defaults("x")));
        assertTrue(e.getMessage().contains("line 2 has no fold"), e.getMessage());
    }
}
