package dev.changelake.lake.delta;

import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.TableSchema;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessageTypeInfo;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.hadoop.conf.Configuration;

/**
 * Upserts changes into Delta tables through Delta Kernel, exactly once: a Flink Sink V2 whose writer buffers a
 * checkpoint's changes per table and, at the checkpoint, rewrites the files holding changed keys (copy-on-write,
 * {@link CopyOnWrite}); its committer commits each table's actions in one Delta transaction stamped
 * {@code (sink id, checkpoint id)}, so a replay after a restore finds its commit in the table and skips it.
 *
 * <p>Give the sink a stream keyed by table ({@link #tableKey}): one writer per table, because two writers rewriting
 * the same file would each keep the other's old rows. Tables are created on first sight ({@link Target}) and gain
 * the columns new schemas bring. A table belongs to one sink id ({@link DeltaTables#WRITER_PROPERTY}); a sink finding
 * another's table refuses to write it, because Delta's default S3 log store assumes a single writer.
 */
public final class DeltaSink implements Sink<ChangeRecord>, SupportsCommitter<DeltaCommittable>,
        SupportsWriterState<ChangeRecord, Long>, SupportsPreCommitTopology<DeltaCommittable, DeltaCommittable> {
    private static final long serialVersionUID = 1L;
    /**
     * Test hook, for proving recovery: while this system property (of the JVM running the committer) is a positive
     * number, a commit fails after its files are written and before anything is committed, counting it down.
     */
    public static final String FAIL_BEFORE_COMMIT_PROPERTY = "changelake.test.delta.fail-before-commit";

    /** Where and how one source table is kept in Delta. */
    public static final class Target implements Serializable {
        private static final long serialVersionUID = 1L;
        final String path;
        final List<String> partitionColumns;
        final Map<String, String> properties;

        public Target(String path, List<String> partitionColumns, Map<String, String> properties) {
            this.path = path;
            this.partitionColumns = List.copyOf(partitionColumns);
            this.properties = Map.copyOf(properties);
        }

        public String path() {
            return path;
        }
    }

    /** The target of each table schema. */
    public interface Targets extends Serializable {
        Target of(TableSchema schema);
    }

    private final String sinkId;
    private final Targets targets;
    private final Map<String, String> hadoopConf;
    private final long smallFileBytes;
    private final Duration vacuumRetention;
    private final Duration vacuumInterval;

    /**
     * @param sinkId names this sink in every commit (the transaction app id) and as each table's writer
     * @param hadoopConf Hadoop settings for the tables' file system (S3A endpoint and credentials provider, …)
     * @param smallFileBytes files smaller than this in a partition with changes are folded into its rewrite
     * @param vacuumRetention removed files older than this are deleted by the periodic vacuum
     * @param vacuumInterval how often each table is vacuumed by its committer; zero for never
     */
    public DeltaSink(String sinkId, Targets targets, Map<String, String> hadoopConf, long smallFileBytes,
            Duration vacuumRetention, Duration vacuumInterval) {
        if (sinkId == null || sinkId.isBlank()) {
            throw new IllegalArgumentException("a Delta sink needs a non-empty id");
        }
        this.sinkId = sinkId;
        this.targets = targets;
        this.hadoopConf = Map.copyOf(hadoopConf);
        this.smallFileBytes = smallFileBytes;
        this.vacuumRetention = vacuumRetention;
        this.vacuumInterval = vacuumInterval;
    }

    /** The key to partition the sink's input by: each table's changes to one writer. */
    public static String tableKey(Targets targets, ChangeRecord change) {
        return targets.of(change.schema()).path;
    }

    Configuration hadoopConfiguration() {
        Configuration conf = new Configuration();
        hadoopConf.forEach(conf::set);
        return conf;
    }

    Engine engine() {
        return DefaultEngine.create(hadoopConfiguration());
    }

    String sinkId() {
        return sinkId;
    }

    Targets targets() {
        return targets;
    }

    long smallFileBytes() {
        return smallFileBytes;
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<ChangeRecord> createWriter(InitContext context) {
        throw new UnsupportedOperationException("Flink calls createWriter(WriterInitContext)");
    }

    @Override
    public DeltaWriter createWriter(WriterInitContext context) {
        return new DeltaWriter(this, context.metricGroup());
    }

    @Override
    public StatefulSinkWriter<ChangeRecord, Long> restoreWriter(WriterInitContext context, Collection<Long> state) {
        // No writer state: a checkpoint's changes are all in its committable. What was prepared for a checkpoint
        // that did not complete is replayed from the source.
        return createWriter(context);
    }

    @Override
    public SimpleVersionedSerializer<Long> getWriterStateSerializer() {
        return new NoState();
    }

    @Override
    public Committer<DeltaCommittable> createCommitter(CommitterInitContext context) throws IOException {
        return new DeltaSinkCommitter(this, vacuumRetention, vacuumInterval, context.metricGroup());
    }

    @Override
    public SimpleVersionedSerializer<DeltaCommittable> getCommittableSerializer() {
        return new DeltaCommittable.Serializer();
    }

    @Override
    public SimpleVersionedSerializer<DeltaCommittable> getWriteResultSerializer() {
        return new DeltaCommittable.Serializer();
    }

    /** Stamps each committable with its checkpoint id, which only the sink's messages carry. */
    @Override
    public DataStream<CommittableMessage<DeltaCommittable>> addPreCommitTopology(
            DataStream<CommittableMessage<DeltaCommittable>> committables) {
        return committables
                .map(DeltaSink::stamp)
                .returns(CommittableMessageTypeInfo.of(DeltaCommittable.Serializer::new))
                .setParallelism(committables.getParallelism())
                .uid("delta-stamp-checkpoint")
                .name("delta: stamp checkpoint id");
    }

    private static CommittableMessage<DeltaCommittable> stamp(CommittableMessage<DeltaCommittable> message) {
        if (message instanceof CommittableWithLineage) {
            CommittableWithLineage<DeltaCommittable> c = (CommittableWithLineage<DeltaCommittable>) message;
            return c.map(d -> d.withCheckpointId(c.getCheckpointIdOrEOI()));
        }
        return message;
    }

    private static final class NoState implements SimpleVersionedSerializer<Long> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Long obj) {
            return new byte[0];
        }

        @Override
        public Long deserialize(int version, byte[] serialized) {
            return 0L;
        }
    }
}
