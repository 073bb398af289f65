package dev.ssam.tasks.debian;

import dev.ssam.ops.audio.AudioFiles;
import dev.ssam.runtime.io.FileFormatException;
import dev.ssam.tasks.hear.TaskImporter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The unlabelled pretraining pool: every decodable audio file ({@link AudioFiles#EXTENSIONS}:
 * WAV, FLAC, Ogg Vorbis, Ogg Opus, AIFF) below the packages' folders ({@link #FOLDERS}: the task
 * sources and the game-music packages docs/DATA.md lists) minus every file whose audio is in a
 * downstream task (drums, keywords, language, speakers; the drum-events task mixes the drums
 * task's files, so it is held out with them). In k-fold tasks every fold is a test fold once, so
 * all of a task's files are held out, byte-identical copies included.
 *
 * <p>Audio inside ZIP archives ({@link #ARCHIVES}: nexuiz-music keeps its Ogg tracks in {@code
 * data/music.pk3}) is part of the pool too: each audio member is one entry, written {@code
 * archive!/member}.
 *
 * <p>Writes {@code pool.txt} (one absolute path a line, sorted) into the output folder, and with
 * {@code link} a {@code files/} folder of symbolic links named after the paths (archive members
 * are extracted there as plain files), which {@code ssam pretrain --data DIR/files} reads as a
 * folder of audio.
 *
 * <pre>{@code
 * PretrainPool.Summary s = PretrainPool.write(Path.of("/"), Path.of("pool"), true);
 * }</pre>
 */
public final class PretrainPool {
    /** Folders searched below the root. */
    public static final List<String> FOLDERS = List.of("usr/share/games", "usr/share/hydrogen", "usr/share/sonic-pi",
            "usr/share/tuxpaint", "usr/share/planetblupi", "usr/share/scummvm/drascula");
    /** File name extensions of the ZIP archives whose audio members join the pool (Quake-style pk3). */
    public static final List<String> ARCHIVES = List.of(".pk3", ".zip");
    /** Separates an archive's path from a member's name in {@code pool.txt}. */
    public static final String MEMBER = "!/";

    private PretrainPool() {
    }

    /**
     * What the pool holds.
     *
     * @param files    audio files in the pool (archive members included)
     * @param bytes    their total size (members: uncompressed)
     * @param heldOut  files left out because a task uses them
     * @param members  pool entries that are members of ZIP archives
     * @param perTop   pool files per top folder below {@code usr/share} (games: per game)
     * @param notes    tasks whose packages are missing, and the like
     */
    public record Summary(int files, long bytes, int heldOut, int members, Map<String, Integer> perTop, List<String> notes) {
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
        Map<Path, List<String>> members = new TreeMap<>();
        int held = 0;
        for (String folder : FOLDERS) {
            Path dir = root.resolve(folder);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                    Path abs = f.toAbsolutePath().normalize();
                    if (isArchive(f)) {
                        List<String> audio = audioMembers(abs);
                        if (!audio.isEmpty()) {
                            members.put(abs, audio);
                        }
                    } else if (!AudioFiles.hasAudioExtension(f)) {
                        continue;
                    } else if (heldOut.contains(abs)) {
                        held++;
                    } else {
                        pool.add(abs);
                    }
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        int memberCount = 0;
        for (Map.Entry<Path, List<String>> e : members.entrySet()) {
            memberCount += e.getValue().size();
            notes.add(root.resolve("usr/share").toAbsolutePath().normalize().relativize(e.getKey()) + ": "
                    + e.getValue().size() + " audio members read from the archive" + (link ? ", extracted into files/" : ""));
        }
        if (pool.isEmpty() && members.isEmpty()) {
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
            perTop.merge(top(share.relativize(f)), 1, Integer::sum);
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
        for (Map.Entry<Path, List<String>> e : members.entrySet()) {
            Path archive = e.getKey();
            String top = top(share.relativize(archive));
            try (ZipFile zip = new ZipFile(archive.toFile())) {
                for (String m : e.getValue()) {
                    ZipEntry entry = zip.getEntry(m);
                    text.append(archive).append(MEMBER).append(m).append('\n');
                    bytes += entry.getSize();
                    perTop.merge(top, 1, Integer::sum);
                    if (link) {
                        String stem = TaskImporter.flatName(share.relativize(archive) + "/" + m).replaceFirst("\\.wav$", "");
                        Path target = out.resolve("files").resolve(stem + extension(Path.of(m)));
                        for (int k = 2; Files.exists(target, LinkOption.NOFOLLOW_LINKS); k++) {
                            target = out.resolve("files").resolve(stem + "-" + k + extension(Path.of(m)));
                        }
                        Files.createDirectories(target.getParent());
                        try (InputStream in = zip.getInputStream(entry)) {
                            Files.copy(in, target);
                        }
                    }
                }
            } catch (ZipException ex) {
                throw new FileFormatException(archive, "not a readable ZIP archive: " + ex.getMessage(), ex);
            }
        }
        Files.writeString(list, text, StandardCharsets.UTF_8);
        return new Summary(pool.size() + memberCount, bytes, held, memberCount, perTop, notes);
    }

    /** The pool's count key: the top folder below {@code usr/share} (games: per game). */
    private static String top(Path rel) {
        return rel.getName(0).toString().equals("games") && rel.getNameCount() > 2
                ? "games/" + rel.getName(1) : rel.getName(0).toString();
    }

    private static boolean isArchive(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return ARCHIVES.stream().anyMatch(n::endsWith);
    }

    /** The audio members of a ZIP archive ({@link AudioFiles#hasAudioExtension}), sorted by name. */
    private static List<String> audioMembers(Path archive) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (!e.isDirectory() && AudioFiles.hasAudioExtension(Path.of(e.getName()).getFileName())) {
                    names.add(e.getName());
                }
            }
        } catch (ZipException e) {
            throw new FileFormatException(archive, "not a readable ZIP archive: " + e.getMessage(), e);
        }
        names.sort(null);
        return names;
    }

    private static String extension(Path f) {
        String n = f.getFileName().toString();
        return n.substring(n.lastIndexOf('.'));
    }
}
