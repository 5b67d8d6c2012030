package dev.changelake.bench.jmh;

import dev.changelake.bench.w1.DebeziumJsonEncoder;
import dev.changelake.bench.w1.W1Config;
import dev.changelake.bench.w1.W1Records;
import dev.changelake.bench.w1.W1Generator;
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
 * How fast the W1 generator makes Kafka records (JSON with schemas, tombstones included) on one thread: what
 * pre-loading the 5M-event topic costs before producing.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class GeneratorBenchmark {
    private W1Records records;

    @Setup(Level.Iteration)
    public void setUp() {
        W1Config config = W1Config.builder().events(500_000_000L).build(); // more than an iteration can read
        records = new W1Records(new W1Generator(config).changes(), new DebeziumJsonEncoder(config));
    }

    @Benchmark
    public W1Records.Record jsonRecord() {
        return records.next();
    }
}
