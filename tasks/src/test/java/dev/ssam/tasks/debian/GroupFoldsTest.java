package dev.ssam.tasks.debian;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupFoldsTest {
    @Test
    void dealsLargestGroupsFirstToTheLightestFold() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        sizes.put("a", 10);
        sizes.put("b", 40);
        sizes.put("c", 30);
        sizes.put("d", 20);
        sizes.put("e", 5);
        sizes.put("f", 5);
        Map<String, Integer> f = GroupFolds.deal(sizes, 3);
        assertEquals(0, f.get("b"));
        assertEquals(1, f.get("c"));
        assertEquals(2, f.get("d"));
        assertEquals(2, f.get("a"));
        assertEquals(1, f.get("e"), "ties in load go to the lowest fold; ties in size by name");
        assertEquals(2, f.get("f"));
        assertEquals(f, GroupFolds.deal(new LinkedHashMap<>(sizes), 3), "deterministic");
    }

    @Test
    void rejectsFewerGroupsThanFolds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GroupFolds.deal(Map.of("a", 1, "b", 2), 5));
        assertTrue(e.getMessage().contains("2 groups"), e.getMessage());
    }
}
