package dev.changelake.bench.jmh;

import dev.changelake.bench.w1.DebeziumJsonEncoder;
import dev.changelake.bench.w1.W1Config;
import dev.changelake.bench.w1.W1Event;
import dev.changelake.bench.w1.W1Generator;
import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeDecoders;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.DecodeException;
import dev.changelake.schema.Encoding;
import java.util.Iterator;

/** The first W1 change events (1M rows, the W1 mix and Zipf keys, seed 1) decoded into ChangeRecords, as dedupe sees them. */
public final class W1Changes {
    private W1Changes() {
    }

    public static ChangeRecord[] decoded(int count) {
        W1Config config = W1Config.builder().events(count).build();
        DebeziumJsonEncoder json = new DebeziumJsonEncoder(config);
        ChangeDecoder decoder = ChangeDecoders.forEncoding(Encoding.JSON, null);
        Iterator<W1Event> changes = new W1Generator(config).changes();
        ChangeRecord[] out = new ChangeRecord[count];
        try {
            for (int i = 0; i < count; i++) {
                W1Event e = changes.next();
                out[i] = decoder.decode(json.key(e), json.value(e)).orElseThrow();
            }
        } catch (DecodeException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
