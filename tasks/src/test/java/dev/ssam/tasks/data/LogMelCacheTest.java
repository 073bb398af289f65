package dev.ssam.tasks.data;

import dev.ssam.ops.audio.WavEncoding;
import dev.ssam.ops.audio.WavWriter;
import dev.ssam.ops.melspec.LogMel;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.check.TensorCompare;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogMelCacheTest {
    @TempDir
    Path tmp;

    /** Records what the pipeline reports. */
    static final class Recorder implements DataListener {
        final List<String> skipped = new ArrayList<>();
        final List<Boolean> reused = new ArrayList<>();
        int progress;

        @Override
        public void skipped(String clip, String problem) {
            skipped.add(clip + ": " + problem);
        }

        @Override
        public void cacheProgress(int done, int total) {
            progress++;
        }

        @Override
        public void cacheReady(Path file, boolean wasReused, int clips, long frames) {
            reused.add(wasReused);
        }
    }

    static void tone(Path file, double seconds, int rate, double hz) throws IOException {
        float[] x = new float[(int) Math.round(seconds * rate)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * hz * i / rate));
        }
        Files.createDirectories(file.getParent());
        WavWriter.write(file, x, 1, rate, WavEncoding.PCM_S16);
    }

    private static Tensor clip(LogMelCache c, int i) {
        Tensor t = Tensor.zeros(c.frames(i), LogMelCache.MELS);
        c.read(i, 0, c.frames(i), t.data(), 0);
        return t;
    }

    @Test
    void holdsTheWholeClipLogMelNormalisedWithTheBiasedStd() throws IOException {
        AudioSource src = AudioSource.open("synthetic:3:1.5");
        Backend ref = Backend.ref();
        try (LogMelCache c = LogMelCache.open(src, tmp.resolve("cache"), ref, DataListener.NONE)) {
            assertEquals(3, c.clips());
            for (int i = 0; i < 3; i++) {
                Tensor expected = LogMel.compute(ref, src.load(i, ref));
                LogMel.normalize(expected, expected, LogMel.StdMode.BIASED);
                assertEquals(151, c.frames(i));
                TensorCompare.assertBitwiseEqual("clip " + i, expected, clip(c, i));
            }
            assertEquals(453, c.totalFrames());
            assertEquals("synthetic/harmonic_tone-0", c.name(0));
        }
    }

    @Test
    void isReusedOnTheSecondOpenAndRebuiltWhenTheSourceChanges() throws IOException {
        Path data = tmp.resolve("wavs");
        tone(data.resolve("a.wav"), 1.0, 16000, 440);
        tone(data.resolve("sub/b.wav"), 2.5, 16000, 880);
        Path cacheDir = tmp.resolve("cache");
        Recorder r = new Recorder();
        Tensor first;
        Path file;
        try (LogMelCache c = LogMelCache.open(AudioSource.open(data.toString()), cacheDir, Backend.ref(), r)) {
            assertFalse(c.reused());
            assertEquals(2, c.clips());
            assertEquals("sub/b.wav", c.name(1));
            first = clip(c, 1);
            file = c.file();
        }
        long modified = Files.getLastModifiedTime(file).toMillis();
        int built = r.progress;
        assertTrue(built > 0);
        try (LogMelCache c = LogMelCache.open(AudioSource.open(data.toString()), cacheDir, Backend.ref(), r)) {
            assertTrue(c.reused());
            TensorCompare.assertBitwiseEqual("reused clip", first, clip(c, 1));
        }
        assertEquals(List.of(false, true), r.reused);
        assertEquals(built, r.progress, "the second open computed log-mels again");
        assertEquals(modified, Files.getLastModifiedTime(file).toMillis());
        tone(data.resolve("c.wav"), 1.0, 16000, 220);
        try (LogMelCache c = LogMelCache.open(AudioSource.open(data.toString()), cacheDir, Backend.ref(), r)) {
            assertFalse(c.reused(), "a new file in the folder must invalidate the cache");
            assertEquals(3, c.clips());
        }
    }

    @Test
    void reportsAndSkipsUndecodableAndTooShortFilesOnce() throws IOException {
        Path data = tmp.resolve("wavs");
        tone(data.resolve("good.wav"), 1.0, 16000, 440);
        tone(data.resolve("tiny.wav"), 0.005, 16000, 440);
        Files.write(data.resolve("broken.wav"), "this is not a RIFF file".getBytes());
        Recorder r = new Recorder();
        try (LogMelCache c = LogMelCache.open(AudioSource.open(data.toString()), tmp.resolve("cache"), Backend.ref(), r)) {
            assertEquals(1, c.clips());
            assertEquals("good.wav", c.name(0));
        }
        assertEquals(2, r.skipped.size(), r.skipped.toString());
        assertTrue(r.skipped.get(0).startsWith("broken.wav: "), r.skipped.toString());
        assertTrue(r.skipped.get(1).startsWith("tiny.wav: too short"), r.skipped.toString());
    }

    @Test
    void resamplesOtherRatesTo16kHz() throws IOException {
        Path data = tmp.resolve("wavs");
        tone(data.resolve("a8k.wav"), 2.0, 8000, 300);
        try (LogMelCache c = LogMelCache.open(AudioSource.open(data.toString()), tmp.resolve("cache"), Backend.ref(),
                DataListener.NONE)) {
            assertEquals(201, c.frames(0));
        }
    }

    @Test
    void rejectsAnEmptySource() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AudioSource.open(empty.toString()));
        assertTrue(e.getMessage().contains("no .wav files found under " + empty), e.getMessage());
        Path bad = tmp.resolve("bad");
        Files.createDirectories(bad);
        Files.write(bad.resolve("x.wav"), new byte[] {1, 2, 3});
        IllegalArgumentException all = assertThrows(IllegalArgumentException.class,
                () -> LogMelCache.open(AudioSource.open(bad.toString()), tmp.resolve("cache"), Backend.ref(), DataListener.NONE));
        assertTrue(all.getMessage().contains("none of the 1 clips"), all.getMessage());
    }

    @Test
    void readsOnlyTheTrainingAudioOfAHearTask() throws IOException {
        Path task = tmp.resolve("task");
        Files.createDirectories(task);
        Files.writeString(task.resolve("task_metadata.json"), "{\"task_name\": \"t\"}");
        tone(task.resolve("16000/train/a.wav"), 1.0, 16000, 440);
        tone(task.resolve("16000/train/b.wav"), 1.0, 16000, 660);
        tone(task.resolve("16000/test/c.wav"), 1.0, 16000, 880);
        AudioSource s = AudioSource.open(task.toString());
        assertEquals(2, s.size());
        assertEquals("16000/train/a.wav", s.clipName(0));
        Path folds = tmp.resolve("kfold");
        Files.createDirectories(folds);
        Files.writeString(folds.resolve("task_metadata.json"), "{}");
        tone(folds.resolve("16000/fold00/a.wav"), 1.0, 16000, 440);
        tone(folds.resolve("16000/fold01/b.wav"), 1.0, 16000, 440);
        assertEquals(2, AudioSource.open(folds.toString()).size());
    }

    @Test
    void parsesSyntheticSpecs() throws IOException {
        assertEquals(new AudioSource.Synthetic(256, 10.0), AudioSource.open("synthetic"));
        assertEquals(new AudioSource.Synthetic(40, 10.0), AudioSource.open("synthetic:40"));
        assertEquals(new AudioSource.Synthetic(40, 2.5), AudioSource.open("synthetic:40:2.5"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AudioSource.open("synthetic:x"));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AudioSource.open("synthetic:0"));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> AudioSource.open(tmp.resolve("missing").toString()));
    }
}
