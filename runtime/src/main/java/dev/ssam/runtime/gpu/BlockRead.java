package dev.ssam.runtime.gpu;

import java.lang.foreign.MemorySegment;

/**
 * A {@link PendingRead} whose copy lands in a block of {@link HostBlocks}: {@link #finish} waits for
 * the copy, moves its floats to the array and gives the block back; {@link #discard} waits and gives
 * it back. A backend says how to wait ({@link #awaitCopy}: a CUDA event, an OpenCL event).
 */
public abstract class BlockRead implements PendingRead {
    private final HostBlocks blocks;
    private final MemorySegment block;
    private final int len;

    /** The read of {@code len} floats into {@code block}, taken from {@code blocks}. */
    protected BlockRead(HostBlocks blocks, MemorySegment block, int len) {
        this.blocks = blocks;
        this.block = block;
        this.len = len;
    }

    /** Waits until the device has written the block, and releases what marked the copy's end. */
    protected abstract void awaitCopy();

    @Override
    public final void finish(float[] dst, int dstOff) {
        awaitCopy();
        HostCopy.toHeap(block, dst, dstOff, len);
        blocks.give(block);
    }

    @Override
    public final void discard() {
        awaitCopy();
        blocks.give(block);
    }
}
