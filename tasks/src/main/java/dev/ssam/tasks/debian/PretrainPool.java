package dev.ssam.tasks.debian;

import dev.ssam.ops.audio.AudioFiles;
import dev.ssam.tasks.hear.TaskImporter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The unlabelled pretraining pool: every decodable audio file ({@link AudioFiles#EXTENSIONS})
 * below the packages' folders ({@link #FOLDERS}: the task sources and the game-music packages
 * docs/DATA.md lists) minus every file whose audio is in a downstream task (drums, keywords, language, speakers). In k-fold tasks every
 * fold is a test fold once, so all of a task's files are held out, byte-identical copies included.
 *
 * <p>Writes {@code pool.txt} (one absolute path a line, sorted) into the output folder, and with
 * {@code link} a {@code files/} folder of symbolic links named after the paths, which {@code ssam
 * pretrain --data DIR/files} reads as a folder of audio.
 *
 * <pre>{@code
 * PretrainPool.Summary s = PretrainPool.write(Path.of("/"), Path.of("pool"), true);
 * }</pre>
 */
public final class PretrainPool {
    /** Folders searched below the root. */
    public static final List<String> FOLDERS = List.of("usr/share/games", "usr/share/hydrogen", "usr/share/sonic-pi",
            "usr/share/tuxpaint");

    private PretrainPool() {
    }

    /**
     * What the pool holds.
     *
     * @param files    audio files in the pool
     * @param bytes    their total size
     * @param heldOut  files left out because a task uses them
     * @param perTop   pool files per top folder below {@code usr/share} (games: per game)
     * @param notes    tasks whose packages are missing, and the like
     */
    public record Summary(int files, long bytes, int heldOut, Map<String, Integer> perTop, List<String> notes) {
    }

    /** Collects the pool below {@code root} and writes it into {@code out} (which must not hold a pool yet). */
    public static Summary write(Path root, Path out, boolean link) throws IOException {
        Set<Path> heldOut = new HashSet<>();
        List<String> notes = new ArrayList<>();
        for (DebianTasks.Kind kind : List.of(DebianTasks.Kind.DRUMS, DebianTasks.Kind.KEYWORDS, DebianTasks.Kind.LANGUAGE,
                DebianTasks.Kind.SPEAKERS)) {
            try {
                for (Path f : DebianTasks.collect(kind, root).files()) {
                    heldOut.add(f.toAbsolutePath().normalize());
                }
            } catch (NoSuchFileException e) {
                notes.add(kind.taskName() + ": its packages are not installed, nothing to hold out");
            }
        }
        List<Path> pool = new ArrayList<>();
        int held = 0;
        for (String folder : FOLDERS) {
            Path dir = root.resolve(folder);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path f : s.filter(Files::isRegularFile).filter(AudioFiles::hasAudioExtension).sorted().toList()) {
                    if (heldOut.contains(f.toAbsolutePath().normalize())) {
                        held++;
                    } else {
                        pool.add(f.toAbsolutePath().normalize());
                    }
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        if (pool.isEmpty()) {
            throw new NoSuchFileException(root.toString(), null, "no audio below " + FOLDERS
                    + " outside the tasks; install the packages (tools/install-data.sh)");
        }
        Files.createDirectories(out);
        Path list = out.resolve("pool.txt");
        if (Files.exists(list)) {
            throw new IOException("pool: " + list + " exists; choose an empty output folder");
        }
        Map<String, Integer> perTop = new TreeMap<>();
        long bytes = 0;
        StringBuilder text = new StringBuilder();
        Path share = root.resolve("usr/share").toAbsolutePath().normalize();
        for (Path f : pool) {
            text.append(f).append('\n');
            bytes += Files.size(f);
            Path rel = share.relativize(f);
            String top = rel.getName(0).toString().equals("games") && rel.getNameCount() > 2
                    ? "games/" + rel.getName(1) : rel.getName(0).toString();
            perTop.merge(top, 1, Integer::sum);
            if (link) {
                String stem = TaskImporter.flatName(share.relativize(f).toString()).replaceFirst("\\.wav$", "");
                Path target = out.resolve("files").resolve(stem + extension(f));
                for (int k = 2; Files.exists(target, LinkOption.NOFOLLOW_LINKS); k++) {
                    target = out.resolve("files").resolve(stem + "-" + k + extension(f));
                }
                Files.createDirectories(target.getParent());
                Files.createSymbolicLink(target, f);
            }
        }
        Files.writeString(list, text, StandardCharsets.UTF_8);
        return new Summary(pool.size(), bytes, held, perTop, notes);
    }

    private static String extension(Path f) {
        String n = f.getFileName().toString();
        return n.substring(n.lastIndexOf('.'));
    }
}
