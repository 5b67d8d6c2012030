package dev.changelake.deploy.local;

import dev.changelake.ingest.CaptureOptions;
import dev.changelake.ingest.CaptureRunner;
import dev.changelake.jobs.changelog.ChangelogJob;
import dev.changelake.jobs.changelog.ChangelogJobOptions;
import dev.changelake.jobs.changelog.TableResolver;
import dev.changelake.jobs.clean.CleaningRules;
import dev.changelake.jobs.clean.CleaningTransform;
import dev.changelake.lake.verify.RowTransform;
import dev.changelake.lake.catalog.CatalogOptions;
import dev.changelake.lake.catalog.LakeCatalogs;
import dev.changelake.jobs.changelog.LakeFormat;
import dev.changelake.lake.verify.MirrorVerifier;
import dev.changelake.lake.verify.VerifyReport;
import dev.changelake.schema.ChangeDecoder;
import dev.changelake.schema.ChangeDecoders;
import dev.changelake.schema.Encoding;
import dev.changelake.schema.format.debezium.DebeziumJsonDecoder;
import dev.changelake.schema.format.debezium.InformationSchemaFields;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The whole mirror on the local stack: Debezium capture on the Connect worker, the ChangelogJob on a mini-cluster,
 * progress from Kafka offsets, and the final comparison. Shared by {@code changelake local} and the end-to-end tests.
 */
public final class LocalMirror implements AutoCloseable {
    private final LocalStack stack;
    private final LocalFlinkCluster flink;
    private final String database;
    private final CaptureOptions capture;
    private ChangelogJobOptions jobOptions;
    private final Encoding encoding;
    private final ChangeDecoder decoder;
    private final AdminClient admin;
    private Map<TableId, TableSchema> tables = Map.of();
    private JobID job;
    private String lastRestore;

    /** A mirror whose capture writes JSON. */
    public LocalMirror(LocalStack stack, LocalFlinkCluster flink, String database, Duration checkpointInterval, int parallelism)
            throws IOException {
        this(stack, flink, database, checkpointInterval, parallelism, Encoding.JSON);
    }

    /**
     * A mirror whose capture writes {@code encoding}; for AVRO the capture's converter keeps the writer schemas in
     * {@code <work dir>/schemas}, which the job reads.
     */
    public LocalMirror(LocalStack stack, LocalFlinkCluster flink, String database, Duration checkpointInterval, int parallelism,
            Encoding encoding) throws IOException {
        this.stack = stack;
        this.flink = flink;
        this.database = database;
        this.encoding = encoding;
        // The Connect worker runs on this machine, so both sides reach the store through the same path.
        URI schemaStore = encoding == Encoding.AVRO
                ? Files.createDirectories(stack.workDir().resolve("schemas")).toAbsolutePath().toUri() : null;
        this.decoder = encoding == Encoding.JSON_WITHOUT_SCHEMAS ? null : ChangeDecoders.forEncoding(encoding, schemaStore);
        this.capture = CaptureOptions.builder()
                .encoding(encoding).avroSchemaStore(schemaStore)
                .flavour(CaptureOptions.Flavour.MARIADB)
                .hostname(stack.mariaDb().host()).port(stack.mariaDb().port())
                .user(LocalStack.CAPTURE_USER).password(LocalStack.CAPTURE_PASSWORD)
                .databases(List.of(database)).topicPrefix("changelake")
                .kafkaBootstrapServers(stack.kafka().bootstrapServers()).topicPartitions(2)
                // The binlog client notices a lost connection (a restarted MariaDB) only at its keep-alive check:
                // every 5 s here instead of Debezium's default minute.
                .connectorProperties(Map.of("connect.keep.alive.interval.ms", "5000")).build();
        Path lakeDir = Files.createDirectories(stack.workDir().resolve("lake"));
        CatalogOptions catalog = CatalogOptions.sqliteOnS3("lake", lakeDir.resolve("catalog.db").toString(),
                "s3://" + LocalStack.BUCKET + "/warehouse", stack.s3().endpoint(), stack.s3().accessKey(),
                stack.s3().secretKey(), stack.s3().region());
        this.jobOptions = ChangelogJobOptions.builder()
                .bootstrapServers(stack.kafka().bootstrapServers())
                .topicPrefix(capture.topicPrefix())
                .databases(List.of(database))
                .catalog(catalog)
                .checkpointInterval(checkpointInterval)
                .checkpointDir(Files.createDirectories(stack.workDir().resolve("checkpoints")).toUri().toString())
                .parallelism(parallelism)
                .build();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        this.admin = AdminClient.create(p);
    }

