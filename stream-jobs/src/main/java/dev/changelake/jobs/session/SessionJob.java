package dev.changelake.jobs.session;

import dev.changelake.jobs.checkpoint.Checkpointing;
import dev.changelake.lake.catalog.LakeCatalogs;
import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.connector.kinesis.source.KinesisStreamsSource;
import org.apache.flink.connector.kinesis.source.config.KinesisStreamsSourceConfigConstants;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Turns an event stream into per-session facts in the lake, exactly once: events from a Kafka topic, a Kinesis stream
 * or a table's change topic → event time with bounded out-of-orderness (and idle partitions ignored) → session windows
 * per key, closed after {@code gap} of inactivity in event time → the configured aggregates, one row per session, in
 * an Iceberg append table partitioned by the session's day. Source positions, open sessions (RocksDB) and Iceberg
 * commits all follow Flink checkpoints, so a restart neither loses nor repeats a session.
 *
 * <p>Why DataStream and not the SQL {@code SESSION} window TVF: the TVF drops events behind the watermark without a
 * trace, and the job must keep them. Here each session is emitted once, when the watermark passes its end plus the
 * allowed lateness ({@link CloseAfterLateness}); an event later than that goes to the late-events table and the
 * {@code lateEvents} metric, and a record that cannot be read goes there too (reason {@code undecodable}).
 */
public final class SessionJob {
    static final OutputTag<SessionEvent> LATE = new OutputTag<>("late-events", TypeInformation.of(SessionEvent.class));

    private SessionJob() {
    }

    /** Adds the job to {@code env}: creates the two lake tables if missing, configures checkpointing, wires the graph. */
    public static void build(StreamExecutionEnvironment env, SessionJobOptions options) {
        SessionTables.createIfMissing(options);
        Checkpointing.configure(env, options.checkpoint(), options.parallelism());

        InternalTypeInfo<RowData> lateType = InternalTypeInfo.of(SessionTables.lateRowType());
        OutputTag<RowData> undecodable = new OutputTag<>("undecodable", lateType);
        SingleOutputStreamOperator<SessionEvent> events = env
                .fromSource(source(options), watermarks(options), sourceName(options), TypeInformation.of(SessionEvent.class))
                .uid("session-events")
                .process(new SetAsideUndecodable(undecodable)).uid("session-decode-check").name("set aside undecodable");

        SingleOutputStreamOperator<RowData> sessions = sessions(events, options);

        TableLoader lake = TableLoader.fromCatalog(LakeCatalogs.loader(options.catalog()), TableIdentifier.parse(options.table()));
        FlinkSink.forRowData(sessions).tableLoader(lake).writeParallelism(options.parallelism())
                .uidPrefix("sessions-table").append();

        DataStream<RowData> late = sessions.getSideOutput(LATE)
                .process(new LateEventRows(options.aggregates())).uid("late-event-rows").name("late events")
                .returns(lateType)
                .union(events.getSideOutput(undecodable));
        TableLoader lateTable = TableLoader.fromCatalog(LakeCatalogs.loader(options.catalog()),
                TableIdentifier.parse(options.lateTable()));
        FlinkSink.forRowData(late).tableLoader(lateTable).writeParallelism(1).uidPrefix("late-events-table").append();
    }

    /**
     * Session windows per key over decoded events, emitted once per session; the late events are the side output
     * {@link #LATE}. State per open session is one accumulator, cleared when the session closes.
     */
    static SingleOutputStreamOperator<RowData> sessions(DataStream<SessionEvent> events, SessionJobOptions options) {
        long lateness = options.allowedLateness().toMillis();
        return events
                .keyBy(e -> e.key, Types.STRING)
                .window(EventTimeSessionWindows.withGap(options.gap()))
                .trigger(new CloseAfterLateness(lateness))
                .allowedLateness(options.allowedLateness())
                .sideOutputLateData(LATE)
                .aggregate(new SessionAggregate(options.aggregates()), new SessionRows(options.aggregates()),
                        TypeInformation.of(SessionAccumulator.class), TypeInformation.of(SessionAccumulator.class),
                        InternalTypeInfo.of(SessionTables.sessionRowType(options.aggregates())))
                .uid("session-windows").name("session windows (gap " + options.gap() + ")");
    }

