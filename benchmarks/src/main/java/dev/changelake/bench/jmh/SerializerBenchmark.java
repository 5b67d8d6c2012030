package dev.changelake.bench.jmh;

import dev.changelake.jobs.types.ChangeRecordSerializer;
import dev.changelake.schema.ChangeRecord;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
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
 * What each W1 change costs to cross the network between decode and the keyed dedupe: {@link ChangeRecordSerializer}
 * writing it into Flink's output buffer ({@code serialize}), and writing and reading it back ({@code roundTrip}).
 * Buffers are reused, as Flink's record writer and reader reuse theirs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class SerializerBenchmark {
    private final ChangeRecordSerializer serializer = ChangeRecordSerializer.INSTANCE;
    private final DataOutputSerializer out = new DataOutputSerializer(4096);
    private final DataInputDeserializer in = new DataInputDeserializer();
    private ChangeRecord[] changes;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        changes = W1Changes.decoded(W1Sample.SIZE);
        long bytes = 0;
        for (ChangeRecord c : changes) {
            out.clear();
            serializer.serialize(c, out);
            bytes += out.length();
        }
        System.out.printf("%nW1 sample: %d changes, %.0f B serialized on average%n", W1Sample.SIZE,
                bytes / (double) W1Sample.SIZE);
    }

    private int index() {
        int i = next;
        next = (i + 1) & (W1Sample.SIZE - 1);
        return i;
    }

    @Benchmark
    public int serialize() throws IOException {
        out.clear();
        serializer.serialize(changes[index()], out);
        return out.length();
    }

    @Benchmark
    public ChangeRecord roundTrip() throws IOException {
        out.clear();
        serializer.serialize(changes[index()], out);
        in.setBuffer(out.getSharedBuffer(), 0, out.length());
        return serializer.deserialize(in);
    }
}
