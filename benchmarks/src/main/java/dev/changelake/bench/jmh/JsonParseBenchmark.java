package dev.changelake.bench.jmh;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where {@code DebeziumJsonDecoder}'s time goes, and what a decoder that does not rebuild the embedded schema per
 * record could save. A W1 value is ~5 KB of which ~3.9 KB is the embedded schema, identical in every record.
 * <ul>
 * <li>{@code treeWholeValue}: {@code ObjectMapper.readTree} of the whole value, what the decoder does today.
 * <li>{@code treePayloadSkippingSchema}: a streaming parser skips the schema's tokens (no nodes built) and only the
 *     payload becomes a tree.
 * <li>{@code treePayloadAfterSchemaBytesMatch}: the schema's bytes are compared with the last schema seen (one
 *     {@code Arrays.equals}), and only the payload is parsed: the schema is not even tokenized.
 * </ul>
 * These are not the decoder (no values are converted); they bound what the proposed change can gain.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class JsonParseBenchmark {
    private static final byte[] SCHEMA_PREFIX = "{\"schema\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PAYLOAD_PREFIX = ",\"payload\":".getBytes(StandardCharsets.UTF_8);

    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonFactory factory = mapper.getFactory();
    private byte[][] values;
    private byte[] knownSchema;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path store = Files.createTempDirectory("w1-avro-schemas");
        values = new W1Sample(store).jsonValues;
        try (var files = Files.list(store)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(store);
        // The schema span of the first record, found once with a parser (a real decoder would do so per new schema).
        try (JsonParser p = factory.createParser(values[0])) {
            p.nextToken();
            p.nextToken();
            p.nextToken();
            long start = p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            long end = p.currentLocation().getByteOffset();
            knownSchema = Arrays.copyOfRange(values[0], (int) start, (int) end);
        }
    }

    private int index() {
        int i = next;
        next = (i + 1) & (W1Sample.SIZE - 1);
        return i;
    }

    @Benchmark
    public JsonNode treeWholeValue() throws IOException {
        return mapper.readTree(values[index()]);
    }

    @Benchmark
    public JsonNode treePayloadSkippingSchema() throws IOException {
        try (JsonParser p = factory.createParser(values[index()])) {
            p.nextToken(); // {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if ("payload".equals(name)) {
                    return mapper.readTree(p);
                }
                p.skipChildren();
            }
            throw new IllegalStateException("no payload");
        }
    }

    @Benchmark
    public JsonNode treePayloadAfterSchemaBytesMatch() throws IOException {
        byte[] v = values[index()];
        int from = SCHEMA_PREFIX.length;
        int to = from + knownSchema.length;
        int payload = to + PAYLOAD_PREFIX.length;
        if (!Arrays.equals(v, 0, from, SCHEMA_PREFIX, 0, from)
                || !Arrays.equals(v, from, to, knownSchema, 0, knownSchema.length)
                || !Arrays.equals(v, to, payload, PAYLOAD_PREFIX, 0, PAYLOAD_PREFIX.length)) {
            throw new IllegalStateException("another schema: a real decoder parses and caches it");
        }
        // the payload object: from its '{' to the envelope's closing '}' (excluded)
        try (JsonParser p = factory.createParser(v, payload, v.length - payload - 1)) {
            return mapper.readTree(p);
        }
    }
}