    static WatermarkStrategy<SessionEvent> watermarks(SessionJobOptions options) {
        long bound = options.maxOutOfOrderness().toMillis();
        WatermarkStrategy<SessionEvent> w = WatermarkStrategy.<SessionEvent>forGenerator(ctx -> new EventTimeWatermarks(bound))
                .withTimestampAssigner((e, recordTimestamp) -> e.time);
        // An idle partition or shard would otherwise hold every session open until it gets an event again.
        return options.idleness().isZero() ? w : w.withIdleness(options.idleness());
    }

    private static String sourceName(SessionJobOptions options) {
        switch (options.sourceType()) {
            case KINESIS:
                return "kinesis-events";
            case KAFKA:
                return "kafka-events";
            case CHANGELOG:
                return "changelog-events";
            default:
                throw new IllegalStateException("unexpected source type " + options.sourceType());
        }
    }

    private static Source<SessionEvent, ?, ?> source(SessionJobOptions options) {
        EventDecoder decoder = new EventDecoder(options);
        if (options.sourceType() == SessionJobOptions.SourceType.KINESIS) {
            Configuration conf = Configuration.fromMap(options.kinesisProperties());
            if (!conf.contains(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION)) {
                // A first start reads the whole retained stream; a restore continues from the checkpoint anyway.
                conf.set(KinesisStreamsSourceConfigConstants.STREAM_INITIAL_POSITION,
                        KinesisStreamsSourceConfigConstants.InitialPosition.TRIM_HORIZON);
            }
            return KinesisStreamsSource.<SessionEvent>builder()
                    .setStreamArn(options.streamArn())
                    .setSourceConfig(conf)
                    .setDeserializationSchema(new KinesisEvents(decoder))
                    .build();
        }
        var kafka = KafkaSource.<SessionEvent>builder()
                .setBootstrapServers(options.bootstrapServers())
                .setTopics(options.topic())
                .setGroupId(options.groupId())
                // A restore takes offsets from the checkpoint; a first start resumes the group or reads from the start.
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new KafkaEvents(decoder))
                .setProperty("commit.offsets.on.checkpoint", "true");
        options.kafkaProperties().forEach(kafka::setProperty);
        return kafka.build();
    }

    /** Kafka records to events (a changelog's updates and deletes are not events and yield nothing). */
    static final class KafkaEvents implements KafkaRecordDeserializationSchema<SessionEvent> {
        private static final long serialVersionUID = 1L;
        private final EventDecoder decoder;

        KafkaEvents(EventDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SessionEvent> out) throws IOException {
            decoder.decode(record.key(), record.value()).ifPresent(out::collect);
        }

        @Override
        public TypeInformation<SessionEvent> getProducedType() {
            return TypeInformation.of(SessionEvent.class);
        }
    }

    /** Kinesis record data to events. */
    static final class KinesisEvents implements DeserializationSchema<SessionEvent> {
        private static final long serialVersionUID = 1L;
        private final EventDecoder decoder;

        KinesisEvents(EventDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        public SessionEvent deserialize(byte[] message) {
            return decoder.decode(null, message).orElse(null);
        }

        @Override
        public void deserialize(byte[] message, Collector<SessionEvent> out) {
            decoder.decode(null, message).ifPresent(out::collect);
        }

        @Override
        public boolean isEndOfStream(SessionEvent next) {
            return false;
        }

        @Override
        public TypeInformation<SessionEvent> getProducedType() {
            return TypeInformation.of(SessionEvent.class);
        }
    }

    /** Undecodable records to the late-events table's side output, counted in {@code undecodableEvents}. */
    static final class SetAsideUndecodable extends ProcessFunction<SessionEvent, SessionEvent> {
        private static final long serialVersionUID = 1L;
        private final OutputTag<RowData> undecodable;
        private transient Counter counter;

        SetAsideUndecodable(OutputTag<RowData> undecodable) {
            this.undecodable = undecodable;
        }

        @Override
        public void open(Configuration parameters) {
            counter = getRuntimeContext().getMetricGroup().counter("undecodableEvents");
        }

        @Override
        public void processElement(SessionEvent e, Context ctx, Collector<SessionEvent> out) {
            if (e.decoded()) {
                out.collect(e);
            } else {
                counter.inc();
                ctx.output(undecodable, LateEventRows.undecodable(e));
            }
        }
    }

    /** For messages and the local run: how long after its last event a session reaches the lake, at the earliest. */
    public static Duration closeDelay(SessionJobOptions options) {
        return options.gap().plus(options.maxOutOfOrderness()).plus(options.allowedLateness());
    }
}
