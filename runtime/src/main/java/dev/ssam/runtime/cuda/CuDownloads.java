package dev.ssam.runtime.cuda;

import dev.ssam.runtime.gpu.BlockRead;
import dev.ssam.runtime.gpu.HostBlocks;
import dev.ssam.runtime.gpu.PendingRead;

import java.lang.foreign.MemorySegment;

/**
 * The downloads of a {@link CuContext} that run alongside its work ({@link CuContext#startRead}):
 * a second stream for the copies, ordered after the work queued on the context's stream by an
 * event recorded there ({@link CuEvents}), and page-locked blocks to copy into, kept for the next
 * download ({@code cuMemAllocHost} takes milliseconds for the tens of MB of a batch's features;
 * the context's own waiting downloads borrow them too, {@link #block}). The copy engine moves the
 * data while the context's stream goes on computing; only {@link PendingRead#finish} waits, for
 * its own copy. Every method is called with the context's lock held; the copy stream is made on
 * first use.
 */
final class CuDownloads {
    private static final String OP = "cuda";
    private final CuContext ctx;
    private final CuDriver driver;
    private MemorySegment copyStream = MemorySegment.NULL;
    private final HostBlocks blocks;
    private final CuEvents events;

    CuDownloads(CuContext ctx, CuEvents events) {
        this.ctx = ctx;
        this.driver = ctx.driver;
        this.events = events;
        this.blocks = new HostBlocks(bytes -> driver.allocHost(bytes, OP), b -> driver.freeHost(b, OP));
    }

    /**
     * Queues the copy of {@code len > 0} floats of {@code src} from {@code srcOff} on the copy stream,
     * behind an event marking the work queued on the context's stream so far.
     */
    PendingRead start(CuBuffer src, long srcOff, int len, String op) {
        if (copyStream.equals(MemorySegment.NULL)) {
            copyStream = driver.createStream(0, op);
        }
        long bytes = (long) len * Float.BYTES;
        MemorySegment block = blocks.take(bytes);
        // a failure below leaves the block and events unreleased: a copy may still be writing the
        // block, and a failing stream or event call means the context itself is in trouble
        MemorySegment after = events.take(op);
        MemorySegment done = events.take(op);
        driver.recordEvent(after, ctx.stream, op);
        driver.waitEvent(copyStream, after, op);
        driver.copyDtoH(block, src.ptr + srcOff * Float.BYTES, bytes, copyStream, op);
        driver.recordEvent(done, copyStream, op);
        events.give(after);   // the wait queued on the copy stream keeps the point recorded, not the event
        return new BlockRead(blocks, block, len, () -> {
            ctx.bind();
            driver.synchronizeEvent(done, op);
            events.give(done);   // reached: free to record again
        });
    }

    /** A page-locked block of at least {@code bytes} for a waiting download on the context's stream. */
    MemorySegment block(long bytes) {
        return blocks.take(bytes);
    }

    /** Takes back a block of {@link #block} once its copy has ended. */
    void give(MemorySegment block) {
        blocks.give(block);
    }

    /** Frees the kept blocks (the copy stream stays). */
    void trim() {
        blocks.clear();
    }
}
