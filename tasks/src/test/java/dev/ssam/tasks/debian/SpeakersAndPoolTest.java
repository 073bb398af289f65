package dev.ssam.tasks.debian;

import dev.ssam.ops.audio.AudioClip;
import dev.ssam.ops.audio.AudioFiles;
import dev.ssam.ops.audio.WavEncoding;
import dev.ssam.ops.audio.WavWriter;
import dev.ssam.runtime.io.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The speaker-count mixtures and the pretraining pool on a fake tree (WAV bytes under .ogg names). */
class SpeakersAndPoolTest {
    @TempDir
    Path tmp;

    private final SplittableRandom rng = new SplittableRandom(11);

    private void wav(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        float[] x = new float[1600];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.3 * (rng.nextDouble() - 0.5));
        }
        WavWriter.write(file, x, 1, 8000, WavEncoding.PCM_S16);
    }

    /** 12 packs (Default and Default_es share a recording: one unit) and the 9 languages: 20 units, 4 a fold. */
    private Path tree() throws IOException {
        Path root = tmp.resolve("root");
        Path voices = root.resolve(KeywordsTask.VOICES);
        for (String pack : List.of("A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "Default", "Default_es")) {
            wav(voices.resolve(pack).resolve("Hello.ogg"));
            wav(voices.resolve(pack).resolve("Ow1.ogg"));
        }
        Path stamps = root.resolve(LanguageTask.STAMPS);
        for (String lang : LanguageTask.LANGUAGES) {
            wav(stamps.resolve("animals").resolve("cat_desc_" + lang + ".ogg"));
        }
        wav(stamps.resolve("animals").resolve("cat_desc_nl.ogg"));
        Files.copy(voices.resolve("Default").resolve("Hello.ogg"), voices.resolve("Default_es").resolve("Bye.ogg"));
        wav(root.resolve("usr/share/games/hedgewars/Data/Music/theme.ogg"));
        return root;
    }

    @Test
    void mixturesCountVoicesFromDisjointSpeakerSets() throws IOException {
        DebianTasks.Collected c = SpeakersTask.collect(tree());
        assertEquals(DebianTasks.FOLDS * (SpeakersTask.MAX_SPEAKERS + 1) * SpeakersTask.PER_COUNT, c.items().size());
        Map<String, Set<String>> labelsByGroup = new HashMap<>();
        c.items().forEach(it -> labelsByGroup.computeIfAbsent(it.group(), g -> new HashSet<>()).add(it.label()));
        assertEquals(DebianTasks.FOLDS, labelsByGroup.size(), "one speaker set a fold");
        labelsByGroup.values().forEach(l -> assertEquals(Set.of("0", "1", "2", "3", "4"), l));
        Set<String> seen = new HashSet<>();
        for (String g : labelsByGroup.keySet()) {
            for (String speaker : g.substring("speakers ".length()).split(", ")) {
                assertTrue(seen.add(speaker), "speaker " + speaker + " in two folds");
            }
        }
        assertTrue(labelsByGroup.keySet().stream().anyMatch(g -> g.contains("hedgewars Default, hedgewars Default_es")),
                "packs sharing a recording share a fold: " + labelsByGroup.keySet());
        assertTrue(c.files().stream().noneMatch(f -> f.getFileName().toString().startsWith("Ow")), "non-verbal clips unused");
        AudioClip silent = c.items().stream().filter(it -> it.label().equals("0")).findFirst().orElseThrow().audio().load();
        AudioClip three = c.items().stream().filter(it -> it.label().equals("3")).findFirst().orElseThrow().audio().load();
        assertEquals(80_000, silent.length());
        assertTrue(peak(silent.samples()) < 1e-3, "0 voices is faint noise");
        assertTrue(peak(three.samples()) > 0.05, "3 voices are heard");
        DebianTasks.Item again = c.items().get(3 * SpeakersTask.PER_COUNT);
        float[] a = again.audio().load().samples();
        float[] b = again.audio().load().samples();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], "deterministic at sample " + i);
        }
    }

    @Test
    void poolHoldsOutEveryTaskFile() throws IOException {
        Path root = tree();
        PretrainPool.Summary s = PretrainPool.write(root, tmp.resolve("pool"), true);
        List<String> lines = Files.readAllLines(tmp.resolve("pool").resolve("pool.txt"));
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("Music/theme.ogg")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("Default/Ow1.ogg")), "non-verbal clips are in no task");
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("cat_desc_nl.ogg")), "languages outside the classes");
        assertFalse(lines.stream().anyMatch(l -> l.endsWith("Hello.ogg")), "keyword and speaker clips are held out");
        assertFalse(lines.stream().anyMatch(l -> l.endsWith("cat_desc_fr.ogg")), "language clips are held out");
        assertEquals(lines.size(), s.files());
        assertEquals(12 + 9 + 1, s.heldOut(), "Hello clips, descriptions and the shared recording");
        try (Stream<Path> files = Files.list(tmp.resolve("pool").resolve("files"))) {
            List<Path> links = files.toList();
            assertEquals(lines.size(), links.size());
            assertTrue(links.stream().allMatch(Files::isSymbolicLink));
        }
    }

    @Test
    void poolReadsMusicFoldersAndArchiveMembers() throws IOException {
        Path root = tree();
        wav(root.resolve("usr/share/planetblupi/music/music000.ogg"));
        wav(root.resolve("usr/share/scummvm/drascula/audio/track1.ogg"));
        Path pk3 = root.resolve("usr/share/games/nexuiz/data/music.pk3");
        Files.createDirectories(pk3.getParent());
        Path member = tmp.resolve("member.wav");
        wav(member);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(pk3))) {
            for (String name : new String[] {"sound/cdtracks/b.ogg", "sound/cdtracks/a.ogg", "sound/readme.txt"}) {
                zip.putNextEntry(new ZipEntry(name));
                zip.write(Files.readAllBytes(member));
                zip.closeEntry();
            }
        }
        PretrainPool.Summary s = PretrainPool.write(root, tmp.resolve("pool"), true);
        List<String> lines = Files.readAllLines(tmp.resolve("pool").resolve("pool.txt"));
        assertTrue(lines.contains(pk3.toAbsolutePath().normalize() + "!/sound/cdtracks/a.ogg"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("planetblupi/music/music000.ogg")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("drascula/audio/track1.ogg")), lines.toString());
        assertFalse(lines.stream().anyMatch(l -> l.endsWith("readme.txt")));
        assertEquals(2, s.members());
        assertEquals(2, s.perTop().get("games/nexuiz"));
        assertTrue(s.notes().stream().anyMatch(n -> n.contains("music.pk3: 2 audio members")), s.notes().toString());
        Path extracted = tmp.resolve("pool/files/games_nexuiz_data_music.pk3_sound_cdtracks_a.ogg");
        assertFalse(Files.isSymbolicLink(extracted));
        assertEquals(AudioFiles.read(member).length(), AudioFiles.read(extracted).length());
        Files.write(root.resolve("usr/share/games/broken.pk3"), new byte[] {1, 2, 3});
        FileFormatException e = assertThrows(FileFormatException.class, () -> PretrainPool.write(root, tmp.resolve("p2"), false));
        assertTrue(e.getMessage().contains("broken.pk3") && e.getMessage().contains("ZIP"), e.getMessage());
    }

    private static float peak(float[] x) {
        float p = 0;
        for (float v : x) {
            p = Math.max(p, Math.abs(v));
        }
        return p;
    }
}