    /**
     * The job's decoder; for records captured without embedded schemas, one that knows the columns of every table in
     * the database now (read from information_schema, as the job does at each start).
     */
    private ChangeDecoder decoder() {
        if (decoder != null) {
            return decoder;
        }
        try (Connection db = DriverManager.getConnection(stack.mariaDb().jdbcUrl(database), stack.mariaDb().rootUser(),
                stack.mariaDb().rootPassword())) {
            return new DebeziumJsonDecoder(InformationSchemaFields.read(db, List.of(database), List.of()));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the columns of " + database + " from information_schema", e);
        }
    }

    public CaptureOptions captureOptions() {
        return capture;
    }

    public ChangelogJobOptions jobOptions() {
        return jobOptions;
    }

    /** Changes the job's options (tables, rules, intervals); takes effect at the next {@link #startJob}. */
    public LocalMirror configure(java.util.function.UnaryOperator<ChangelogJobOptions.Builder> change) {
        jobOptions = change.apply(jobOptions.toBuilder()).build();
        return this;
    }

    /** Sets the rule for tables without primary key (default: refuse); call before {@link #awaitTables}. */
    public LocalMirror tablesWithoutPrimaryKey(ChangelogJobOptions.TablesWithoutPrimaryKey rule) {
        jobOptions = jobOptions.toBuilder().tablesWithoutPrimaryKey(rule).build();
        return this;
    }

    /** How the capture writes change records, and so how the job decodes them. */
    public Encoding encoding() {
        return encoding;
    }

    /** Registers the Debezium connector on the local Connect worker and waits for it to run. */
    public void startCapture() throws IOException {
        new CaptureRunner(stack.kafka().connectUrl(), capture).start(Duration.ofMinutes(2));
    }

    /** Restarts the Debezium connector and its task on the worker and waits for them to run again. */
    public void restartCapture() throws IOException {
        new CaptureRunner(stack.kafka().connectUrl(), capture).restart(Duration.ofMinutes(2));
    }

