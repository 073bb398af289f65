package dev.ssam.tools;

import dev.ssam.ops.audio.WavEncoding;
import dev.ssam.ops.audio.WavWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Seeded WAV fixtures: a chirp plus noise, written with {@link WavWriter}. */
final class TestAudio {
    private TestAudio() {
    }

    /** Writes a corrupt WAV to {@code file}: a RIFF/WAVE header and then junk instead of chunks. */
    static Path corruptWav(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, "RIFF\0\0\0\0WAVEjunk".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** Writes {@code seconds} of mono audio at {@code rate} Hz to {@code file} (parents created). */
    static Path wav(Path file, long seed, double seconds, int rate, WavEncoding encoding) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = (int) Math.round(seconds * rate);
        float[] x = new float[n];
        double f0 = 200 + 600 * rnd.nextDouble();
        for (int i = 0; i < n; i++) {
            double t = (double) i / rate;
            x[i] = (float) (0.4 * Math.sin(2 * Math.PI * (f0 + 300 * t) * t) + 0.05 * (2 * rnd.nextDouble() - 1));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        WavWriter.write(file, x, 1, rate, encoding);
        return file;
    }

    /** A 16 kHz, 16-bit clip. */
    static Path wav(Path file, long seed, double seconds) throws IOException {
        return wav(file, seed, seconds, 16_000, WavEncoding.PCM_S16);
    }
}
