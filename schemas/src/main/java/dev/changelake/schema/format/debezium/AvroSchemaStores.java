package dev.changelake.schema.format.debezium;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * The schema stores the capture's {@code SingleObjectAvroConverter} writes (cdc-ingest/avro-converter), read as
 * Avro {@link SchemaStore}s: one {@code <fingerprint as 16 lowercase hex digits>.avsc} per writer schema, holding its
 * full JSON. Kinds: {@code file:///<directory>}. Another kind (S3: {@code s3://bucket/prefix}) is one more
 * {@link SchemaStore} over the same object names.
 */
final class AvroSchemaStores {
    private AvroSchemaStores() {
    }

    /** @throws IllegalArgumentException naming the URI and the accepted kinds */
    static SchemaStore open(URI uri) {
        if ("file".equals(uri.getScheme())) {
            return new Directory(Path.of(uri));
        }
        throw new IllegalArgumentException("schema store '" + uri + "' is not supported; use file:///<directory>");
    }

    static String objectName(long fingerprint) {
        return String.format(Locale.ROOT, "%016x.avsc", fingerprint);
    }

    /** A directory of schema files, each read once: stored schemas never change. */
    static final class Directory implements SchemaStore {
        private final Path dir;
        private final Map<Long, Schema> cache = new ConcurrentHashMap<>();

        Directory(Path dir) {
            this.dir = dir;
        }

        /** @return the schema, or null when the directory has none under that fingerprint (not remembered: it may come) */
        @Override
        public Schema findByFingerprint(long fingerprint) {
            Schema known = cache.get(fingerprint);
            if (known != null) {
                return known;
            }
            String json;
            try {
                json = Files.readString(dir.resolve(objectName(fingerprint)), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema " + objectName(fingerprint) + " from " + dir, e);
            }
            Schema schema = new Schema.Parser().parse(json);
            if (SchemaNormalization.parsingFingerprint64(schema) != fingerprint) {
                throw new IllegalStateException("schema file " + dir.resolve(objectName(fingerprint))
                        + " holds a schema of another fingerprint: the store is corrupt");
            }
            cache.put(fingerprint, schema);
            return schema;
        }

        @Override
        public String toString() {
            return dir.toUri().toString();
        }
    }
}
