package dev.ssam.runtime.gpu;

import java.lang.foreign.MemorySegment;

/**
 * A {@link PendingRead} whose copy lands in a block of {@link HostBlocks}: {@link #finish} waits for
 * the copy, moves its floats to the array and gives the block back; {@link #discard} waits and gives
 * it back. The backend says how to wait ({@code awaitCopy}: on a CUDA event, an OpenCL event).
 */
public final class BlockRead implements PendingRead {
    private final HostBlocks blocks;
    private final MemorySegment block;
    private final int len;
    private final Runnable awaitCopy;

    /**
     * The read of {@code len} floats into {@code block}, taken from {@code blocks}; {@code awaitCopy}
     * waits until the device has written the block and releases what marked the copy's end.
     */
    public BlockRead(HostBlocks blocks, MemorySegment block, int len, Runnable awaitCopy) {
        this.blocks = blocks;
        this.block = block;
        this.len = len;
        this.awaitCopy = awaitCopy;
    }

    @Override
    public void finish(float[] dst, int dstOff) {
        awaitCopy.run();
        HostCopy.toHeap(block, dst, dstOff, len);
        blocks.give(block);
    }

    @Override
    public void discard() {
        awaitCopy.run();
        blocks.give(block);
    }
}
