package dev.ssam.tasks.debian;

import dev.ssam.ops.audio.AudioClip;
import dev.ssam.ops.audio.AudioFiles;
import dev.ssam.ops.audio.Resampler;
import dev.ssam.ops.audio.WavEncoding;
import dev.ssam.runtime.Backend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The speaker-count task (LibriCount-style): {@value #SECONDS} s mixtures of 0 to {@value
 * #MAX_SPEAKERS} voices, labelled with the number of voices.
 *
 * <p>Speakers are the hedgewars voice packs (their verbal clips) and the tuxpaint description
 * languages (one speaker each). Packs that share a byte-identical verbal recording (Classic,
 * Default and Default_uk do) may share a voice and form one unit; every other speaker is a unit of
 * its own. Units are dealt over the folds one by one ({@link GroupFolds} with unit weight, so each
 * fold gets at least {@value #MAX_SPEAKERS}), which keeps the folds' speaker sets disjoint. Each fold
 * holds {@value #PER_COUNT} mixtures per count, drawn from that fold's speakers only: k distinct
 * speakers (at most one per unit), one random clip each, scaled to the same RMS and placed at a
 * random offset; all mixtures carry the same faint seeded noise, so 0 is not digital silence.
 * Deterministic: seeds derive from fold, count and index.
 */
final class SpeakersTask {
    static final int MAX_SPEAKERS = 4;
    static final int PER_COUNT = 40;
    static final double SECONDS = 5.0;
    static final int RATE = Resampler.TARGET_RATE;
    private static final double VOICE_RMS = 0.05;
    private static final double NOISE_RMS = 1e-4;

    /** One speaker: its unit (localised variants share one) and its clips. */
    record Speaker(String name, String unit, List<Path> clips) {
    }

    private SpeakersTask() {
    }

    static DebianTasks.Collected collect(Path root) throws IOException {
        List<Speaker> speakers = speakers(root);
        Map<String, Integer> unitSizes = new LinkedHashMap<>();
        speakers.forEach(s -> unitSizes.put(s.unit(), 1));
        Map<String, Integer> unitFold = GroupFolds.deal(unitSizes, DebianTasks.FOLDS);
        List<DebianTasks.Item> items = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        speakers.forEach(s -> files.addAll(s.clips()));
        for (int fold = 0; fold < DebianTasks.FOLDS; fold++) {
            int f = fold;
            List<Speaker> mine = speakers.stream().filter(s -> unitFold.get(s.unit()) == f).toList();
            Map<String, List<Speaker>> byUnit = new TreeMap<>();
            mine.forEach(s -> byUnit.computeIfAbsent(s.unit(), u -> new ArrayList<>()).add(s));
            if (byUnit.size() < MAX_SPEAKERS) {
                throw new IllegalArgumentException("speakers: fold " + fold + " has " + byUnit.size() + " speaker units "
                        + byUnit.keySet() + ", at least " + MAX_SPEAKERS + " are needed");
            }
            String group = "speakers " + String.join(", ", mine.stream().map(Speaker::name).toList());
            List<List<Speaker>> units = new ArrayList<>(byUnit.values());
            for (int k = 0; k <= MAX_SPEAKERS; k++) {
                for (int i = 0; i < PER_COUNT; i++) {
                    SplittableRandom rng = new SplittableRandom(((long) fold * 31 + k) * 1_000_003L + i);
                    List<Path> chosen = pick(units, k, rng);
                    long seed = rng.nextLong();
                    items.add(new DebianTasks.Item(group, String.format("f%d_k%d_%03d", fold, k, i), Integer.toString(k),
                            () -> mix(chosen, seed)));
                }
            }
        }
        return new DebianTasks.Collected(items, notes, "hedgewars-data voices: GFDL-1.3; tuxpaint-stamps-default: GPL-2",
                files);
    }

    /** k clips of k distinct speakers from k distinct units. */
    private static List<Path> pick(List<List<Speaker>> units, int k, SplittableRandom rng) {
        List<List<Speaker>> order = new ArrayList<>(units);
        for (int j = order.size() - 1; j > 0; j--) {
            int r = rng.nextInt(j + 1);
            order.set(j, order.set(r, order.get(j)));
        }
        List<Path> out = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            List<Speaker> unit = order.get(j);
            Speaker s = unit.get(rng.nextInt(unit.size()));
            out.add(s.clips().get(rng.nextInt(s.clips().size())));
        }
        return out;
    }

    /** The mixture: faint noise plus every clip at equal RMS and a random offset, peak kept below 1. */
    static AudioClip mix(List<Path> clips, long seed) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] out = new float[(int) Math.round(SECONDS * RATE)]; // (S)
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (NOISE_RMS * (2 * rng.nextDouble() - 1) * Math.sqrt(3));
        }
        for (Path p : clips) {
            AudioClip c = AudioFiles.read(p);
            if (c.sampleRate() != RATE) {
                c = Resampler.toRate(Backend.ref(), c, RATE);
            }
            float[] x = c.samples();
            int len = Math.min(x.length, out.length);
            int from = x.length > len ? rng.nextInt(x.length - len + 1) : 0;
            int at = rng.nextInt(out.length - len + 1);
            double energy = 0;
            for (int i = 0; i < len; i++) {
                energy += (double) x[from + i] * x[from + i];
            }
            double gain = energy > 0 ? VOICE_RMS / Math.sqrt(energy / len) : 0;
            for (int i = 0; i < len; i++) {
                out[at + i] += (float) (gain * x[from + i]);
            }
        }
        float peak = 0;
        for (float v : out) {
            peak = Math.max(peak, Math.abs(v));
        }
        if (peak > 0.99f) {
            float g = 0.99f / peak;
            for (int i = 0; i < out.length; i++) {
                out[i] *= g;
            }
        }
        return new AudioClip(out, RATE, 1, WavEncoding.FLOAT32, "mixture of " + clips.size());
    }

    /** Every hedgewars pack (verbal clips) and tuxpaint description language as a speaker. */
    static List<Speaker> speakers(Path root) throws IOException {
        Path voices = root.resolve(KeywordsTask.VOICES);
        Path stamps = root.resolve(LanguageTask.STAMPS);
        if (!Files.isDirectory(voices) || !Files.isDirectory(stamps)) {
            throw new NoSuchFileException(root.toString(), null, "speakers needs hedgewars-data and tuxpaint-stamps-default"
                    + " below this root (see tools/install-data.sh)");
        }
        List<Speaker> out = new ArrayList<>();
        Map<String, List<Path>> packs = new TreeMap<>();
        Map<String, String> unit = new TreeMap<>();
        Map<String, String> firstPackOf = new HashMap<>();
        for (Path pack : DrumsTask.folders(voices)) {
            String name = pack.getFileName().toString();
            List<Path> clips = DrumsTask.list(pack, ".ogg").stream()
                    .filter(f -> !KeywordsTask.NON_VERBAL.matcher(stem(f)).matches() && !stem(f).startsWith("Poison"))
                    .toList();
            if (clips.isEmpty()) {
                continue;
            }
            packs.put(name, clips);
            unit.put(name, name);
            for (Path f : clips) {
                String other = firstPackOf.putIfAbsent(KeywordsTask.sha256(f), name);
                if (other != null && !other.equals(name)) {
                    join(unit, other, name);
                }
            }
        }
        packs.forEach((name, clips) -> out.add(new Speaker("hedgewars " + name, "hedgewars " + root(unit, name), clips)));
        Map<String, List<Path>> byLang = new TreeMap<>();
        try (Stream<Path> s = Files.walk(stamps)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                String n = f.getFileName().toString();
                int at = n.lastIndexOf("_desc_");
                String lang = at > 0 && n.endsWith(".ogg") ? n.substring(at + 6, n.length() - 4) : "";
                if (LanguageTask.LANGUAGES.contains(lang)) {
                    byLang.computeIfAbsent(lang, x -> new ArrayList<>()).add(f);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        byLang.forEach((lang, clips) -> out.add(new Speaker("tuxpaint " + lang, "tuxpaint " + lang, clips)));
        return out;
    }

    /** Union-find over pack names: the unit is named by its smallest member. */
    private static void join(Map<String, String> unit, String a, String b) {
        String ra = root(unit, a);
        String rb = root(unit, b);
        if (!ra.equals(rb)) {
            unit.put(ra.compareTo(rb) < 0 ? rb : ra, ra.compareTo(rb) < 0 ? ra : rb);
        }
    }

    private static String root(Map<String, String> unit, String name) {
        String r = name;
        while (!unit.get(r).equals(r)) {
            r = unit.get(r);
        }
        return r;
    }

    private static String stem(Path f) {
        String n = f.getFileName().toString();
        return n.substring(0, n.lastIndexOf('.'));
    }
}
