package dev.changelake.bench.jmh;

import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeDecoders;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.Encoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The job's first per-record step: a W1 change (key and value bytes as the capture writes them) decoded into a
 * {@link ChangeRecord} by the decoder the job uses for the encoding ({@code ChangeDecoders.forEncoding}).
 * {@link JsonParseBenchmark} splits the JSON decoder's cost.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class DecodeBenchmark {
    private W1Sample sample;
    private Path schemaStore;
    private ChangeDecoder json;
    private ChangeDecoder avro;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        schemaStore = Files.createTempDirectory("w1-avro-schemas");
        sample = new W1Sample(schemaStore);
        json = ChangeDecoders.forEncoding(Encoding.JSON, null);
        avro = ChangeDecoders.forEncoding(Encoding.AVRO, schemaStore.toUri());
        System.out.printf("%nW1 sample: %d changes, JSON value %.0f B, Avro value %.0f B on average%n", W1Sample.SIZE,
                W1Sample.averageLength(sample.jsonValues), W1Sample.averageLength(sample.avroValues));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(schemaStore)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private int index() {
        int i = next;
        next = (i + 1) & (W1Sample.SIZE - 1);
        return i;
    }

    @Benchmark
    public ChangeRecord decodeJson() throws Exception {
        int i = index();
        return json.decode(sample.jsonKeys[i], sample.jsonValues[i]).orElseThrow();
    }

    @Benchmark
    public ChangeRecord decodeAvro() throws Exception {
        int i = index();
        return avro.decode(sample.avroKeys[i], sample.avroValues[i]).orElseThrow();
    }
}
