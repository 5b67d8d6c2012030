package dev.changelake.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.changelake.lake.verify.VerifyReport;
import dev.changelake.schema.TableId;
import dev.changelake.schema.TableSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * While the job is behind by more than the backlog threshold, checkpoints come at {@code interval-during-backlog};
 * once it has caught up, at the normal interval again; none times out, and the lake equals the database.
 */
class BacklogCheckpointE2EIT extends PipelineE2E {
    static final TableId BULK = new TableId(DB, "bulk");
    static final int ROWS = 100_000;
    static final Duration NORMAL = Duration.ofSeconds(2);
    static final Duration DURING_BACKLOG = Duration.ofSeconds(8);

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<Long, JsonNode> checkpoints = new TreeMap<>();

    @Test
    void checkpointsComeAtTheBacklogIntervalWhileBehindAndAtTheNormalOneAfter() throws Exception {
        try (Connection db = connect(); LocalMirror mirror = new LocalMirror(stack, flink, DB, NORMAL, 1)) {
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TABLE " + BULK + " (id INT PRIMARY KEY, payload VARCHAR(100))");
                for (int batch = 0; batch < ROWS / 1000; batch++) {
                    StringBuilder insert = new StringBuilder("INSERT INTO " + BULK + " VALUES ");
                    for (int i = 1; i <= 1000; i++) {
                        int id = batch * 1000 + i;
                        insert.append(i > 1 ? "," : "").append('(').append(id).append(",'row ").append(id).append("')");
                    }
                    s.execute(insert.toString());
                }
            }
            mirror.configure(b -> b.databases(List.of()).tables(List.of(BULK))
                    .checkpointIntervalDuringBacklog(DURING_BACKLOG).backlogThresholdRecords(5_000));
            mirror.startCapture();
            Map<TableId, TableSchema> tables = mirror.awaitTables(t -> t.contains(BULK), Duration.ofMinutes(2));
            String topic = mirror.jobOptions().topicOf(BULK);
            await().atMost(Duration.ofMinutes(3)).until(() -> endOffsets(topic) >= ROWS);
            mirror.startJob(tables, false);

            // Flink's REST API keeps the last 10 checkpoints: collect them as they come.
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> collectCheckpoints(mirror) && mirror.progress().lag() == 0);
            long caughtUp = System.currentTimeMillis();
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> collectCheckpoints(mirror) && triggersAfter(caughtUp) >= 5);
            VerifyReport report = mirror.verify();

            assertThat(report.ok()).as(report.details()).isTrue();
            assertThat(checkpoints.values()).as("no checkpoint failed or timed out")
                    .allSatisfy(c -> assertThat(c.path("status").asText()).isIn("COMPLETED", "IN_PROGRESS"));
            List<Long> triggers = new ArrayList<>();
            checkpoints.values().forEach(c -> triggers.add(c.path("trigger_timestamp").asLong()));
            // The first checkpoint may already be scheduled at the normal interval when the source reports its backlog.
            assertThat(gaps(triggers)).as("while behind, checkpoints %s apart", DURING_BACKLOG)
                    .filteredOn(gap -> gap >= DURING_BACKLOG.toMillis() - 1_000).hasSizeGreaterThanOrEqualTo(2);
            List<Long> last = gaps(triggers).subList(gaps(triggers).size() - 4, gaps(triggers).size());
            assertThat(last).as("caught up: the normal interval again")
                    .allSatisfy(gap -> assertThat(gap).isLessThan(DURING_BACKLOG.toMillis() - 2_000));
        }
    }

    private static long endOffsets(String topic) throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", stack.kafka().bootstrapServers());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> request = new java.util.HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().forEach(i ->
                    request.put(new org.apache.kafka.common.TopicPartition(topic, i.partition()),
                            org.apache.kafka.clients.admin.OffsetSpec.latest()));
            return admin.listOffsets(request).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    private long triggersAfter(long millis) {
        return checkpoints.values().stream().filter(c -> c.path("trigger_timestamp").asLong() > millis).count();
    }

    private static List<Long> gaps(List<Long> triggers) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < triggers.size(); i++) {
            gaps.add(triggers.get(i) - triggers.get(i - 1));
        }
        return gaps;
    }

    /** Adds the checkpoints Flink's REST API lists now; always true, to be polled. */
    private boolean collectCheckpoints(LocalMirror mirror) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                flink.webUrl() + "/jobs/" + mirror.job().toHexString() + "/checkpoints")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
            for (JsonNode c : JSON.readTree(r.body()).path("history")) {
                checkpoints.put(c.path("id").asLong(), c);
            }
        }
        return true;
    }
}
