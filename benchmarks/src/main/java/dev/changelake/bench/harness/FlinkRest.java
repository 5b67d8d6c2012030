package dev.changelake.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobID;

/** What the benchmark reads from Flink's REST API: the source's record count and the checkpoint history. */
final class FlinkRest {
    /** The source operator's own output counter, whatever the job calls its source (ours, the SQL planner's). */
    private static final Pattern SOURCE_RECORDS_OUT = Pattern.compile("^Source__.*\\.numRecordsOut$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    /** job -> "vertexId metricId" of its source counter, found once */
    private final Map<JobID, String[]> sourceCounter = new HashMap<>();

    FlinkRest(String base) {
        this.base = base;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + base + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Records the job's source has emitted so far, summed over its subtasks; empty until Flink reports it. */
    OptionalLong sourceRecords(JobID job) throws IOException, InterruptedException {
        String[] counter = sourceCounter.get(job);
        if (counter == null) {
            counter = findSourceCounter(job);
            if (counter == null) {
                return OptionalLong.empty();
            }
            sourceCounter.put(job, counter);
        }
        JsonNode v = get("/jobs/" + job + "/vertices/" + counter[0] + "/subtasks/metrics?agg=sum&get=" + counter[1]);
        return v.size() == 0 ? OptionalLong.empty() : OptionalLong.of(v.path(0).path("sum").asLong());
    }

    private String[] findSourceCounter(JobID job) throws IOException, InterruptedException {
        for (JsonNode vertex : get("/jobs/" + job).path("vertices")) {
            String vertexId = vertex.path("id").asText();
            for (JsonNode m : get("/jobs/" + job + "/vertices/" + vertexId + "/subtasks/metrics")) {
                String id = m.path("id").asText();
                if (SOURCE_RECORDS_OUT.matcher(id).matches()) {
                    return new String[] {vertexId, id};
                }
            }
        }
        return null; // metrics not fetched yet
    }

    /** The largest value over operators and subtasks of metric {@code name} (a histogram's {@code _p99}, say). */
    OptionalLong operatorMetricMax(JobID job, String name) throws IOException, InterruptedException {
        OptionalLong max = OptionalLong.empty();
        for (JsonNode vertex : get("/jobs/" + job).path("vertices")) {
            String url = "/jobs/" + job + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
            for (JsonNode m : get(url)) {
                String id = m.path("id").asText();
                if (id.endsWith("." + name)) {
                    long v = (long) get(url + "?agg=max&get=" + id).path(0).path("max").asDouble();
                    max = OptionalLong.of(Math.max(v, max.orElse(Long.MIN_VALUE)));
                }
            }
        }
        return max;
    }

    /** The job-level {@code numRestarts}. */
    long restarts(JobID job) throws IOException, InterruptedException {
        JsonNode v = get("/jobs/" + job + "/metrics?get=numRestarts");
        return v.size() == 0 ? 0 : v.path(0).path("value").asLong();
    }

    /** Flink's checkpoint statistics of the job: counts, latest, and the history (as long as the cluster keeps). */
    JsonNode checkpoints(JobID job) throws IOException, InterruptedException {
        return get("/jobs/" + job + "/checkpoints");
    }
}
