package dev.changelake.bench.jmh;

import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeDecoders;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.Encoding;
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
 * The dedupe stage's per-record work outside Flink's state access: the stream key (what the package-private
 * {@code DedupeFunction.keyOf} builds for a table with a primary key: {@code table + '\0' + keyString()}) and the
 * ordering check of the change's source position against the newest seen ({@code SourcePosition.isAfter}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class DedupeBenchmark {
    private final ChangeRecord[] changes = new ChangeRecord[W1Sample.SIZE];
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        java.nio.file.Path store = java.nio.file.Files.createTempDirectory("w1-avro-schemas");
        W1Sample sample = new W1Sample(store);
        ChangeDecoder json = ChangeDecoders.forEncoding(Encoding.JSON, null);
        for (int i = 0; i < W1Sample.SIZE; i++) {
            changes[i] = json.decode(sample.jsonKeys[i], sample.jsonValues[i]).orElseThrow();
        }
        try (var files = java.nio.file.Files.list(store)) {
            for (java.nio.file.Path p : files.toList()) {
                java.nio.file.Files.delete(p);
            }
        }
        java.nio.file.Files.delete(store);
    }

    private int index() {
        int i = next;
        next = (i + 1) & (W1Sample.SIZE - 1);
        return i;
    }

    @Benchmark
    public String keyString() {
        return changes[index()].keyString();
    }

    /** As DedupeFunction.keyOf for a table with a primary key. */
    @Benchmark
    public String dedupeKey() {
        ChangeRecord c = changes[index()];
        return c.table() + "\u0000" + c.keyString();
    }

    @Benchmark
    public boolean positionIsAfter() {
        int i = index();
        return changes[i].position().isAfter(changes[(i + 511) & (W1Sample.SIZE - 1)].position());
    }
}
