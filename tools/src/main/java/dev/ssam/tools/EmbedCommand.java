package dev.ssam.tools;

import dev.ssam.model.ClipEmbedding;
import dev.ssam.model.SsamConfig;
import dev.ssam.model.SsamEmbedder;
import dev.ssam.model.SsamParams;
import dev.ssam.ops.audio.AudioClip;
import dev.ssam.ops.audio.AudioFiles;
import dev.ssam.ops.melspec.LogMel;
import dev.ssam.runtime.Backend;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ssam embed}: scene and timestamp embeddings of audio files (WAV, FLAC, Ogg Vorbis, AIFF) through the HEAR runtime path
 * ({@link SsamEmbedder}), one output set per input plus {@code manifest.jsonl} under {@code --out}.
 * Inputs and output names: {@link InputFiles}; files per format: {@link EmbeddingWriter}; the
 * manifest: {@link Manifest}.
 *
 * <p>Exit status: 0 when every input was embedded; 1 when any input failed (each failure is
 * reported on stderr as {@code ssam embed: <file>: <problem>}, recorded in the manifest, and the
 * other inputs still run) or when nothing could start (a missing input or model, unreadable
 * weights); 2 for usage errors.
 */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Embed audio files (WAV, FLAC, Ogg Vorbis, AIFF) or folders with an SSAM model: one scene embedding per clip, one timestamp "
                + "embedding every 40 ms.",
        footer = {"",
            "Outputs, for input x.wav:",
            "  npy          x.scene.npy (5D), x.timestamp_embeddings.npy (frames, 5D),",
            "               x.timestamps.npy (frames; i * duration / frames, in ms)",
            "  safetensors  x.safetensors: scene, timestamp_embeddings, timestamps",
            "  csv          x.scene.csv, x.timestamps.csv (time_ms,e0,e1,...)",
            "A folder INPUT keeps its sub-folders under --out; same-named outputs get",
            "-2, -3, ... appended. DIR/manifest.jsonl lists every input with its outputs",
            "or its error. Exit status: 0 all embedded, 1 any failure, 2 usage error.",
            "",
            "Examples:",
            "  ssam embed --model ssam-tiny.pth --out emb clips/",
            "  ssam embed -m tiny.safetensors --format csv --what scene a.wav b.wav"})
