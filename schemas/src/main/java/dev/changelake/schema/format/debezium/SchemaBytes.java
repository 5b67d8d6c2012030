package dev.changelake.schema.format.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The embedded schemas seen last, by their exact bytes: every record of a table carries the same few kilobytes of
 * schema, so comparing bytes (no allocation) replaces parsing them, and the parsed node is shared by all records
 * that carry it. Most recently used first; bounded.
 */
final class SchemaBytes {
    private static final int MAX_ENTRIES = 64;

    private final ObjectMapper mapper;
    private final List<Entry> entries = new ArrayList<>();

    SchemaBytes(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * A known schema whose bytes are those at {@code bytes[start…]}, or null: lets a reader jump over the schema
     * without tokenizing it (a record's schema is most of its bytes).
     */
    Entry at(byte[] bytes, int start) {
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            int end = start + e.bytes.length;
            if (end <= bytes.length && Arrays.equals(bytes, start, end, e.bytes, 0, e.bytes.length)) {
                if (i > 0) {
                    entries.remove(i);
                    entries.add(0, e);
                }
                return e;
            }
        }
        return null;
    }

    /** The parsed schema held in {@code bytes[start, end)}. */
    JsonNode node(byte[] bytes, int start, int end) throws IOException {
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.bytes.length == end - start && Arrays.equals(bytes, start, end, e.bytes, 0, e.bytes.length)) {
                if (i > 0) {
                    entries.remove(i);
                    entries.add(0, e);
                }
                return e.node;
            }
        }
        Entry e = new Entry(Arrays.copyOfRange(bytes, start, end), mapper.readTree(bytes, start, end - start));
        entries.add(0, e);
        if (entries.size() > MAX_ENTRIES) {
            entries.remove(entries.size() - 1);
        }
        return e.node;
    }

    static final class Entry {
        final byte[] bytes;
        final JsonNode node;

        int length() {
            return bytes.length;
        }

        Entry(byte[] bytes, JsonNode node) {
            this.bytes = bytes;
            this.node = node;
        }
    }
}
