package dev.ssam.tasks.debian;

import dev.ssam.ops.audio.WavEncoding;
import dev.ssam.ops.audio.WavWriter;
import dev.ssam.runtime.Backend;
import dev.ssam.tasks.eval.EvalConfig;
import dev.ssam.tasks.eval.Evaluator;
import dev.ssam.tasks.eval.LogMelStats;
import dev.ssam.tasks.eval.TaskComparison;
import dev.ssam.tasks.eval.TaskResult;
import dev.ssam.tasks.hear.HearTask;
import dev.ssam.tasks.hear.TaskSummary;
import dev.ssam.tasks.probe.ProbeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The task builders on small fake package trees (no Debian package is needed). Audio files are
 * tiny WAVs; those named {@code .ogg} or {@code .flac} still hold WAV bytes, which {@link
 * dev.ssam.ops.audio.AudioFiles} decodes by signature whatever the name.
 */
class DebianTasksTest {
    @TempDir
    Path tmp;

    private final SplittableRandom rng = new SplittableRandom(7);

    /** 0.1 s of seeded noise at 8 kHz, so no two files are byte-identical unless copied. */
    private void wav(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        float[] x = new float[800];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.3 * (rng.nextDouble() - 0.5));
        }
        WavWriter.write(file, x, 1, 8000, WavEncoding.PCM_S16);
    }

    private void kit(Path drumkits, String kit, String licence, Map<String, List<String>> instruments) throws IOException {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<drumkit_info>\n <name>" + kit
                + "</name>\n <license>" + licence + "</license>\n <instrumentList>\n");
        for (Map.Entry<String, List<String>> e : instruments.entrySet()) {
            xml.append("  <instrument>\n   <name>").append(e.getKey()).append("</name>\n");
            for (String f : e.getValue()) {
                xml.append("   <layer><filename>").append(f).append("</filename></layer>\n");
                wav(drumkits.resolve(kit).resolve(f));
            }
            xml.append("  </instrument>\n");
        }
        xml.append(" </instrumentList>\n</drumkit_info>\n");
        Files.writeString(drumkits.resolve(kit).resolve("drumkit.xml"), xml);
    }

    private Path drumsTree() throws IOException {
        Path root = tmp.resolve("root");
        Path kits = root.resolve(DrumsTask.HYDROGEN);
        kit(kits, "KitA", "CC0", Map.of("Kick", List.of("k1.wav", "k2.wav"), "Snare", List.of("s.wav"), "Cowbell", List.of("cb.wav")));
        kit(kits, "KitB", "GPL", Map.of("Tom Low", List.of("t.wav"), "Closed HH", List.of("hh.wav")));
        kit(kits, "KitC", "", Map.of("Kick (Big)", List.of("kick.wav"), "Open HH", List.of("ohh.wav")));
        kit(kits, "The Black Pearl 1.0", "GPL", Map.of("Pearl Kick", List.of("PearlKick-Soft.wav", "PearlKick-Hard.wav")));
        kit(kits, "Millo-Drums_v.1", "", Map.of("Snare Rock", List.of("sr.wav")));
        kit(kits, "Millo_MultiLayered2", "", Map.of("Snare Rock", List.of("sr1.wav", "sr2.wav")));
        Path sf2 = root.resolve(DrumsTask.AVLDRUMS).resolve("Black_Pearl_4_LV2.sf2");
        Files.createDirectories(sf2.getParent());
        Files.write(sf2, SoundFontTest.soundFont(List.of("36-Pearl22Kick-1", "38-Snare-2", "56-Cowbell-1"), 100, 44_100));
        wav(root.resolve(DrumsTask.SONIC_PI).resolve("bd_haus.flac"));
        wav(root.resolve(DrumsTask.SONIC_PI).resolve("tabla_na.flac"));
        return root;
    }

    /** The fold of every clip, by output file name. */
    private static Map<String, String> foldOf(HearTask t) {
        Map<String, String> out = new HashMap<>();
        for (String s : t.splits()) {
            t.clips(s).forEach(c -> out.put(c.file(), s));
        }
        return out;
    }

    @Test
    void drumsFromFakeTreeKeepKitsAndAuthorsInOneFold() throws IOException {
        TaskSummary s = DebianTasks.build(DebianTasks.Kind.DRUMS, Backend.ref(), drumsTree(), tmp.resolve("drums"));
        HearTask t = HearTask.open(s.dir());
        assertEquals(List.of("hihat-closed", "hihat-open", "kick", "snare", "tom"), t.labels());
        Map<String, String> fold = foldOf(t);
        assertEquals(15, fold.size(), "cowbells and tabla are left out");
        assertEquals(fold.get("hydrogen_The_Black_Pearl_1.0_PearlKick-Soft.wav"), fold.get("avldrums_Black_Pearl_4_LV2_36-Pearl22Kick-1.wav"));
        assertEquals(fold.get("hydrogen_The_Black_Pearl_1.0_PearlKick-Soft.wav"), fold.get("hydrogen_The_Black_Pearl_1.0_PearlKick-Hard.wav"));
        assertEquals(fold.get("avldrums_Black_Pearl_4_LV2_38-Snare-2.wav"), fold.get("avldrums_Black_Pearl_4_LV2_36-Pearl22Kick-1.wav"));
        assertEquals(fold.get("hydrogen_Millo-Drums_v.1_sr.wav"), fold.get("hydrogen_Millo_MultiLayered2_sr2.wav"));
        assertEquals(fold.get("hydrogen_KitA_k1.wav"), fold.get("hydrogen_KitA_s.wav"));
        assertEquals(5, t.splits().size());
        assertEquals(2.0, t.metadata().sampleDuration());
        String licence = t.metadata().license();
        assertTrue(licence.contains("hydrogen-drumkits/KitA: CC0"), licence);
        assertTrue(licence.contains("avldrums.lv2-soundfont: CC-BY-SA-3.0"), licence);
        assertTrue(licence.contains("sonic-pi-samples: CC0"), licence);
        assertTrue(licence.contains("hydrogen-drumkits/KitC: see /usr/share/doc/hydrogen-drumkits/copyright"), licence);
    }

    @Test
    void drumEventsMixEachFoldsKitsAndEvaluateEndToEnd() throws IOException {
        Path root = drumsTree();
        TaskSummary s = DrumEventsTask.build(Backend.ref(), root, tmp.resolve("drum-events"), 2, 0L);
        HearTask t = HearTask.open(s.dir());
        assertTrue(t.isEvent());
        assertEquals(DrumEventsTask.TASK_NAME, t.name());
        assertEquals(10, t.size());
        assertEquals(4.0, t.metadata().sampleDuration());
        assertTrue(List.of("hihat-closed", "hihat-open", "kick", "snare", "tom").containsAll(t.labels()), t.labels().toString());
        assertTrue(s.notes().stream().anyMatch(n -> n.startsWith("fold00: ") && n.contains(" hits from ")), s.notes().toString());
        // the drums task's fold of every kit: the hits of a fold's clips are from that fold's kits only
        HearTask drums = HearTask.open(DebianTasks.build(DebianTasks.Kind.DRUMS, Backend.ref(), root, tmp.resolve("d")).dir());
        for (String split : t.splits()) {
            Set<String> allowed = new HashSet<>();
            drums.clips(split).forEach(c -> allowed.add(drums.labels().get(c.classes()[0])));
            for (HearTask.Clip c : t.clips(split)) {
                assertTrue(!c.events().isEmpty() && c.events().size() <= DrumEventsTask.MAX_EVENTS, c.events().toString());
                for (HearTask.Event e : c.events()) {
                    assertTrue(allowed.contains(t.labels().get(e.label())),
                            split + " holds a " + t.labels().get(e.label()) + " hit, a class none of its kits has");
                }
            }
        }
        EvalConfig cfg = new EvalConfig(ProbeConfig.linear().withMaxEpochs(2), 1, 8, 0L, null);
        TaskComparison c = new Evaluator(Backend.ref(), cfg, null).compare(t, List.of(new LogMelStats(Backend.ref())));
        TaskResult r = c.results().getFirst();
        assertEquals("event_onset_200ms_fms", r.primary().metric());
        assertEquals(5, r.primary().perSeed()[0].length);
        double f = r.primary().interval().mean();
        assertTrue(f >= 0 && f <= 1, "onset F " + f);
    }

    @Test
    void keywordsKeepCommonVerbalPhrasesAndDropCopies() throws IOException {
        Path voices = tmp.resolve("root").resolve(KeywordsTask.VOICES);
        for (String pack : List.of("Alpha", "Beta", "Gamma", "Delta", "Delta_es", "Epsilon")) {
            for (String phrase : List.of("Hello", "Missed", "Ow1", "Laugh")) {
                wav(voices.resolve(pack).resolve(phrase + ".ogg"));
            }
        }
        wav(voices.resolve("Alpha").resolve("Extra.ogg"));
        Files.copy(voices.resolve("Alpha").resolve("Hello.ogg"), voices.resolve("Epsilon").resolve("Hello.ogg"),
                StandardCopyOption.REPLACE_EXISTING);
        TaskSummary s = DebianTasks.build(DebianTasks.Kind.KEYWORDS, Backend.ref(), tmp.resolve("root"), tmp.resolve("kw"));
        HearTask t = HearTask.open(s.dir());
        assertEquals(List.of("Hello", "Missed"), t.labels());
        Map<String, String> fold = foldOf(t);
        assertEquals(11, fold.size(), "6 packs x 2 phrases, less one byte-identical copy");
        assertFalse(fold.containsKey("Epsilon_Hello.wav"));
        assertEquals(fold.get("Delta_Hello.wav"), fold.get("Delta_es_Missed.wav"), "localised packs share a fold");
        assertTrue(s.notes().stream().anyMatch(n -> n.contains("Epsilon/Hello = Alpha/Hello")), s.notes().toString());
        assertEquals("hedgewars-data voices: GFDL-1.3", t.metadata().license());
    }

    @Test
    void languageFoldsByStampCategory() throws IOException {
        Path stamps = tmp.resolve("root").resolve(LanguageTask.STAMPS);
        for (String category : List.of("animals", "food", "town", "people", "space", "sports")) {
            for (String lang : List.of("fr", "es", "nl")) {
                wav(stamps.resolve(category).resolve("sub").resolve(category + "1_desc_" + lang + ".ogg"));
                wav(stamps.resolve(category).resolve(category + "2_desc_" + lang + ".ogg"));
            }
            wav(stamps.resolve(category).resolve(category + "2_fr.ogg"));
        }
        TaskSummary s = DebianTasks.build(DebianTasks.Kind.LANGUAGE, Backend.ref(), tmp.resolve("root"), tmp.resolve("lang"));
        HearTask t = HearTask.open(s.dir());
        assertEquals(List.of("es", "fr"), t.labels());
        Map<String, String> fold = foldOf(t);
        assertEquals(24, fold.size());
        assertEquals(fold.get("animals_sub_animals1_desc_fr.wav"), fold.get("animals_animals2_desc_es.wav"));
        assertEquals("tuxpaint-stamps-default: GPL-2", t.metadata().license());
    }

    @Test
    void missingPackageNamesIt() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> DebianTasks.build(DebianTasks.Kind.KEYWORDS, Backend.ref(), tmp, tmp.resolve("out")));
        assertTrue(e.getMessage().contains("hedgewars-data"), e.getMessage());
        NoSuchFileException d = assertThrows(NoSuchFileException.class,
                () -> DebianTasks.build(DebianTasks.Kind.DRUMS, Backend.ref(), tmp, tmp.resolve("out")));
        assertTrue(d.getMessage().contains("install-data.sh"), d.getMessage());
    }
}
