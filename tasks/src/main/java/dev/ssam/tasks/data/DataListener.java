package dev.ssam.tasks.data;

import java.nio.file.Path;

/**
 * What the pretraining data pipeline tells its caller; library code never prints. Every method has
 * an empty default, so a listener implements only what it shows.
 *
 * <pre>{@code
 * DataListener l = new DataListener() {
 *     public void skipped(String clip, String problem) { err.println("skipped " + clip + ": " + problem); }
 * };
 * }</pre>
 */
public interface DataListener {
    /** A listener that ignores everything. */
    DataListener NONE = new DataListener() {
    };

    /** A clip could not be used (undecodable, too short); it is left out. Reported once per open. */
    default void skipped(String clip, String problem) {
    }

    /** Building the log-mel cache: {@code done} of {@code total} clips processed. */
    default void cacheProgress(int done, int total) {
    }

    /** The cache file in use: {@code reused} is true when it existed and matched the source. */
    default void cacheReady(Path file, boolean reused, int clips, long frames) {
    }
}
