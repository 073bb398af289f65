package dev.ssam.tools;

import dev.ssam.ops.audio.AudioFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The audio files (WAV, FLAC, Ogg Vorbis, AIFF) named by {@code ssam embed}'s arguments, in a fixed order, each with the base name
 * its outputs get under {@code --out}.
 *
 * <p>A file argument is taken as it is (whatever its extension) and its outputs are named after
 * its stem: {@code a/dog.wav} gives base {@code dog}. A folder argument is searched recursively
 * for {@code *.wav}, {@code *.flac}, {@code *.ogg}, {@code *.aif} and {@code *.aiff} (any case), sorted by relative path (code-point order, the same on every
 * machine), and keeps its sub-folders: {@code data/}
 * holding {@code cats/x.wav} gives base {@code cats/x}. Arguments are taken in command-line order
 * and a file met twice is embedded once. When two bases would name the same outputs (ignoring
 * case, so results do not depend on the file system), the later one gets {@code -2}, {@code -3},
 * ... appended; the manifest records which input went where.
 */
final class InputFiles {
    private InputFiles() {
    }

    /**
     * One input clip.
     *
     * @param file the audio file, as resolved from the argument
     * @param base output name relative to {@code --out}, without extension, {@code /}-separated
     */
    record Input(Path file, String base) {
    }

    /**
     * Collects the inputs of {@code args}.
     *
     * @throws NoSuchFileException when an argument does not exist
     */
    static List<Input> collect(List<Path> args) throws IOException {
        Map<Path, Input> wanted = new LinkedHashMap<>();
        for (Path arg : args) {
            if (Files.isDirectory(arg)) {
                for (Path f : wavFilesUnder(arg)) {
                    wanted.putIfAbsent(f.toRealPath(), new Input(f, stripExtension(arg.relativize(f))));
                }
            } else if (Files.exists(arg)) {
                wanted.putIfAbsent(arg.toRealPath(), new Input(arg, stripExtension(arg.getFileName())));
            } else {
                throw new NoSuchFileException(arg.toString(), null, "no such file or folder");
            }
        }
        List<Input> inputs = new ArrayList<>(wanted.size());
        Set<String> used = new HashSet<>();
        for (Input in : wanted.values()) {
            String unique = in.base();
            for (int k = 2; !used.add(unique.toLowerCase(Locale.ROOT)); k++) {
                unique = in.base() + "-" + k;
            }
            inputs.add(new Input(in.file(), unique));
        }
        return inputs;
    }

    private static List<Path> wavFilesUnder(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(AudioFiles::hasAudioExtension)
                    .filter(Files::isRegularFile)
                    .sorted((a, b) -> slashed(dir.relativize(a)).compareTo(slashed(dir.relativize(b))))
                    .toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static String stripExtension(Path relative) {
        String s = slashed(relative);
        int slash = s.lastIndexOf('/');
        int dot = s.lastIndexOf('.');
        return dot > slash + 1 ? s.substring(0, dot) : s;
    }

    private static String slashed(Path relative) {
        return relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
    }
}
