package dev.changelake.bench.jmh;

import dev.changelake.bench.w1.DebeziumAvroEncoder;
import dev.changelake.bench.w1.DebeziumJsonEncoder;
import dev.changelake.bench.w1.W1Config;
import dev.changelake.bench.w1.W1Event;
import dev.changelake.bench.w1.W1Generator;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * The first {@link #SIZE} change events of W1 (1M rows, the W1 mix and Zipf keys, seed 1), encoded as the capture
 * writes them, for the micro-benchmarks to cycle through. Tombstones are left out: the job drops them before
 * decoding anything.
 */
final class W1Sample {
    static final int SIZE = 1024; // a power of two: index & (SIZE - 1)

    final W1Event[] events = new W1Event[SIZE];
    final byte[][] jsonKeys = new byte[SIZE][];
    final byte[][] jsonValues = new byte[SIZE][];
    final byte[][] avroKeys = new byte[SIZE][];
    final byte[][] avroValues = new byte[SIZE][];

    /** @param avroSchemaStore where the Avro writer schemas go (the Avro decoder reads them there) */
    W1Sample(Path avroSchemaStore) {
        W1Config config = W1Config.builder().events(SIZE).build();
        DebeziumJsonEncoder json = new DebeziumJsonEncoder(config);
        DebeziumAvroEncoder avro = new DebeziumAvroEncoder(config, avroSchemaStore);
        Iterator<W1Event> changes = new W1Generator(config).changes();
        for (int i = 0; i < SIZE; i++) {
            W1Event e = changes.next();
            events[i] = e;
            jsonKeys[i] = json.key(e);
            jsonValues[i] = json.value(e);
            avroKeys[i] = avro.key(e);
            avroValues[i] = avro.value(e);
        }
    }

    static double averageLength(byte[][] records) {
        long total = 0;
        for (byte[] r : records) {
            total += r.length;
        }
        return total / (double) records.length;
    }
}
