package dev.changelake.jobs.changelog;

import dev.changelake.jobs.deadletter.DeadLetter;
import dev.changelake.jobs.deadletter.DeadLetters;
import dev.changelake.jobs.source.RawChange;
import dev.changelake.lake.metrics.TableMetrics;
import dev.changelake.lake.catalog.LakeCatalogs;
import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.DecodeException;
import dev.changelake.schema.Op;
import dev.changelake.schema.TableId;
import dev.changelake.schema.WriterSchemaUnavailableException;
import java.io.Closeable;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.iceberg.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each record into a canonical change and shapes it for its lake table ({@link TableShaper}: cleaning
 * rules, schema evolution, value checks). A record that cannot be used is set aside whole, with its topic, partition,
 * offset, the stage and the reason ({@link DeadLetters#TAG}), logged and counted by reason: one bad record never stops
 * the job. A writer schema that cannot be fetched (schema store or registry unreachable) is not the record's fault:
 * the job fails and restarts from its last checkpoint, so nothing is skipped during an outage.
 *
 * <p>Decoding and shaping share one function because a refused change must go out with its original bytes, which
 * only this stage still holds.
 */
final class DecodeFunction extends ProcessFunction<RawChange, ChangeRecord> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DecodeFunction.class);

    private final ChangeDecoder decoder;
    private final ChangelogJobOptions options;
    private transient TableShaper shaper;
    private transient Catalog catalog;
    private transient MetricGroup deadLetterMetrics;
    private transient java.util.Map<String, Counter> deadLettersByReason;
    private transient Counter deadLettersTotal;
    private transient Counter tablesNotMirrored;
    private transient Set<TableId> refusedTables;
    private transient java.util.Map<TableId, TableRoute> routes;
    /** Per table and reason: few of each, so the map stays small (see {@link TableMetrics}). */
    private transient java.util.Map<String, Counter> tableDeadLetters;

    DecodeFunction(ChangeDecoder decoder, ChangelogJobOptions options) {
        this.decoder = decoder;
        this.options = options;
    }

    @Override
    public void open(OpenContext openContext) {
        deadLetterMetrics = getRuntimeContext().getMetricGroup().addGroup("deadLetters");
        deadLettersByReason = new java.util.HashMap<>();
        // Managed Service for Apache Flink sends only metrics in a "kinesisanalytics" group to CloudWatch: the total,
        // for the stack's dead-letter alarm.
        deadLettersTotal = getRuntimeContext().getMetricGroup().addGroup("kinesisanalytics").counter("deadLetters");
        tablesNotMirrored = getRuntimeContext().getMetricGroup().counter("changesOfTablesNotMirrored");
        refusedTables = new HashSet<>();
        routes = new java.util.HashMap<>();
        tableDeadLetters = new java.util.HashMap<>();
        catalog = LakeCatalogs.loader(options.catalog()).loadCatalog();
        shaper = new TableShaper(options, catalog);
    }

    @Override
    public void close() throws Exception {
        if (catalog instanceof Closeable) {
            ((Closeable) catalog).close();
        }
    }

    @Override
    public void processElement(RawChange raw, Context ctx, Collector<ChangeRecord> out) throws Exception {
        long size = (raw.key == null ? 0 : raw.key.length) + (raw.value == null ? 0 : raw.value.length);
        if (size > options.maxChangeBytes) {
            setAside(ctx, raw, "decode", "too-large", "change record of " + size + " bytes is larger than "
                    + "source.max-change-bytes (" + options.maxChangeBytes + "); raise it if the lake should hold such rows");
            return;
        }
        Optional<ChangeRecord> change;
        try {
            change = decoder.decode(raw.key, raw.value);
        } catch (WriterSchemaUnavailableException e) {
            throw new WriterSchemaUnavailableException("at " + raw.where() + ": " + e.getMessage(), e);
        } catch (DecodeException | RuntimeException e) {
            setAside(ctx, raw, "decode", "undecodable", String.valueOf(e.getMessage()));
            return;
        }
        if (change.isEmpty()) {
            return; // tombstone
        }
        ChangeRecord c = change.get();
        TableRoute route = routes.computeIfAbsent(c.table(), TableRoute::new);
        if (!raw.topic.equals(route.topic)) {
            setAside(ctx, raw, "route", "wrong-topic", "change of " + c.table() + " in topic " + raw.topic
                    + ", which holds changes of another table");
            return;
        }
        if (!route.mirrored) {
            tablesNotMirrored.inc(); // e.g. a table taken out of the configuration; its partitions are still assigned
            return;
        }
        if (c.op() == Op.TRUNCATE) {
            // Not applied yet: set aside where operators look, so the lake's divergence is never silent.
            setAside(ctx, raw, "apply", "truncate", "TRUNCATE of " + c.table() + " is not mirrored: the lake table "
                    + "keeps its rows; re-snapshot the table (Debezium incremental snapshot signal) to bring the lake back in step");
            return;
        }
        if (c.schema() != null && !c.schema().hasPrimaryKey() && c.key().isEmpty()
                && options.tablesWithoutPrimaryKey() == ChangelogJobOptions.TablesWithoutPrimaryKey.REFUSE
                && !shaper.lakeTableHasKey(c.table())) { // else a keyed table's change that lost its key: set aside
            if (refusedTables.add(c.table())) {
                LOG.warn("not mirroring {} (topic {}, partition {}, offset {}): the table has no primary key, so it "
                        + "cannot be upserted; add a primary key, or set source.tables-without-primary-key: append to "
                        + "keep its changes in an append-only changelog table", c.table(), raw.topic, raw.partition, raw.offset);
            }
            tablesNotMirrored.inc();
            return;
        }
        ChangeRecord shaped;
        try {
            shaped = shaper.shape(c);
        } catch (TableShaper.Refused r) {
            setAside(ctx, raw, r.stage, r.code, r.getMessage());
            return;
        }
        if (shaped != null) {
            route.changesIn.inc();
            out.collect(shaped);
        }
    }

    /** What the options say of one table, worked out once rather than per record (regex matching, topic name). */
    private final class TableRoute {
        final String topic;
        final boolean mirrored;
        /** Changes of the table that passed decoding, cleaning and shaping, on their way to dedupe. */
        final Counter changesIn;

        TableRoute(TableId table) {
            this.topic = options.topicOf(table);
            this.mirrored = options.mirrors(table);
            this.changesIn = mirrored ? TableMetrics.of(getRuntimeContext().getMetricGroup(), table).counter("changesIn") : null;
        }
    }

    private void setAside(Context ctx, RawChange raw, String stage, String code, String reason) {
        deadLettersByReason.computeIfAbsent(code, deadLetterMetrics::counter).inc();
        deadLettersTotal.inc();
        // The table is the one the topic holds: an undecodable record has no table of its own.
        TableId table = options.tableOfTopic(raw.topic);
        if (table != null) {
            tableDeadLetters.computeIfAbsent(table + "\u0000" + code, k -> TableMetrics.of(getRuntimeContext().getMetricGroup(), table)
                    .addGroup(TableMetrics.REASON, code).counter("deadLetters")).inc();
        }
        LOG.warn("dead letter ({}): {} at {}", code, reason, raw.where());
        ctx.output(DeadLetters.TAG, new DeadLetter(raw, stage, code, reason));
    }
}
