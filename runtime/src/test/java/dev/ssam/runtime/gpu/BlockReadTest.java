package dev.ssam.runtime.gpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link BlockRead}: finish waits, then copies the block's floats out, then gives the block back; discard waits and gives it back. */
class BlockReadTest {
    private final Arena arena = Arena.ofAuto();
    private final List<String> events = new ArrayList<>();
    private final HostBlocks blocks = new HostBlocks(arena::allocate, b -> events.add("freed"));

    private BlockRead read(MemorySegment block, int len) {
        return new BlockRead(blocks, block, len, () -> events.add("waited with " + blocks.kept() + " kept"));
    }

    @Test
    void finishCopiesTheBlockOutAfterWaitingAndGivesItBack() {
        MemorySegment block = blocks.take(5 * Float.BYTES);
        for (int i = 0; i < 5; i++) {
            block.setAtIndex(JAVA_FLOAT, i, i + 0.5f);
        }
        float[] dst = {-1, -1, -1, -1, -1, -1};
        read(block, 4).finish(dst, 1);
        assertArrayEquals(new float[] {-1, 0.5f, 1.5f, 2.5f, 3.5f, -1}, dst);
        assertEquals(List.of("waited with 0 kept"), events);
        assertEquals(1, blocks.kept());
    }

    @Test
    void discardWaitsAndGivesTheBlockBack() {
        read(blocks.take(16), 4).discard();
        assertEquals(List.of("waited with 0 kept"), events);
        assertEquals(1, blocks.kept());
    }
}
