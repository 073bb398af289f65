package dev.ssam.tools;

import dev.ssam.model.ClipEmbedding;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.io.Npy;
import dev.ssam.runtime.io.Safetensors;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one clip's embeddings under a base path ({@code out/cats/x}); every file is written
 * atomically (temporary file, then rename), so an interrupted run leaves no half-written output.
 *
 * <table>
 * <caption>Files per format ({@code --what both}; {@code scene} and {@code timestamp} keep their part)</caption>
 * <tr><th>format</th><th>files</th></tr>
 * <tr><td>npy</td><td>{@code x.scene.npy} (5D), {@code x.timestamp_embeddings.npy} (frames, 5D),
 *     {@code x.timestamps.npy} (frames), float32, little-endian</td></tr>
 * <tr><td>safetensors</td><td>{@code x.safetensors} with tensors {@code scene}, {@code timestamp_embeddings},
 *     {@code timestamps} and string metadata {@code source}, {@code duration_ms}, plus the caller's</td></tr>
 * <tr><td>csv</td><td>{@code x.scene.csv}: header {@code e0,...,e<5D-1>} and one row;
 *     {@code x.timestamps.csv}: header {@code time_ms,e0,...} and one row per frame</td></tr>
 * </table>
 * Timestamps are in milliseconds, {@code i * duration / frames} as the HEAR runtime gives them
 * ({@link ClipEmbedding#timesMs()}). CSV numbers are
 * printed with {@link Float#toString}, the shortest text that parses back to the same float.
 */
final class EmbeddingWriter {
    /** Output formats ({@code --format}). */
    enum Format {
        npy, safetensors, csv
    }

    /** Which embeddings to write ({@code --what}). */
    enum What {
        scene, timestamp, both;

        boolean scene() {
            return this != timestamp;
        }

        boolean timestamps() {
            return this != scene;
        }
    }

    private final Format format;
    private final What what;
    private final Map<String, String> metadata;

    /**
     * @param metadata string metadata added to every safetensors output (model, config); ignored by
     *                 the other formats
     */
    EmbeddingWriter(Format format, What what, Map<String, String> metadata) {
        this.format = format;
        this.what = what;
        this.metadata = Map.copyOf(metadata);
    }

    /**
     * Writes the outputs of {@code e} beside {@code base} (parent folders are created).
     *
     * @param base   output path without extension, e.g. {@code out/cats/x}
     * @param source the input file, recorded in safetensors metadata
     * @return the files written, in a fixed order
     */
    List<Path> write(Path base, Path source, ClipEmbedding e) throws IOException {
        Tensor times = Tensor.of(e.timesMs().clone(), e.timesMs().length);   // (frames)
        List<Path> written = new ArrayList<>(3);
        switch (format) {
            case npy -> {
                if (what.scene()) {
                    written.add(npy(sibling(base, ".scene.npy"), e.scene()));
                }
                if (what.timestamps()) {
                    written.add(npy(sibling(base, ".timestamp_embeddings.npy"), e.timestamps()));
                    written.add(npy(sibling(base, ".timestamps.npy"), times));
                }
            }
            case safetensors -> {
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                if (what.scene()) {
                    tensors.put("scene", e.scene());
                }
                if (what.timestamps()) {
                    tensors.put("timestamp_embeddings", e.timestamps());
                    tensors.put("timestamps", times);
                }
                Map<String, String> meta = new LinkedHashMap<>();
                meta.put("source", source.toString());
                meta.put("duration_ms", Double.toString(e.durationMs()));
                meta.putAll(metadata);
                Path file = sibling(base, ".safetensors");
                Safetensors.write(file, tensors, meta);
                written.add(file);
            }
            case csv -> {
                if (what.scene()) {
                    written.add(sceneCsv(sibling(base, ".scene.csv"), e.scene()));
                }
                if (what.timestamps()) {
                    written.add(timestampsCsv(sibling(base, ".timestamps.csv"), e.timestamps(), e.timesMs()));
                }
            }
        }
        return written;
    }

    private static Path sibling(Path base, String suffix) {
        return base.resolveSibling(base.getFileName() + suffix);
    }

    private static Path npy(Path file, Tensor t) throws IOException {
        Npy.write(file, t);
        return file;
    }

    private static Path sceneCsv(Path file, Tensor scene) throws IOException {
        StringBuilder b = new StringBuilder();
        header(b, scene.size());
        row(b, scene, 0, scene.size());
        return writeText(file, b);
    }

    private static Path timestampsCsv(Path file, Tensor frames, float[] timesMs) throws IOException {
        int dim = frames.dim(1);
        StringBuilder b = new StringBuilder("time_ms,");
        header(b, dim);
        for (int i = 0; i < frames.dim(0); i++) {
            b.append(timesMs[i]).append(',');
            row(b, frames, i * dim, dim);
        }
        return writeText(file, b);
    }

    private static void header(StringBuilder b, int dim) {
        for (int j = 0; j < dim; j++) {
            b.append(j > 0 ? ",e" : "e").append(j);
        }
        b.append('\n');
    }

    /** Appends {@code count} values of {@code t} from flat index {@code from}, then a newline. */
    private static void row(StringBuilder b, Tensor t, int from, int count) {
        float[] d = t.data();
        int at = t.offset() + from;
        for (int j = 0; j < count; j++) {
            b.append(j > 0 ? "," : "").append(d[at + j]);
        }
        b.append('\n');
    }

    private static Path writeText(Path file, CharSequence text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.append(text);
        } catch (IOException ex) {
            Files.deleteIfExists(tmp);
            throw ex;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}