public final class EmbedCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Mixin
    DeviceOptions device;

    @Option(names = {"-o", "--out"}, defaultValue = "embeddings", paramLabel = "DIR",
            description = "Output folder (created if needed; default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--format", defaultValue = "npy",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    EmbeddingWriter.Format format;

    @Option(names = "--what", defaultValue = "both",
            description = "Embeddings to write: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    EmbeddingWriter.What what;

    @Option(names = "--batch", paramLabel = "W",
            description = "2-second windows per encoder call; files are read until their windows fill a call, so "
                    + "short files are embedded together; memory grows with it (default: "
                    + SsamEmbedder.DEFAULT_WINDOW_BATCH + " on cpu and ref, " + SsamEmbedder.GPU_STAGE_WINDOWS
                    + " on a GPU, or -Dssam.gpu.stageWindows).")
    Integer batch;

    @Option(names = {"-q", "--quiet"}, description = "Print no progress; errors still go to stderr.")
    boolean quiet;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Audio files, or folders (searched recursively for *.wav, *.flac, *.ogg, *.aif, *.aiff in any case).")
    List<Path> inputs;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        PrintWriter err = cl.getErr();
        if (batch != null && batch < 1) {
            throw new CommandLine.ParameterException(cl, "--batch is " + batch + ", expected at least 1");
        }
        List<InputFiles.Input> files;
        SsamParams params;
        try {
            files = InputFiles.collect(inputs);
            if (files.isEmpty()) {
                err.println("ssam embed: no .wav files found (nor .flac or .ogg) in " + inputs);
                return 1;
            }
            params = model.load();
        } catch (IOException | IllegalArgumentException e) {
            err.println("ssam embed: " + UserErrors.message(e));
            return 1;
        }
        try (Backend backend = device.open(); Manifest manifest = Manifest.create(out)) {
            int windowBatch = batch != null ? batch : SsamEmbedder.defaultWindowBatch(backend);
            return run(files, new SsamEmbedder(params, backend, windowBatch), manifest, cl.getOut(), err);
        } catch (IOException e) {
            err.println("ssam embed: " + UserErrors.message(e));
            return 1;
        }
    }

    private int run(List<InputFiles.Input> files, SsamEmbedder embedder, Manifest manifest, PrintWriter stdout,
                    PrintWriter err) throws IOException {
        SsamConfig c = embedder.config();
        EmbeddingWriter writer = new EmbeddingWriter(format, what,
                Map.of("model", model.path().toString(), "ssam_config", c.toJson()));
        Backend b = embedder.backend();
        progress(stdout, "ssam embed: %d audio file%s; model %s (%s); %d-d embeddings every %d ms; device %s, %d thread%s; "
                        + "writing %s (%s) to %s",
                files.size(), plural(files.size()), model.path(), c.summary(), c.featureDim(), frameMs(c), b.name(),
                b.threads(), plural(b.threads()), format, what, out);
        Batch pending = new Batch(embedder, writer, manifest, files.size(), stdout, err);
        for (InputFiles.Input in : files) {
            float[] wave;
            try {
                AudioClip clip = AudioFiles.read(in.file());
                wave = embedder.atModelRate(clip.samples(), clip.sampleRate());
            } catch (IOException | IllegalArgumentException ex) {
                pending.fail(in, aboutFile(in.file(), ex));
                continue;
            }
            pending.add(in, wave);
        }
        pending.flush();
        double elapsed = seconds(pending.start);
        progress(stdout, "ssam embed: %d of %d file%s embedded in %.1f s (%.2f clips/s)%s; manifest %s",
                files.size() - pending.failed, files.size(), plural(files.size()), elapsed, files.size() / elapsed,
                pending.failed == 0 ? "" : ", " + pending.failed + " failed", manifest.file());
        return pending.failed == 0 ? 0 : 1;
    }

    /**
     * Files read but not yet embedded, in input order: once their windows fill an encoder call
     * they are embedded together ({@link SsamEmbedder#embedAll}), then written, recorded and
     * reported in input order, files that failed to read among them.
     */
    private final class Batch {
        private final SsamEmbedder embedder;
        private final EmbeddingWriter writer;
        private final Manifest manifest;
        private final int total;
        private final PrintWriter stdout;
        private final PrintWriter err;
        private final long start = System.nanoTime();
        private final List<InputFiles.Input> inputs = new ArrayList<>();
        /** Per pending file: its 16 kHz samples, or null when it failed (its message in {@link #errors}). */
        private final List<float[]> waves = new ArrayList<>();
        private final List<String> errors = new ArrayList<>();
        private int windows;
        private int done;
        private int failed;

        Batch(SsamEmbedder embedder, EmbeddingWriter writer, Manifest manifest, int total, PrintWriter stdout,
              PrintWriter err) {
            this.embedder = embedder;
            this.writer = writer;
            this.manifest = manifest;
            this.total = total;
            this.stdout = stdout;
            this.err = err;
        }

        void add(InputFiles.Input in, float[] wave) throws IOException {
            inputs.add(in);
            waves.add(wave);
            errors.add(null);
            windows += embedder.windowsOf(wave.length);
            if (windows >= embedder.windowBatch()) {
                flush();
            }
        }

        void fail(InputFiles.Input in, String message) {
            inputs.add(in);
            waves.add(null);
            errors.add(message);
        }

        /**
         * Embeds the pending files' clips in one call (should it fail, each clip alone, so one bad
         * clip fails only its file), then writes and reports every pending file in order.
         */
        void flush() throws IOException {
            try {
                List<float[]> clips = waves.stream().filter(w -> w != null).toList();
                List<ClipEmbedding> embedded = new ArrayList<>();
                List<String> clipErrors = new ArrayList<>();
                embed(clips, embedded, clipErrors);
                for (int i = 0, k = 0; i < inputs.size(); i++) {
                    InputFiles.Input in = inputs.get(i);
                    String error = errors.get(i);
                    if (error == null) {
                        error = clipErrors.get(k) == null ? write(in, embedded.get(k)) : in.file() + ": " + clipErrors.get(k);
                        k++;
                    }
                    if (error != null) {
                        err.println("ssam embed: " + error);
                        err.flush();
                        manifest.error(in.file(), error);
                        failed++;
                    }
                }
            } finally {
                inputs.clear();
                waves.clear();
                errors.clear();
                windows = 0;
            }
        }

        /** Embeddings of {@code clips} in order into {@code embedded}, with null or the clip's error in {@code clipErrors}. */
        private void embed(List<float[]> clips, List<ClipEmbedding> embedded, List<String> clipErrors) {
            if (clips.isEmpty()) {
                return;
            }
            try {
                embedded.addAll(embedder.embedAll(clips, LogMel.SAMPLE_RATE));
                clipErrors.addAll(java.util.Collections.nCopies(clips.size(), null));
                return;
            } catch (IllegalArgumentException ex) {
                // one clip can spoil a batch: embed each alone below
            }
            for (float[] clip : clips) {
                try {
                    embedded.add(embedder.embedAll(List.of(clip), LogMel.SAMPLE_RATE).getFirst());
                    clipErrors.add(null);
                } catch (IllegalArgumentException ex) {
                    embedded.add(null);
                    clipErrors.add(UserErrors.message(ex));
                }
            }
        }

        /** Writes one file's outputs and manifest entry and reports it; null, or the error for its file. */
        private String write(InputFiles.Input in, ClipEmbedding e) throws IOException {
            try {
                List<Path> written = writer.write(out.resolve(in.base()), in.file(), e);
                manifest.ok(in.file(), written, e.durationMs(), e.frames());
            } catch (IOException | IllegalArgumentException ex) {
                return aboutFile(in.file(), ex);
            }
            done++;
            double elapsed = seconds(start);
            progress(stdout, "[%d/%d] %s: %.2f s, %d frames -> %s.*  (%.1f s elapsed, %.2f clips/s)", done + failed,
                    total, in.file(), e.durationMs() / 1000, e.frames(), out.resolve(in.base()), elapsed,
                    (done + failed) / elapsed);
            return null;
        }
    }

    /** The message for a failed input, starting with the input's path. */
    private static String aboutFile(Path file, Exception ex) {
        String m = UserErrors.message(ex);
        return m.startsWith(file.toString()) ? m : file + ": " + m;
    }

    /** Milliseconds between timestamp embeddings: patchFrames log-mel hops. */
    private static int frameMs(SsamConfig c) {
        return c.patchFrames() * LogMel.HOP * 1000 / LogMel.SAMPLE_RATE;
    }

    private void progress(PrintWriter stdout, String format, Object... args) {
        if (!quiet) {
            stdout.println(String.format(Locale.ROOT, format, args));
            stdout.flush();
        }
    }

    private static double seconds(long since) {
        return Math.max(1e-9, (System.nanoTime() - since) * 1e-9);
    }

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }
}
