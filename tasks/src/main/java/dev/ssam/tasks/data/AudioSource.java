package dev.ssam.tasks.data;

import dev.ssam.ops.audio.AudioClip;
import dev.ssam.ops.audio.AudioFiles;
import dev.ssam.ops.audio.Resampler;
import dev.ssam.ops.melspec.LogMel;
import dev.ssam.runtime.Backend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where pretraining clips come from: a list of clips, each loadable as 16 kHz mono samples, plus a
 * fingerprint of the listing so a cache built from it can tell when it is stale.
 *
 * <ul>
 *   <li>{@link WavFiles}: audio files (WAV, FLAC, Ogg Vorbis, AIFF: {@link AudioFiles#EXTENSIONS}),
 *       either every such file under a folder (recursive) or the
 *       training audio of a HEAR task folder (one with {@code task_metadata.json}): the files in
 *       {@code 16000/train/}, or, for k-fold tasks without a train split, in every
 *       {@code 16000/fold*}. Labels are not read. Other sample rates are resampled to 16 kHz,
 *       stereo is averaged to mono ({@link WavReader}). The fingerprint hashes each file's relative
 *       path, size and modification time.</li>
 *   <li>{@link Synthetic}: {@link SyntheticAudio} clips, deterministic by index: clip i is class
 *       i mod 10 drawn with seed floor(i / 10). These seeds stay far below the
 *       {@code SyntheticTask.SEED_BASE} (10^9) of the synthetic evaluation task.</li>
 * </ul>
 *
 * <pre>{@code
 * AudioSource s = AudioSource.open("synthetic:512:4");     // 512 clips of 4 s
 * AudioSource w = AudioSource.open("/data/audioset/wav");  // every .wav below
 * float[] wave = s.load(0, backend);                      // (S) at 16 kHz
 * }</pre>
 */
public sealed interface AudioSource permits AudioSource.WavFiles, AudioSource.Synthetic {
    /** The spec word that selects {@link Synthetic}. */
    String SYNTHETIC = "synthetic";
    /** Clips of {@code synthetic} without a count. */
    int DEFAULT_SYNTHETIC_CLIPS = 256;
    /** Seconds per clip of {@code synthetic} without a length (the 10 s of AudioSet clips). */
    double DEFAULT_SYNTHETIC_SECONDS = 10.0;

    /** Number of clips. */
    int size();

    /** A name for clip {@code i} in messages (a relative path, or {@code synthetic/<class>-<seed>}). */
    String clipName(int i);

    /** Text that changes whenever the listing changes (used in the cache key). */
    String fingerprint();

    /** One line for logs: what and how many. */
    String description();

    /**
     * Clip {@code i} as 16 kHz mono samples.
     *
     * @throws IOException when the file cannot be read or decoded (an {@code AudioFormatException}
     *                     names the file and the problem)
     */
    float[] load(int i, Backend backend) throws IOException;

    /**
     * Parses a data spec: {@code synthetic}, {@code synthetic:CLIPS} or {@code synthetic:CLIPS:SECONDS},
     * else a path: a HEAR task folder when it holds {@code task_metadata.json}, otherwise a folder of
     * WAV files. A folder literally named {@code synthetic} is reached as {@code ./synthetic}.
     *
     * @throws IllegalArgumentException for a malformed synthetic spec or a folder with no WAV files
     * @throws NoSuchFileException      when the path does not exist
     */
    static AudioSource open(String spec) throws IOException {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("data: no source given, expected a folder, a HEAR task folder or 'synthetic'");
        }
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.equals(SYNTHETIC) || lower.startsWith(SYNTHETIC + ":")) {
            String[] parts = spec.split(":", -1);
            if (parts.length > 3) {
                throw new IllegalArgumentException("data: '" + spec + "' is not synthetic[:CLIPS[:SECONDS]]");
            }
            int clips = parts.length > 1 ? parseInt(spec, parts[1]) : DEFAULT_SYNTHETIC_CLIPS;
            double seconds = parts.length > 2 ? parseDouble(spec, parts[2]) : DEFAULT_SYNTHETIC_SECONDS;
            return new Synthetic(clips, seconds);
        }
        Path dir = Path.of(spec);
        if (Files.isRegularFile(dir.resolve(HearTaskFiles.METADATA))) {
            return hearTask(dir);
        }
        return folder(dir);
    }

    private static int parseInt(String spec, String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("data: clip count '" + s + "' in '" + spec + "' is not an integer", e);
        }
    }

    private static double parseDouble(String spec, String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("data: seconds '" + s + "' in '" + spec + "' is not a number", e);
        }
    }

    /** Every audio file ({@link AudioFiles#EXTENSIONS}, any case) below {@code dir}, sorted by relative path. */
    static AudioSource folder(Path dir) throws IOException {
        requireFolder(dir);
        List<Path> files = wavsUnder(dir, true);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("data: no .wav files found under " + dir + " (nor .flac, .ogg or .aiff; searched recursively)");
        }
        return WavFiles.of("WAV folder " + dir, dir, files);
    }

    /** The training audio of a HEAR task folder (see the class comment). */
    static AudioSource hearTask(Path dir) throws IOException {
        requireFolder(dir);
        List<Path> dirs = HearTaskFiles.trainingFolders(dir);
        List<Path> files = new ArrayList<>();
        for (Path d : dirs) {
            files.addAll(wavsUnder(d, false));
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("data: HEAR task " + dir + " has no .wav files in " + dirs);
        }
        files.sort(null);
        return WavFiles.of("HEAR task " + dir.getFileName() + " (" + dirs.size() + " training folder"
                + (dirs.size() == 1 ? "" : "s") + ")", dir, files);
    }

    private static void requireFolder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "data folder does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("data: " + dir + " is a file; expected a folder of .wav files, "
                    + "a HEAR task folder or 'synthetic'");
        }
    }

    private static List<Path> wavsUnder(Path dir, boolean recursive) throws IOException {
        try (Stream<Path> s = recursive ? Files.walk(dir) : Files.list(dir)) {
            return s.filter(AudioFiles::hasAudioExtension)
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * WAV files on disk.
     *
     * @param description what they are, for logs
     * @param root        the folder names are relative to
     * @param files       the files, in clip order
     * @param fingerprint SHA-256 of every file's relative path, size and modification time
     */
    record WavFiles(String description, Path root, List<Path> files, String fingerprint) implements AudioSource {
        public WavFiles {
            files = List.copyOf(files);
        }

        static WavFiles of(String description, Path root, List<Path> files) throws IOException {
            MessageDigest sha = sha256();
            for (Path f : files) {
                String line = root.relativize(f) + "\t" + Files.size(f) + "\t" + Files.getLastModifiedTime(f).toMillis() + "\n";
                sha.update(line.getBytes(StandardCharsets.UTF_8));
            }
            return new WavFiles(description + ": " + files.size() + " files", root, files,
                    "wav:" + HexFormat.of().formatHex(sha.digest()));
        }

        @Override
        public int size() {
            return files.size();
        }

        @Override
        public String clipName(int i) {
            return root.relativize(files.get(i)).toString();
        }

        @Override
        public float[] load(int i, Backend backend) throws IOException {
            AudioClip clip = AudioFiles.read(files.get(i));
            if (clip.sampleRate() != Resampler.TARGET_RATE) {
                clip = Resampler.toRate(LogMel.frontEnd(backend), clip, Resampler.TARGET_RATE);
            }
            return clip.samples();
        }
    }

    /**
     * Generated clips (see the class comment).
     *
     * @param clips   number of clips, at least 1
     * @param seconds length of each clip, in (0.02, 600] s
     */
    record Synthetic(int clips, double seconds) implements AudioSource {
        public Synthetic {
            if (clips < 1) {
                throw new IllegalArgumentException("data: synthetic clip count is " + clips + ", expected at least 1");
            }
            if (!(seconds > 0.02 && seconds <= 600)) {
                throw new IllegalArgumentException("data: synthetic clip length is " + seconds
                        + " s, expected more than 0.02 and at most 600");
            }
        }

        /** Samples per clip. */
        public int samples() {
            return (int) Math.round(seconds * SyntheticAudio.SAMPLE_RATE);
        }

        @Override
        public int size() {
            return clips;
        }

        @Override
        public String clipName(int i) {
            return "synthetic/" + sound(i).name().toLowerCase(Locale.ROOT) + "-" + (i / SyntheticAudio.classes());
        }

        private static SyntheticAudio.Sound sound(int i) {
            return SyntheticAudio.Sound.values()[i % SyntheticAudio.classes()];
        }

        @Override
        public String fingerprint() {
            return "synthetic:v1:clips=" + clips + ":samples=" + samples();
        }

        @Override
        public String description() {
            return "synthetic audio: " + clips + " clips of " + seconds + " s";
        }

        @Override
        public float[] load(int i, Backend backend) {
            return SyntheticAudio.clip(sound(i), i / SyntheticAudio.classes(), samples());
        }
    }

    /** The layout of a HEAR task folder, as far as pretraining needs it. */
    final class HearTaskFiles {
        static final String METADATA = "task_metadata.json";
        static final String AUDIO = "16000";

        private HearTaskFiles() {
        }

        /** {@code 16000/train}, else every {@code 16000/fold*}, sorted. */
        static List<Path> trainingFolders(Path task) throws IOException {
            Path audio = task.resolve(AUDIO);
            Path train = audio.resolve("train");
            if (Files.isDirectory(train)) {
                return List.of(train);
            }
            if (Files.isDirectory(audio)) {
                try (Stream<Path> s = Files.list(audio)) {
                    List<Path> folds = s.filter(Files::isDirectory)
                            .filter(p -> p.getFileName().toString().startsWith("fold"))
                            .sorted()
                            .toList();
                    if (!folds.isEmpty()) {
                        return folds;
                    }
                }
            }
            throw new IllegalArgumentException("data: HEAR task " + task + " has no " + AUDIO + "/train or "
                    + AUDIO + "/fold* folder");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
