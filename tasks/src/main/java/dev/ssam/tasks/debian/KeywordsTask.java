package dev.ssam.tasks.debian;

import dev.ssam.ops.audio.AudioFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The spoken-keywords task: hedgewars-data voice packs ({@value #VOICES}/{@code <Pack>/<Phrase>.ogg},
 * GFDL-1.3), one class per phrase.
 *
 * <p>Classes are the phrases present in every pack, minus the non-verbal ones ({@code Ow*},
 * {@code Ooff*}, {@code Jump*}, {@code Firepunch*}, {@code Laugh}, {@code Hmm}). Fold groups are
 * packs, with a pack and its localised variants ({@code Default}, {@code Default_es}, ...) in one
 * group as they may share a voice. A clip byte-identical to one already taken (some packs reuse
 * recordings of others) is left out, so no recording is in two folds.
 */
final class KeywordsTask {
    static final String VOICES = "usr/share/games/hedgewars/Data/Sounds/voices";
    static final Pattern NON_VERBAL = Pattern.compile("(Ow|Ooff|Jump|Firepunch)\\d*|Laugh|Hmm");

    private KeywordsTask() {
    }

    static DebianTasks.Collected collect(Path root) throws IOException {
        Path voices = root.resolve(VOICES);
        if (!Files.isDirectory(voices)) {
            throw new NoSuchFileException(voices.toString(), null, "hedgewars-data is not installed below this root"
                    + " (apt-get install hedgewars-data; see tools/install-data.sh)");
        }
        List<Path> packs = DrumsTask.folders(voices);
        Set<String> common = null;
        for (Path pack : packs) {
            Set<String> phrases = new TreeSet<>();
            for (Path f : DrumsTask.list(pack, ".ogg")) {
                phrases.add(f.getFileName().toString().replace(".ogg", ""));
            }
            if (common == null) {
                common = phrases;
            } else {
                common.retainAll(phrases);
            }
        }
        if (common == null || packs.size() < DebianTasks.FOLDS) {
            throw new IllegalArgumentException("keywords: " + packs.size() + " voice packs in " + voices + ", expected at least "
                    + DebianTasks.FOLDS);
        }
        List<String> dropped = common.stream().filter(p -> NON_VERBAL.matcher(p).matches()).toList();
        common.removeAll(dropped);
        List<DebianTasks.Item> items = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (Path pack : packs) {
            String name = pack.getFileName().toString();
            int us = name.indexOf('_');
            String group = us > 0 ? name.substring(0, us) : name;
            for (String phrase : common) {
                Path f = pack.resolve(phrase + ".ogg");
                files.add(f);
                String before = seen.putIfAbsent(sha256(f), name + "/" + phrase);
                if (before != null) {
                    duplicates.add(name + "/" + phrase + " = " + before);
                    continue;
                }
                items.add(new DebianTasks.Item(group, name + "/" + phrase, phrase, () -> AudioFiles.read(f)));
            }
        }
        List<String> notes = new ArrayList<>();
        notes.add(packs.size() + " packs; " + common.size() + " phrases in every pack; non-verbal ones left out: " + dropped);
        if (!duplicates.isEmpty()) {
            notes.add(duplicates.size() + " byte-identical recordings left out: " + duplicates);
        }
        return new DebianTasks.Collected(items, notes, "hedgewars-data voices: GFDL-1.3", files);
    }

    static String sha256(Path f) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
