package dev.ssam.runtime.gpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link HostBlocks}: reuse of the smallest block that fits, a bounded number kept, the rest freed. */
class HostBlocksTest {
    private final Arena arena = Arena.ofAuto();
    private final List<Long> allocated = new ArrayList<>();
    private final List<MemorySegment> freed = new ArrayList<>();
    private final HostBlocks blocks = new HostBlocks(bytes -> {
        allocated.add(bytes);
        return arena.allocate(bytes);
    }, freed::add);

    @Test
    void takesTheSmallestKeptBlockThatFitsElseANewOneOfTheExactSize() {
        MemorySegment big = blocks.take(4000);
        MemorySegment small = blocks.take(400);
        blocks.give(big);
        blocks.give(small);
        assertSame(small, blocks.take(100));
        assertSame(big, blocks.take(401), "400 bytes do not fit 401");
        MemorySegment fresh = blocks.take(5000);
        assertEquals(5000, fresh.byteSize());
        assertEquals(List.of(4000L, 400L, 5000L), allocated);
        assertEquals(Float.BYTES, blocks.take(0).byteSize(), "an empty read still gets a valid block");
    }

    @Test
    void keepsABoundedNumberAndFreesTheRest() {
        List<MemorySegment> taken = new ArrayList<>();
        for (int i = 0; i < HostBlocks.KEEP + 2; i++) {
            taken.add(blocks.take(64));
        }
        taken.forEach(blocks::give);
        assertEquals(HostBlocks.KEEP, blocks.kept());
        assertEquals(taken.subList(HostBlocks.KEEP, taken.size()), freed);
        blocks.clear();
        assertEquals(0, blocks.kept());
        assertEquals(HostBlocks.KEEP + 2, freed.size());
        assertTrue(freed.containsAll(taken));
    }
}
