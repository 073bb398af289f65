package dev.ssam.runtime.opencl;

import dev.ssam.runtime.gpu.BlockRead;
import dev.ssam.runtime.gpu.HostBlocks;
import dev.ssam.runtime.gpu.PendingRead;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The downloads of a {@link ClContext} that run alongside its work ({@link ClContext#startRead}): a
 * second in-order queue for the copies, each a non-blocking {@code clEnqueueReadBuffer} waiting
 * for a marker of the work queued on the context's queue so far, into native blocks of its own
 * (kept for the next download). Only {@link PendingRead#finish} waits, for its own copy. Every
 * method is called with the context's lock held; the copy queue is made on first use.
 */
final class ClDownloads {
    private final ClContext ctx;
    private final ClApi api;
    private MemorySegment copyQueue = MemorySegment.NULL;
    /** Blocks from automatic arenas: a block the pool lets go of is freed once unreachable. */
    private final HostBlocks blocks = new HostBlocks(bytes -> Arena.ofAuto().allocate(bytes, 64), b -> { });

    ClDownloads(ClContext ctx) {
        this.ctx = ctx;
        this.api = ctx.api;
    }

    /** Queues the copy of {@code len > 0} floats of {@code src} from {@code srcOff} on the copy queue. */
    PendingRead start(ClBuffer src, long srcOff, int len, String op) {
        if (copyQueue.equals(MemorySegment.NULL)) {
            copyQueue = api.createQueue(ctx.context, ctx.device, ClApi.atLeast20(ctx.device().platformVersion()), op);
        }
        long bytes = (long) len * Float.BYTES;
        MemorySegment block = blocks.take(bytes);
        MemorySegment after = api.marker(ctx.queue, op);
        MemorySegment done;
        try {
            done = api.readAsync(copyQueue, src.mem, srcOff * Float.BYTES, bytes, block, after, op);
        } finally {
            api.releaseEvent(after, op);   // the queued read holds its own reference
        }
        MemorySegment copied = done;
        return new BlockRead(blocks, block, len, () -> {
            api.waitFor(copied, op);
            api.releaseEvent(copied, op);
        });
    }

    /** Lets the kept blocks go (the copy queue stays). */
    void trim() {
        blocks.clear();
    }
}
