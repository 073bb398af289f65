package dev.ssam.runtime.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * The reusable events of one {@link CuContext} ({@code CU_EVENT_DISABLE_TIMING}: for ordering and
 * waiting only): made on demand, given back once reached or no longer waited on, destroyed by
 * {@link #clear}. The uploads' staging fences and the downloads ({@link CuDownloads}) draw on it.
 * Called with the context's lock held.
 */
final class CuEvents {
    private final CuDriver driver;
    private final ArrayDeque<MemorySegment> free = new ArrayDeque<>();

    CuEvents(CuDriver driver) {
        this.driver = driver;
    }

    /** A kept event, else a new one. */
    MemorySegment take(String op) {
        MemorySegment e = free.poll();
        return e != null ? e : driver.createEvent(op);
    }

    /** Keeps {@code event} for the next {@link #take}: nothing waits on what it recorded any more. */
    void give(MemorySegment event) {
        free.add(event);
    }

    /** Destroys the kept events. */
    void clear(String op) {
        for (MemorySegment e : free) {
            driver.destroyEvent(e, op);
        }
        free.clear();
    }
}
