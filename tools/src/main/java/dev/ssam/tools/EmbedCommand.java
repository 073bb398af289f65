package dev.ssam.tools;

import dev.ssam.model.ClipEmbedding;
import dev.ssam.model.SsamConfig;
import dev.ssam.model.SsamEmbedder;
import dev.ssam.model.SsamParams;
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

    @Option(names = "--batch", defaultValue = "" + SsamEmbedder.DEFAULT_WINDOW_BATCH, paramLabel = "W",
            description = "2-second windows per encoder call; memory grows with it (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = {"-q", "--quiet"}, description = "Print no progress; errors still go to stderr.")
    boolean quiet;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "Audio files, or folders (searched recursively for *.wav, *.flac, *.ogg, *.aif, *.aiff in any case).")
    List<Path> inputs;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        PrintWriter err = cl.getErr();
        if (batch < 1) {
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
            return run(files, new SsamEmbedder(params, backend, batch), manifest, cl.getOut(), err);
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
        long start = System.nanoTime();
        int failed = 0;
        for (int i = 0; i < files.size(); i++) {
            InputFiles.Input in = files.get(i);
            try {
                ClipEmbedding e = embedder.embed(in.file());
                List<Path> written = writer.write(out.resolve(in.base()), in.file(), e);
                manifest.ok(in.file(), written, e.durationMs(), e.frames());
                double elapsed = seconds(start);
                progress(stdout, "[%d/%d] %s: %.2f s, %d frames -> %s.*  (%.1f s elapsed, %.2f clips/s)",
                        i + 1, files.size(), in.file(), e.durationMs() / 1000, e.frames(), out.resolve(in.base()), elapsed,
                        (i + 1) / elapsed);
            } catch (IOException | IllegalArgumentException ex) {
                String message = aboutFile(in.file(), ex);
                err.println("ssam embed: " + message);
                err.flush();
                manifest.error(in.file(), message);
                failed++;
            }
        }
        double elapsed = seconds(start);
        progress(stdout, "ssam embed: %d of %d file%s embedded in %.1f s (%.2f clips/s)%s; manifest %s",
                files.size() - failed, files.size(), plural(files.size()), elapsed, files.size() / elapsed,
                failed == 0 ? "" : ", " + failed + " failed", manifest.file());
        return failed == 0 ? 0 : 1;
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
