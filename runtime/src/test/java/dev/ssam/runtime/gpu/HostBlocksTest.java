package dev.ssam.runtime.gpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link HostBlocks}: reuse of the smallest block that fits, a bounded number of bytes kept, the rest freed. */
class HostBlocksTest {
    private final List<Long> allocated = new ArrayList<>();
    private final List<MemorySegment> freed = new ArrayList<>();
    /** Blocks of the requested size at made-up addresses (nothing is read or written through them). */
    private final HostBlocks blocks = new HostBlocks(bytes -> {
        allocated.add(bytes);
        return MemorySegment.ofAddress(4096L * (allocated.size())).reinterpret(bytes);
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
    void keepsABoundedNumberOfBytesAndFreesTheRest() {
        long quarter = HostBlocks.KEEP_BYTES / 4;
        List<MemorySegment> taken = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            taken.add(blocks.take(quarter));
        }
        taken.forEach(blocks::give);
        assertEquals(4, blocks.kept());
        assertEquals(taken.subList(4, 6), freed);
        blocks.give(blocks.take(1));   // a kept block taken and given back again fits
        assertEquals(4, blocks.kept());
        blocks.clear();
        assertEquals(0, blocks.kept());
        assertEquals(6, freed.size());
        assertTrue(freed.containsAll(taken));
    }
}
