package dev.ssam.tasks.hear;

import java.util.ArrayList;
import java.util.List;

/**
 * The small CSV dialect of label vocabularies and import lists: comma-separated fields, a field
 * may be double-quoted (a quote inside doubled), no field spans lines, blank lines are skipped.
 */
final class Csv {
    private Csv() {
    }

    /** One parsed line. */
    record Row(int line, List<String> fields) {
    }

    /** Parses {@code text}; throws IllegalArgumentException naming the line of an unclosed quote. */
    static List<Row> parse(String text) {
        List<Row> rows = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            if (line.isBlank()) {
                continue;
            }
            rows.add(new Row(n + 1, fields(line, n + 1)));
        }
        return rows;
    }

    private static List<String> fields(String line, int lineNo) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("line " + lineNo + ": unclosed double quote");
        }
        out.add(cur.toString().trim());
        return out;
    }

    /** One field, quoted when it holds a comma, a quote or surrounding spaces. */
    static String field(String s) {
        if (s.contains(",") || s.contains("\"") || !s.equals(s.trim())) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
