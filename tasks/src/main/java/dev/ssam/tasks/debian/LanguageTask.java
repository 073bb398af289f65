package dev.ssam.tasks.debian;

import dev.ssam.ops.audio.AudioFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The language-ID task: tuxpaint-stamps-default spoken stamp descriptions ({@value #STAMPS}/{@code
 * <category>/.../<stamp>_desc_<lang>.ogg}, GPL-2), labelled with their language.
 *
 * <p>Classes are the nine languages with hundreds of descriptions ({@link #LANGUAGES}); the few
 * others (lt, nl, ml) are left out. Fold groups are stamp categories (the top folder: animals,
 * food, ...), so a test fold's words are never heard in training. Each language has a single
 * speaker, so the task also separates speakers; reports should say so.
 */
final class LanguageTask {
    static final String STAMPS = "usr/share/tuxpaint/stamps";
    /** ISO 639-1 codes of the classes. */
    static final List<String> LANGUAGES = List.of("be", "bg", "ca", "da", "el", "es", "fr", "ro", "ru");
    private static final Pattern DESCRIPTION = Pattern.compile("(.+)_desc_([a-z]{2})\\.ogg");

    private LanguageTask() {
    }

    static DebianTasks.Collected collect(Path root) throws IOException {
        Path stamps = root.resolve(STAMPS);
        if (!Files.isDirectory(stamps)) {
            throw new NoSuchFileException(stamps.toString(), null, "tuxpaint-stamps-default is not installed below this root"
                    + " (apt-get install tuxpaint-stamps-default; see tools/install-data.sh)");
        }
        List<DebianTasks.Item> items = new ArrayList<>();
        List<Path> used = new ArrayList<>();
        Map<String, Integer> other = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(stamps)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Path f : files) {
            Matcher m = DESCRIPTION.matcher(f.getFileName().toString());
            Path rel = stamps.relativize(f);
            if (!m.matches() || rel.getNameCount() < 2) {
                continue;
            }
            String lang = m.group(2);
            if (!LANGUAGES.contains(lang)) {
                other.merge(lang, 1, Integer::sum);
                continue;
            }
            used.add(f);
            String relName = rel.toString().replace(rel.getFileSystem().getSeparator(), "/");
            items.add(new DebianTasks.Item(rel.getName(0).toString(), relName, lang, () -> AudioFiles.read(f)));
        }
        List<String> notes = new ArrayList<>();
        if (!other.isEmpty()) {
            notes.add("descriptions in other languages left out: " + other);
        }
        notes.add("one speaker per language: the task also separates speakers");
        return new DebianTasks.Collected(items, notes, "tuxpaint-stamps-default: GPL-2", used);
    }
}
