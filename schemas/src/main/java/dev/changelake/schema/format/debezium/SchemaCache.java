package dev.changelake.schema.format.debezium;

import dev.changelake.schema.TableSchema;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The table schemas built from the last few envelope schemas seen: a decoder sees the same handful of schemas in
 * every record, so each is turned into a {@link TableSchema} once. Bounded, so a stream of ever-new schemas cannot
 * grow it without end.
 */
final class SchemaCache<K> extends LinkedHashMap<K, TableSchema> {
    private static final long serialVersionUID = 1L;
    private static final int MAX_ENTRIES = 256;

    SchemaCache() {
        super(16, 0.75f, true);
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, TableSchema> eldest) {
        return size() > MAX_ENTRIES;
    }
}
