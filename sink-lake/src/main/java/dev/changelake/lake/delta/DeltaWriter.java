package dev.changelake.lake.delta;

import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.Op;
import dev.changelake.schema.TableSchema;
import io.delta.kernel.Snapshot;
import io.delta.kernel.engine.Engine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers a checkpoint's changes per table (the newest image per key) and, when the checkpoint comes, turns each
 * table's into one committable: the table created or given its new columns first, then the copy-on-write rewrite.
 *
 * <p>The rewrite must see the files of earlier checkpoints whose commit has not happened yet (the committer commits
 * when the checkpoint completes, which can come after the next checkpoint's barrier): it works on the table's latest
 * version plus this writer's pending commits, each dropped once the table records its checkpoint id.
 */
final class DeltaWriter implements CommittingSinkWriter<ChangeRecord, DeltaCommittable>,
        StatefulSinkWriter<ChangeRecord, Long> {
    private static final Logger LOG = LoggerFactory.getLogger(DeltaWriter.class);

    private final DeltaSink sink;
    private final Engine engine;
    private final Map<String, TableBuffer> buffers = new LinkedHashMap<>();
    private final Map<String, Deque<Pending>> pending = new HashMap<>();
    private final Counter filesRewritten;
    private final Counter filesWritten;

    DeltaWriter(DeltaSink sink, SinkWriterMetricGroup metrics) {
        this.sink = sink;
        this.engine = sink.engine();
        this.filesRewritten = metrics.counter("deltaFilesRewritten");
        this.filesWritten = metrics.counter("deltaFilesWritten");
    }

    @Override
    public void write(ChangeRecord change, Context context) {
        DeltaSink.Target target = sink.targets().of(change.schema());
        buffers.computeIfAbsent(target.path, p -> new TableBuffer(target)).add(change);
    }

    @Override
    public void flush(boolean endOfInput) {
        // Everything is written at prepareCommit: copy-on-write needs the checkpoint's changes together.
    }

    @Override
    public Collection<DeltaCommittable> prepareCommit() {
        List<DeltaCommittable> committables = new ArrayList<>();
        for (TableBuffer buffer : buffers.values()) {
            if (!buffer.changes.isEmpty()) {
                committables.add(prepare(buffer));
            }
        }
        buffers.clear();
        return committables;
    }

    private DeltaCommittable prepare(TableBuffer buffer) {
        String path = buffer.target.path;
        // Each snapshot load lists the table's log (on S3): load again only after this writer changed the table.
        Snapshot snapshot = DeltaTables.latest(engine, path).orElse(null);
        if (snapshot == null) {
            DeltaTables.create(engine, path, buffer.newest, buffer.target.partitionColumns, buffer.target.properties,
                    sink.sinkId());
            LOG.info("created Delta table {} for {}", path, buffer.newest.table());
            snapshot = DeltaTables.snapshot(engine, path);
        }
        checkOwner(snapshot);
        List<String> added = DeltaTables.addColumns(engine, snapshot, buffer.schemas);
        if (!added.isEmpty()) {
            LOG.info("Delta table {}: added columns {}", path, added);
            snapshot = DeltaTables.snapshot(engine, path);
        }
        Deque<Pending> mine = pending.computeIfAbsent(path, p -> new ArrayDeque<>());
        Optional<Long> committed = snapshot.getLatestTransactionVersion(engine, sink.sinkId());
        mine.removeIf(p -> p.checkpointId != DeltaCommittable.NO_CHECKPOINT && committed.isPresent()
                && p.checkpointId <= committed.get());
        Map<String, DeltaFiles.LiveFile> live = new LinkedHashMap<>();
        DeltaFiles.liveFiles(engine, snapshot).forEach(f -> live.put(f.path(), f));
        for (Pending p : mine) {
            p.removed.forEach(live::remove);
            p.added.forEach(f -> live.put(f.path(), f));
        }
        CopyOnWrite.Result result = CopyOnWrite.apply(engine, snapshot, new ArrayList<>(live.values()),
                buffer.changes, buffer.created, sink.smallFileBytes(), System.currentTimeMillis());
        mine.add(new Pending(result.removed, result.added));
        filesRewritten.inc(result.filesRewritten);
        filesWritten.inc(result.added.size());
        LOG.info("Delta table {}: {} changes ({} new keys); read {} of {} files, rewrote {} ({} rows kept), wrote {}",
                path, buffer.changes.size(), buffer.created.size(), result.filesRead, live.size(),
                result.filesRewritten, result.rowsKept, result.added.size());
        List<String> actions = new ArrayList<>(result.actions.size());
        result.actions.forEach(a -> actions.add(ActionJson.toJson(a)));
        return new DeltaCommittable(path, DeltaCommittable.NO_CHECKPOINT, actions, result.filesRewritten,
                buffer.changes.size());
    }

    /** Refuses a table another sink writes: two writers on one Delta table on S3 can lose commits. */
    private void checkOwner(Snapshot snapshot) {
        String owner = snapshot.getTableProperties().get(DeltaTables.WRITER_PROPERTY);
        if (!sink.sinkId().equals(owner)) {
            throw new IllegalStateException("Delta table " + snapshot.getPath() + " is written by "
                    + (owner == null ? "another program (it has no " + DeltaTables.WRITER_PROPERTY + " property)"
                            : "the changelake sink '" + owner + "'")
                    + ", not by this sink '" + sink.sinkId() + "'. Delta's S3 log store assumes one writer per table, "
                    + "and two would lose commits: stop the other writer, or point this pipeline at another table "
                    + "location (lake.delta.location)");
        }
    }

    @Override
    public List<Long> snapshotState(long checkpointId) {
        // Called right after prepareCommit for the same checkpoint: the committables just prepared belong to it.
        for (Deque<Pending> table : pending.values()) {
            for (Pending p : table) {
                if (p.checkpointId == DeltaCommittable.NO_CHECKPOINT) {
                    p.checkpointId = checkpointId;
                }
            }
        }
        return List.of();
    }

    @Override
    public void close() {
    }

    /** One table's changes since the last checkpoint. */
    private static final class TableBuffer {
        final DeltaSink.Target target;
        /** Every schema the changes came with, for the columns to add; the newest creates the table. */
        final Set<TableSchema> schemas = new HashSet<>();
        TableSchema newest;
        final Map<List<Object>, Map<String, Object>> changes = new LinkedHashMap<>();
        /** Keys whose first change here is an insert the collapse knows is new (Op.CREATE): nothing to replace. */
        final Set<List<Object>> created = new HashSet<>();
        private List<String> primaryKey;

        TableBuffer(DeltaSink.Target target) {
            this.target = target;
        }

        void add(ChangeRecord change) {
            TableSchema schema = change.schema();
            if (!schema.hasPrimaryKey()) {
                throw new IllegalArgumentException("table " + schema.table() + " has no primary key; the Delta sink "
                        + "upserts by key (tables without one are mirrored to Iceberg only)");
            }
            schemas.add(schema);
            newest = schema;
            if (primaryKey == null) {
                primaryKey = schema.primaryKey();
            }
            List<Object> key = DeltaFiles.keyOf(change.key(), primaryKey);
            boolean first = !changes.containsKey(key);
            changes.put(key, change.op() == Op.DELETE ? null : change.after());
            if (first && change.op() == Op.CREATE) {
                created.add(key);
            }
        }
    }

    /** A committable this writer prepared whose commit the table does not show yet. */
    private static final class Pending {
        long checkpointId = DeltaCommittable.NO_CHECKPOINT;
        final Set<String> removed;
        final List<DeltaFiles.LiveFile> added;

        Pending(Set<String> removed, List<DeltaFiles.LiveFile> added) {
            this.removed = removed;
            this.added = added;
        }
    }
}
