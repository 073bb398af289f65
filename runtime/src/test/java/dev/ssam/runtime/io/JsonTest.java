package dev.ssam.runtime.io;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {
    @Test
    void parsesNestedValues() {
        Map<String, Object> m = Json.parseObject(
                "{\"a\": [1, 2.5, -3e2], \"b\": {\"c\": \"x\\\"y\\u0041\"}, \"t\": true, \"n\": null}");
        assertEquals(List.of(1L, 2.5, -300.0), m.get("a"));
        assertEquals(Map.of("c", "x\"yA"), m.get("b"));
        assertEquals(Boolean.TRUE, m.get("t"));
        assertNull(m.get("n"));
    }

    @Test
    void writeThenParseRoundTrips() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("name", "scan\tfwd\n\"q\"");
        m.put("shape", new int[] {2, 3});
        m.put("v", 1.25);
        m.put("list", List.of(1L, "two"));
        Object back = Json.parse(Json.write(m));
        assertEquals("{\"name\":\"scan\\tfwd\\n\\\"q\\\"\",\"shape\":[2,3],\"v\":1.25,\"list\":[1,\"two\"]}", Json.write(m));
        assertEquals(List.of(2L, 3L), ((Map<?, ?>) back).get("shape"));
    }

    @Test
    void rejectsMalformedText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": }"));
        assertTrue(e.getMessage().startsWith("JSON:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1, 2"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{} x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
    }
}
