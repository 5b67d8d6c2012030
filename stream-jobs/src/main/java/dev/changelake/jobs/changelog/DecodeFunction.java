package dev.changelake.jobs.changelog;

import dev.changelake.jobs.deadletter.DeadLetter;
import dev.changelake.jobs.deadletter.DeadLetters;
import dev.changelake.jobs.source.RawChange;
import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.DecodeException;
import dev.changelake.schema.Op;
import dev.changelake.schema.TableId;
import dev.changelake.schema.WriterSchemaUnavailableException;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each record into a canonical change. A record that cannot be decoded is set aside whole, with its topic,
 * partition, offset and the reason ({@link DeadLetters#TAG}), logged and counted: one bad record never stops the job. A writer schema that cannot be
 * fetched (schema store or registry unreachable) is not the record's fault: the job fails and restarts from its last
 * checkpoint, so nothing is skipped during an outage.
 */
final class DecodeFunction extends ProcessFunction<RawChange, ChangeRecord> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DecodeFunction.class);

    private final ChangeDecoder decoder;
    private final Set<TableId> tables;
    private transient Counter badRecords;
    private transient Counter truncates;

    DecodeFunction(ChangeDecoder decoder, Set<TableId> tables) {
        this.decoder = decoder;
        this.tables = Set.copyOf(tables);
    }

    @Override
    public void open(OpenContext openContext) {
        badRecords = getRuntimeContext().getMetricGroup().counter("badRecords");
        truncates = getRuntimeContext().getMetricGroup().counter("truncatesSkipped");
    }

    @Override
    public void processElement(RawChange raw, Context ctx, Collector<ChangeRecord> out) throws Exception {
        Optional<ChangeRecord> change;
        try {
            change = decoder.decode(raw.key, raw.value);
        } catch (WriterSchemaUnavailableException e) {
            throw new WriterSchemaUnavailableException("at " + raw.where() + ": " + e.getMessage(), e);
        } catch (DecodeException | RuntimeException e) {
            badRecords.inc();
            LOG.warn("dead letter: bad change record at {}: {}", raw.where(), e.getMessage());
            ctx.output(DeadLetters.TAG, new DeadLetter(raw, "decode", e.getMessage()));
            return;
        }
        if (change.isEmpty()) {
            return; // tombstone
        }
        ChangeRecord c = change.get();
        if (c.op() == Op.TRUNCATE) {
            truncates.inc();
            // Not applied yet: set aside where operators look, so the lake's divergence is never silent.
            String reason = "TRUNCATE of " + c.table() + " is not mirrored: the lake table keeps its rows; "
                    + "re-snapshot the table (Debezium incremental snapshot signal) to bring the lake back in step";
            LOG.warn("dead letter: {} at {}", reason, raw.where());
            ctx.output(DeadLetters.TAG, new DeadLetter(raw, "apply", reason));
            return;
        }
        if (!tables.contains(c.table())) {
            badRecords.inc();
            String reason = "change of " + c.table() + " in topic " + raw.topic + ", which this job reads for another table";
            LOG.warn("dead letter: {} at {}", reason, raw.where());
            ctx.output(DeadLetters.TAG, new DeadLetter(raw, "route", reason));
            return;
        }
        out.collect(c);
    }
}