    /** Resolves the tables from the change topics until {@code ready} accepts them or the timeout passes. */
    public Map<TableId, TableSchema> awaitTables(Predicate<Set<TableId>> ready, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        TableResolver resolver = new TableResolver(jobOptions, decoder());
        Map<TableId, TableSchema> found = resolver.resolve();
        while (!ready.test(found.keySet()) && Instant.now().isBefore(deadline)) {
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos()); // topics appear as Debezium writes them
            found = resolver.resolve();
        }
        if (!ready.test(found.keySet())) {
            throw new IllegalStateException("change topics for " + database + " did not appear within " + timeout
                    + "; found tables " + found.keySet());
        }
        return found;
    }

    /** Starts the ChangelogJob for {@code tables}, restored from the last checkpoint of the previous run if any. */
    public void startJob(Map<TableId, TableSchema> tables, boolean restore) throws Exception {
        Optional<String> checkpoint = restore && job != null
                ? LocalFlinkCluster.latestCheckpoint(jobOptions.checkpointDir(), job) : Optional.empty();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ChangelogJob.build(env, jobOptions, decoder(), tables);
        this.tables = Map.copyOf(tables);
        this.job = flink.submit(env, "changelake-changelog", checkpoint);
        lastRestore = checkpoint.orElse(null);
    }

    /** The checkpoint the running job was restored from, or null for a fresh start. */
    public String lastRestore() {
        return lastRestore;
    }

    /** Cancels the job (its checkpoints are retained) and starts it again from the newest one. */
    public void restartJobFromLastCheckpoint() throws Exception {
        restartJob(tables);
    }

    /** Cancels the job and starts it again from its newest checkpoint with {@code newTables}. */
    public void restartJob(Map<TableId, TableSchema> newTables) throws Exception {
        flink.cancel(job);
        startJob(newTables, true);
    }

    /** True when the job has a completed checkpoint to restore from. */
    public boolean hasCheckpoint() {
        return job != null && LocalFlinkCluster.latestCheckpoint(jobOptions.checkpointDir(), job).isPresent();
    }

    public Set<TableId> tables() {
        return tables.keySet();
    }

    public JobID job() {
        return job;
    }

    /** Changes in the change topics, changes committed by the job (offsets committed on checkpoint), and the lag. */
    public Progress progress() throws Exception {
        Set<String> topics = tables.keySet().stream().map(jobOptions::topicOf).collect(Collectors.toSet());
        if (topics.isEmpty()) {
            return new Progress(0, 0);
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((name, d) ->
                d.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(request).all().get();
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(jobOptions.groupId()).partitionsToOffsetAndMetadata().get();
        long captured = end.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        long done = 0;
        for (TopicPartition tp : end.keySet()) {
            OffsetAndMetadata o = committed.get(tp);
            done += o == null ? 0 : o.offset();
        }
        return new Progress(captured, done);
    }

    /**
     * Waits until the job has committed everything in the change topics and the lake equals the database, or the
     * timeout passes; returns the last comparison either way.
     */
    public VerifyReport awaitMirror(Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        VerifyReport report;
        do {
            Progress p = progress();
            if (p.lag() == 0) {
                report = verify();
                if (report.ok()) {
                    return report;
                }
            }
            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos()); // the next checkpoint commits what is left
        } while (Instant.now().isBefore(deadline));
        return verify();
    }

    /** Compares every mirrored table with its MariaDB table now: its Iceberg table, its Delta table, or both. */
    public VerifyReport verify() throws SQLException, IOException {
        List<MirrorVerifier.Target> targets = new ArrayList<>();
        Map<TableId, RowTransform> transforms = new HashMap<>();
        boolean delta = false;
        for (Map.Entry<TableId, TableSchema> t : new java.util.TreeMap<>(tables).entrySet()) {
            LakeFormat format = jobOptions.formatOf(t.getKey());
            if (format.iceberg()) {
                targets.add(MirrorVerifier.Target.iceberg(t.getKey(), jobOptions.lakeTableOf(t.getKey())));
            }
            if (format.delta()) {
                targets.add(MirrorVerifier.Target.delta(t.getKey(), jobOptions.deltaPathOf(t.getKey())));
                delta = true;
            }
            CleaningRules rules = jobOptions.optionsFor(t.getKey()).cleaning();
            if (!rules.isEmpty()) {
                transforms.put(t.getKey(), new CleaningTransform(t.getValue(), rules));
            }
        }
        Catalog catalog = LakeCatalogs.open(jobOptions.catalog());
        try {
            MirrorVerifier verifier = new MirrorVerifier(stack.mariaDb().jdbcUrl(database), stack.mariaDb().rootUser(),
                    stack.mariaDb().rootPassword(), catalog);
            if (delta) {
                verifier.withDelta(jobOptions.delta().engine(jobOptions.catalog()));
            }
            return verifier.verifyTargets(targets, transforms);
        } finally {
            if (catalog instanceof Closeable) {
                ((Closeable) catalog).close();
            }
        }
    }

    @Override
    public void close() throws Exception {
        admin.close(Duration.ofSeconds(5));
        if (job != null) {
            flink.cancel(job);
        }
    }

    /**
     * The per-table metrics of the running job, per table ({@code db.table}) and metric name, as
     * {@link TableMetricsReporter#snapshot()} aggregates them; empty before the job reports any.
     */
    public Map<String, Map<String, Long>> tableMetrics() {
        return TableMetricsReporter.snapshot();
    }

    /**
     * The sum over all subtasks of the job's operator metric whose name ends in {@code name} (e.g. "replaysDropped"),
     * read from the Flink REST API as an operator would; 0 when no operator reports it yet.
     */
    public long metric(String name) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String jobUrl = flink.webUrl() + "/jobs/" + job.toHexString();
        long sum = 0;
        for (JsonNode vertex : get(http, jobUrl).path("vertices")) {
            String metricsUrl = jobUrl + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
            for (JsonNode m : get(http, metricsUrl)) {
                String id = m.path("id").asText();
                if (id.endsWith("." + name)) {
                    JsonNode value = get(http, metricsUrl + "?agg=sum&get=" + id);
                    sum += value.path(0).path("sum").asLong();
                }
            }
        }
        return sum;
    }

    private static JsonNode get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + url + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static final ObjectMapper JSON = new ObjectMapper();


    /** Offsets: changes Debezium has written, and changes the job has committed to the lake. */
    public static final class Progress {
        public final long captured;
        public final long committed;

        Progress(long captured, long committed) {
            this.captured = captured;
            this.committed = committed;
        }

        public long lag() {
            return Math.max(0, captured - committed);
        }
    }
}
