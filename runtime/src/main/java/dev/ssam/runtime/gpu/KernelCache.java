package dev.ssam.runtime.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Compiled kernels kept on disk between runs ({@code -Dssam.gpu.kernelCache=DIR}, default
 * {@code ~/.cache/ssam/kernels}; {@code none} turns it off): a CUDA context that finds the PTX of
 * a source, its compile options and the compiler's version here loads it instead of compiling
 * again, which takes seconds per run for the scan's unrolled kernels. One file per entry,
 * {@code <key>.ptx} (a few hundred KB; nothing is evicted: each edited source or new option set
 * adds one), the key a SHA-256 of everything the compile depends on ({@link #key}); the first line
 * holds the SHA-256 of the rest, so a truncated or damaged file is never loaded (it is deleted and
 * compiled again). The checksum guards against damage, not tampering: the folder must be the
 * user's own. NVRTC's version enters the key as major.minor, so after a patch-level toolkit update
 * that changed code generation, empty the folder. Writes go to a temporary file moved into place,
 * so processes sharing the folder see whole entries or none. The cache is an optimisation: a
 * folder that cannot be read or written only means compiling every run ({@link #storeFailures}
 * counts the entries that could not be written; {@code ssam bench} prints it on CUDA).
 * Thread-safe.
 *
 * <pre>{@code
 * KernelCache cache = KernelCache.of(RuntimeFlags.CURRENT.gpuKernelCache());
 * String key = KernelCache.key(source.text(), options, "nvrtc " + version);
 * String ptx = cache.load(key).orElseGet(() -> { String p = compile(); cache.store(key, p); return p; });
 * }</pre>
 */
public final class KernelCache {
    private static final String MAGIC = "ssam-kernel-cache 1 ";
    private static final String SUFFIX = ".ptx";
    private final Path dir;
    private long hits;
    private long storeFailures;

    private KernelCache(Path dir) {
        this.dir = dir;
    }

    /** A cache in folder {@code setting} (made on first store), or none for a blank setting or {@code none}. */
    public static KernelCache of(String setting) {
        if (setting == null || setting.isBlank() || setting.trim().equals("none")) {
            return new KernelCache(null);
        }
        return new KernelCache(Path.of(setting.trim()));
    }

    /** The folder, or empty when the cache is off. */
    public Optional<Path> dir() {
        return Optional.ofNullable(dir);
    }

    /** The key of a compile: a SHA-256 over {@code parts} (source text, options, compiler version, ...). */
    public static String key(String... parts) {
        StringBuilder all = new StringBuilder();
        for (String p : parts) {
            all.append(p.length()).append(':').append(p).append('\n');   // lengths keep the split unambiguous
        }
        return KernelSource.sha256(all.toString());
    }

    /** The text stored under {@code key}, or empty (never stored, unreadable, truncated or altered: then removed). */
    public Optional<String> load(String key) {
        if (dir == null) {
            return Optional.empty();
        }
        Path file = dir.resolve(key + SUFFIX);
        String all;
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            all = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        int eol = all.indexOf('\n');
        if (eol < 0 || !all.startsWith(MAGIC)) {
            forget(key);
            return Optional.empty();
        }
        String body = all.substring(eol + 1);
        if (!all.substring(MAGIC.length(), eol).equals(KernelSource.sha256(body))) {
            forget(key);
            return Optional.empty();
        }
        synchronized (this) {
            hits++;
        }
        return Optional.of(body);
    }

    /** Keeps {@code text} under {@code key}; a failure to write is counted, not thrown. */
    public void store(String key, String text) {
        if (dir == null) {
            return;
        }
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, key, ".tmp");
            Files.writeString(tmp, MAGIC + KernelSource.sha256(text) + "\n" + text, StandardCharsets.UTF_8);
            Path file = dir.resolve(key + SUFFIX);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                storeFailures++;
            }
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temporary file stays; it is never loaded
                }
            }
        }
    }

    /** Removes the damaged entry under {@code key}, if the folder allows. */
    private void forget(String key) {
        if (dir == null) {
            return;
        }
        try {
            Files.deleteIfExists(dir.resolve(key + SUFFIX));
        } catch (IOException | RuntimeException e) {
            // a stale entry that cannot be removed is checked again, and fails again, next time
        }
    }

    /** Whole entries read so far (a CUDA context then loads them; one that does not load is compiled again). */
    public synchronized long hits() {
        return hits;
    }

    /** Entries that could not be written so far. */
    public synchronized long storeFailures() {
        return storeFailures;
    }

    @Override
    public String toString() {
        return dir == null ? "kernel cache off" : "kernel cache " + dir;
    }
}
