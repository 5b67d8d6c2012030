package dev.changelake.ingest.avro;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the converter keeps the writer schemas that readers of single-object encoded records look up by fingerprint.
 * The layout is the contract with the reader ({@code DebeziumAvroDecoder} in schemas): one object per schema, named
 * {@link #objectName(long)}, holding the schema's full JSON (with the {@code connect.*} properties the reader needs).
 * Stored schemas are never changed or removed: records in Kafka may name them for as long as the topic keeps them.
 *
 * <p>Kinds: {@code file:///dir} (a directory, {@link DirectorySchemaStore}). An S3 kind ({@code s3://bucket/prefix})
 * would implement the same two methods with the same object names.
 */
interface WriterSchemaStore {

    /** The schema JSON stored under {@code fingerprint}, if any. */
    Optional<String> get(long fingerprint) throws IOException;

    /**
     * Stores {@code schemaJson} under {@code fingerprint} so that a reader sees either nothing or the whole schema,
     * never a part of it. Storing the same schema again is harmless.
     */
    void put(long fingerprint, String schemaJson) throws IOException;

    /** {@code <fingerprint as 16 lowercase hex digits>.avsc}: the CRC-64-AVRO fingerprint of the single-object header. */
    static String objectName(long fingerprint) {
        return String.format(Locale.ROOT, "%016x.avsc", fingerprint);
    }

    /** Opens the store {@code uri} names; the message of the exception names the URI and the accepted kinds. */
    static WriterSchemaStore open(URI uri) {
        if ("file".equals(uri.getScheme())) {
            return new DirectorySchemaStore(Path.of(uri));
        }
        throw new IllegalArgumentException("schema store '" + uri + "' is not supported; use file:///<directory>");
    }
}
