package dev.ssam.tasks.debian;

import dev.ssam.ops.audio.AudioClip;
import dev.ssam.ops.audio.AudioFiles;
import dev.ssam.ops.audio.WavEncoding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * NSynth-style notes rendered from the General-MIDI bank of fluid-soundfont-gm ({@value #SOUNDFONT},
 * MIT) with fluidsynth: labels are the MIDI pitch ({@link DebianTasks.Kind#PITCH}) or the GM
 * instrument family, program / 8 ({@link DebianTasks.Kind#FAMILY}).
 *
 * <p>Programs 0..119 (the sound-effects family 120..127 has no meaningful pitch), each playing
 * the notes {@value #LOW}..{@value #HIGH} whose distance from the program number is a multiple of
 * {@value #STEP}, so every pitch occurs on a third of the programs; 4 s a note (3 s held, 1 s
 * release; reverb and chorus off), velocity {@value #VELOCITY}. A note whose rendering peaks below
 * {@value #SILENT} (out of the instrument's range) is left out. Fold groups are programs, so test
 * instruments are never heard in training.
 *
 * <p>Each program is rendered once to find its audible notes and again, one program at a time,
 * when the task is written, so memory holds one program's audio at most.
 */
final class PitchTask {
    static final String SOUNDFONT = "usr/share/sounds/sf2/FluidR3_GM.sf2";
    static final int LOW = 24;
    static final int HIGH = 96;
    static final int STEP = 3;
    static final int PROGRAMS = 120;
    static final int VELOCITY = 100;
    static final double SLOT_SECONDS = 4.0;
    static final double HOLD_SECONDS = 3.0;
    static final double SILENT = 1e-3;
    static final int RATE = 16_000;
    static final List<String> FAMILIES = List.of("piano", "chromatic-percussion", "organ", "guitar", "bass", "strings",
            "ensemble", "brass", "reed", "pipe", "synth-lead", "synth-pad", "synth-effects", "ethnic", "percussive",
            "sound-effects");

    /** Renders a MIDI sequence with a soundfont to mono samples at {@value #RATE} Hz. */
    @FunctionalInterface
    interface Renderer {
        float[] render(Path soundFont, byte[] midi) throws IOException;
    }

    private PitchTask() {
    }

    /** The notes program {@code p} plays. */
    static int[] notes(int program) {
        return IntStream.rangeClosed(LOW, HIGH).filter(n -> Math.floorMod(n - program, STEP) == 0).toArray();
    }

    static DebianTasks.Collected collect(Path root, boolean family) throws IOException {
        return collect(root, family, fluidSynth(root), PROGRAMS);
    }

    static DebianTasks.Collected collect(Path root, boolean family, Renderer renderer, int programs) throws IOException {
        Path sf2 = root.resolve(SOUNDFONT);
        if (!Files.isRegularFile(sf2)) {
            throw new NoSuchFileException(sf2.toString(), null, "fluid-soundfont-gm is not installed below this root"
                    + " (apt-get install fluid-soundfont-gm fluidsynth; see tools/install-data.sh --tools)");
        }
        OneProgram cache = new OneProgram(sf2, renderer);
        List<DebianTasks.Item> items = new ArrayList<>();
        int silent = 0;
        for (int p = 0; p < programs; p++) {
            int[] notes = notes(p);
            float[] audio = cache.audio(p);
            for (int i = 0; i < notes.length; i++) {
                float[] note = slot(audio, i);
                float peak = 0;
                for (float v : note) {
                    peak = Math.max(peak, Math.abs(v));
                }
                if (peak < SILENT) {
                    silent++;
                    continue;
                }
                int program = p;
                int index = i;
                String label = family ? FAMILIES.get(p / 8) : Integer.toString(notes[i]);
                items.add(new DebianTasks.Item(String.format("program %03d", p), String.format("gm%03d/note%03d", p, notes[i]),
                        label, () -> new AudioClip(slot(cache.audio(program), index), RATE, 1, WavEncoding.PCM_S16, "gm" + program)));
            }
        }
        List<String> notes = new ArrayList<>();
        notes.add(programs + " GM programs rendered with fluidsynth; " + silent + " silent notes left out");
        return new DebianTasks.Collected(items, notes, "fluid-soundfont-gm (FluidR3_GM.sf2): MIT", List.of(sf2));
    }

    private static float[] slot(float[] audio, int i) {
        int n = (int) Math.round(SLOT_SECONDS * RATE);
        int from = Math.min(audio.length, i * n);
        return Arrays.copyOfRange(audio, from, from + n);
    }

    /** The rendering of the program asked for last (the task writer visits one program's notes together). */
    private static final class OneProgram {
        private final Path soundFont;
        private final Renderer renderer;
        private int program = -1;
        private float[] audio;

        OneProgram(Path soundFont, Renderer renderer) {
            this.soundFont = soundFont;
            this.renderer = renderer;
        }

        float[] audio(int p) throws IOException {
            if (p != program) {
                audio = renderer.render(soundFont, MidiNotes.sequence(p, notes(p), SLOT_SECONDS, HOLD_SECONDS, VELOCITY));
                program = p;
            }
            return audio;
        }
    }

    /** fluidsynth (below the root when there, else on the PATH) writing a 16 kHz WAV, reverb and chorus off. */
    static Renderer fluidSynth(Path root) {
        Path local = root.resolve("usr/bin/fluidsynth");
        String exe = Files.isExecutable(local) ? local.toString() : "fluidsynth";
        return (sf2, midi) -> {
            Path dir = Files.createTempDirectory("ssam-fluidsynth");
            Path mid = dir.resolve("notes.mid");
            Path wav = dir.resolve("notes.wav");
            try {
                Files.write(mid, midi);
                Process p;
                try {
                    p = new ProcessBuilder(exe, "-ni", "-R", "0", "-C", "0", "-g", "0.5", "-r", Integer.toString(RATE), "-T", "wav", "-O", "s16",
                            "-F", wav.toString(), sf2.toString(), mid.toString())
                            .redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
                } catch (IOException e) {
                    throw new IOException("pitch: cannot run fluidsynth (" + e.getMessage()
                            + "); apt-get install fluidsynth (tools/install-data.sh --tools)", e);
                }
                if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroy();
                    throw new IOException("pitch: fluidsynth failed: " + Files.readString(dir.resolve("log.txt")).strip());
                }
                AudioClip clip = AudioFiles.read(wav);
                if (clip.sampleRate() != RATE) {
                    throw new IOException("pitch: fluidsynth wrote " + clip.sampleRate() + " Hz, expected " + RATE);
                }
                return clip.samples();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("pitch: interrupted while fluidsynth ran", e);
            } finally {
                try (Stream<Path> s = Files.list(dir)) {
                    for (Path f : s.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(dir);
            }
        };
    }
}
