package dev.ssam.tasks.data;

import it.unimi.dsi.fastutil.longs.LongArrayList;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import dev.ssam.ops.melspec.LogMel;
import dev.ssam.runtime.Backend;
import dev.ssam.runtime.Tensor;
import dev.ssam.runtime.io.Json;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The normalised log-mels of every clip of an {@link AudioSource}, computed once and kept in one
 * memory-mapped file, so pretraining reads crops without decoding audio again.
 *
 * <p>Each clip is the SSAM front end over the whole clip ({@link LogMel}), normalised over the whole
 * clip with the biased std ({@link LogMel.StdMode#BIASED}, the official pretraining loader's
 * {@code np.std}), as in SSAM-SPEC section 5. Clips that cannot be decoded, or are shorter than
 * {@link LogMel#MIN_SAMPLES} samples, are reported to the {@link DataListener} once and left out.
 *
 * <p>File layout (little-endian):
 * <pre>
 *   [0, 8)    magic "SSAMLMC1"
 *   [8, 16)   footer offset (bytes)     [16, 24) footer JSON length (bytes)
 *   [24, 32)  clips C                   [32, 64) zero
 *   [64, ..)  float32 frames, clip after clip, each (T_c, 80), mel bins fastest
 *   footer:   long[C + 1] first frame of each clip (and the total), then UTF-8 JSON
 *             {"key", "source", "clips", "frames", "names": [...], "skipped": [{"clip", "problem"}]}
 * </pre>
 * The file is named {@code logmel-<hash>.bin} after the SHA-256 of its key (the front-end settings
 * and the source fingerprint) and is reused when a file of that name holds the same key; it is
 * written to a temporary file and renamed, so a crash never leaves a half-written cache.
 *
 * <p>Reads ({@link #read}) go through a shared-arena mapping and may come from any thread.
 *
 * <pre>{@code
 * try (LogMelCache cache = LogMelCache.open(AudioSource.open("synthetic"), Path.of("cache"), backend, listener)) {
 *     float[] window = new float[200 * 80];
 *     cache.read(0, 0, 200, window, 0);     // frames [0, 200) of clip 0
 * }
 * }</pre>
 */
public final class LogMelCache implements AutoCloseable {
    /** Mel bins F of every frame. */
    public static final int MELS = LogMel.N_MELS;
    static final byte[] MAGIC = "SSAMLMC1".getBytes(StandardCharsets.US_ASCII);
    static final int DATA_OFFSET = 64;
    static final int FORMAT_VERSION = 1;
    /** Clips decoded and transformed together (bounds memory while building). */
    private static final int CHUNK = 16;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final String key;
    private final boolean reused;
    private final Arena arena;
    private final MemorySegment map;
    private final long[] starts; // (C + 1) first frame of each clip
    private final List<String> names;
    private final List<Skip> skipped;

    private LogMelCache(Path file, String key, boolean reused, Arena arena, MemorySegment map, long[] starts, List<String> names,
                        List<Skip> skipped) {
        this.file = file;
        this.key = key;
        this.reused = reused;
        this.arena = arena;
        this.map = map;
        this.starts = starts;
        this.names = names;
        this.skipped = skipped;
    }

    /** A skipped clip and why. */
    record Skip(String clip, String problem) {
    }

    /**
     * Opens the cache of {@code source} in {@code dir}, building it first when it is missing or
     * stale.
     *
     * @throws IllegalArgumentException when no clip of the source could be used
     */
    public static LogMelCache open(AudioSource source, Path dir, Backend backend, DataListener listener) throws IOException {
        DataListener l = listener == null ? DataListener.NONE : listener;
        String key = key(source);
        Path file = dir.resolve("logmel-" + sha256(key).substring(0, 16) + ".bin");
        boolean reused = Files.isRegularFile(file) && keyOf(file).equals(key);
        if (!reused) {
            Files.createDirectories(dir);
            build(source, key, file, backend, l);
        }
        LogMelCache cache = map(file, reused);
        for (Skip s : cache.skipped) {
            l.skipped(s.clip(), s.problem());
        }
        if (cache.clips() == 0) {
            cache.close();
            throw new IllegalArgumentException("data: none of the " + source.size() + " clips of " + source.description()
                    + " could be used (all were skipped)");
        }
        l.cacheReady(file, reused, cache.clips(), cache.totalFrames());
        return cache;
    }

    /** The cache key: front-end settings, normalisation and the source fingerprint. */
    static String key(AudioSource source) {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("format", FORMAT_VERSION);
        k.put("sample_rate", LogMel.SAMPLE_RATE);
        k.put("n_fft", LogMel.N_FFT);
        k.put("hop", LogMel.HOP);
        k.put("n_mels", LogMel.N_MELS);
        k.put("f_min", (double) LogMel.F_MIN);
        k.put("f_max", (double) LogMel.F_MAX);
        k.put("normalize", "per-clip whole clip, biased std, eps " + LogMel.NORM_EPS);
        k.put("source", source.fingerprint());
        return Json.write(k);
    }

    /** The key stored in {@code file}, or "" when it is not a readable cache. */
    private static String keyOf(Path file) {
        try (Arena a = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), a);
            Map<String, Object> footer = footer(m);
            return String.valueOf(footer.get("key"));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static Map<String, Object> footer(MemorySegment m) {
        if (m.byteSize() < DATA_OFFSET
                || MemorySegment.mismatch(m, 0, MAGIC.length, MemorySegment.ofArray(MAGIC), 0, MAGIC.length) != -1) {
            throw new IllegalStateException("not a log-mel cache (bad magic)");
        }
        long at = m.get(I64, 8);
        long len = m.get(I64, 16);
        long clips = m.get(I64, 24);
        long json = at + 8 * (clips + 1);
        if (clips < 0 || at < DATA_OFFSET || len < 0 || json + len != m.byteSize()) {
            throw new IllegalStateException("log-mel cache footer is inconsistent");
        }
        byte[] b = m.asSlice(json, len).toArray(ValueLayout.JAVA_BYTE);
        return Json.parseObject(new String(b, StandardCharsets.UTF_8));
    }

    private static void build(AudioSource source, String key, Path file, Backend backend, DataListener l) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.position(DATA_OFFSET);
            LongArrayList starts = new LongArrayList();
            List<String> names = new ArrayList<>();
            List<Skip> skipped = new ArrayList<>();
            long frames = 0;
            int n = source.size();
            for (int from = 0; from < n; from += CHUNK) {
                int to = Math.min(n, from + CHUNK);
                float[][] waves = decode(source, from, to, skipped);
                List<float[]> ok = new ArrayList<>();
                IntArrayList okIndex = new IntArrayList();
                for (int i = from; i < to; i++) {
                    if (waves[i - from] != null) {
                        ok.add(waves[i - from]);
                        okIndex.add(i);
                    }
                }
                List<Tensor> mels = ok.isEmpty() ? List.of() : LogMel.compute(LogMel.frontEnd(backend), ok, Integer.MAX_VALUE);
                for (int j = 0; j < mels.size(); j++) {
                    Tensor m = mels.get(j); // (T, 80)
                    LogMel.normalize(m, m, LogMel.StdMode.BIASED);
                    starts.add(frames);
                    names.add(source.clipName(okIndex.getInt(j)));
                    frames += m.dim(0);
                    writeFloats(ch, m);
                }
                l.cacheProgress(to, n);
            }
            starts.add(frames);
            long footerAt = DATA_OFFSET + frames * MELS * 4L;
            ByteBuffer idx = ByteBuffer.allocate(8 * starts.size()).order(ByteOrder.LITTLE_ENDIAN);
            starts.forEach((long v) -> idx.putLong(v));
            writeFully(ch, idx.flip());
            Map<String, Object> footer = new LinkedHashMap<>();
            footer.put("key", key);
            footer.put("source", source.description());
            footer.put("clips", names.size());
            footer.put("frames", frames);
            footer.put("names", names);
            List<Object> sk = new ArrayList<>();
            for (Skip s : skipped) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("clip", s.clip());
                e.put("problem", s.problem());
                sk.add(e);
            }
            footer.put("skipped", sk);
            byte[] json = Json.write(footer).getBytes(StandardCharsets.UTF_8);
            writeFully(ch, ByteBuffer.wrap(json));
            ByteBuffer head = ByteBuffer.allocate(DATA_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
            head.put(MAGIC).putLong(footerAt).putLong(json.length).putLong(names.size());
            head.position(DATA_OFFSET);
            ch.position(0);
            writeFully(ch, head.flip());
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Loads clips [from, to) in parallel threads; a clip that fails is null and recorded in
     * {@code skipped}. Loading (decoding, resampling) runs on the reference backend: a Cpu backend's
     * pool serves one caller at a time, and this keeps the cached audio independent of the device.
     */
    private static float[][] decode(AudioSource source, int from, int to, List<Skip> skipped) {
        float[][] waves = new float[to - from][];
        String[] problems = new String[to - from];
        IntStream.range(from, to).parallel().forEach(i -> {
            try {
                float[] w = source.load(i, Backend.ref());
                if (w.length < LogMel.MIN_SAMPLES) {
                    problems[i - from] = "too short: " + w.length + " samples at 16 kHz, need at least " + LogMel.MIN_SAMPLES;
                } else {
                    waves[i - from] = w;
                }
            } catch (IOException | RuntimeException e) {
                problems[i - from] = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
        });
        for (int i = from; i < to; i++) {
            if (problems[i - from] != null) {
                skipped.add(new Skip(source.clipName(i), problems[i - from]));
            }
        }
        return waves;
    }

    private static void writeFloats(FileChannel ch, Tensor t) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(t.data(), t.offset(), t.size());
        writeFully(ch, b);
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    @SuppressWarnings("unchecked")
    private static LogMelCache map(Path file, boolean reused) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            Map<String, Object> footer;
            try {
                footer = footer(m);
            } catch (RuntimeException e) {
                throw new IOException(file + ": corrupt log-mel cache (" + e.getMessage() + "); delete it to rebuild", e);
            }
            int clips = (int) m.get(I64, 24);
            long at = m.get(I64, 8);
            long[] starts = new long[clips + 1];
            for (int i = 0; i <= clips; i++) {
                starts[i] = m.get(I64, at + 8L * i);
            }
            List<String> names = new ArrayList<>();
            for (Object o : (List<Object>) footer.get("names")) {
                names.add(String.valueOf(o));
            }
            List<Skip> skipped = new ArrayList<>();
            for (Object o : (List<Object>) footer.get("skipped")) {
                Map<String, Object> e = (Map<String, Object>) o;
                skipped.add(new Skip(String.valueOf(e.get("clip")), String.valueOf(e.get("problem"))));
            }
            return new LogMelCache(file, String.valueOf(footer.get("key")), reused, arena, m, starts, List.copyOf(names), List.copyOf(skipped));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The cache file. */
    public Path file() {
        return file;
    }

    /** The cache key: front-end settings and the source fingerprint (JSON). */
    public String key() {
        return key;
    }

    /** Whether the file existed and was reused rather than built by this open. */
    public boolean reused() {
        return reused;
    }

    /** Clips C in the cache (the source's clips less the skipped ones). */
    public int clips() {
        return starts.length - 1;
    }

    /** Frames T_c of clip {@code clip}. */
    public int frames(int clip) {
        return (int) (starts[clip + 1] - starts[clip]);
    }

    /** Frames of all clips together. */
    public long totalFrames() {
        return starts[starts.length - 1];
    }

    /** The source name of clip {@code clip}. */
    public String name(int clip) {
        return names.get(clip);
    }

    /** Clips left out, with the reason, in source order. */
    public List<String> skipped() {
        return skipped.stream().map(s -> s.clip() + ": " + s.problem()).toList();
    }

    /**
     * Copies frames [{@code frame}, {@code frame + count}) of clip {@code clip} into {@code dst}
     * from {@code dstOffset}: {@code count * 80} floats, bins fastest.
     */
    public void read(int clip, int frame, int count, float[] dst, int dstOffset) {
        if (clip < 0 || clip >= clips() || frame < 0 || count < 0 || frame + count > frames(clip)) {
            throw new IndexOutOfBoundsException("log-mel cache: frames [" + frame + ", " + (frame + count) + ") of clip "
                    + clip + " (of " + clips() + ", " + (clip >= 0 && clip < clips() ? frames(clip) : 0) + " frames)");
        }
        long at = DATA_OFFSET + (starts[clip] + frame) * MELS * 4L;
        MemorySegment.copy(map, F32, at, dst, dstOffset, count * MELS);
    }

    @Override
    public void close() {
        arena.close();
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
