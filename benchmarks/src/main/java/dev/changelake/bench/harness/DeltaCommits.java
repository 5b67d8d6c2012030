package dev.changelake.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A Delta table's commits as its {@code _delta_log} holds them: what a run committed when, and how much it rewrote.
 * Read from the JSON log itself, so the measure does not depend on the sink's own accounting.
 */
final class DeltaCommits {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One commit: its version, the checkpoint id it records (-1 when none), its time and its files. */
    static final class Commit {
        final long version;
        final long checkpointId;
        final long timestampMillis;
        final int filesAdded;
        final int filesRemoved;
        final long rowsAdded;

        Commit(long version, long checkpointId, long timestampMillis, int filesAdded, int filesRemoved, long rowsAdded) {
            this.version = version;
            this.checkpointId = checkpointId;
            this.timestampMillis = timestampMillis;
            this.filesAdded = filesAdded;
            this.filesRemoved = filesRemoved;
            this.rowsAdded = rowsAdded;
        }
    }

    private DeltaCommits() {
    }

    static List<Commit> read(Map<String, String> hadoopConf, String table, String appId) throws IOException {
        Configuration conf = new Configuration();
        hadoopConf.forEach(conf::set);
        Path log = new Path(table + "/_delta_log");
        FileSystem fs = log.getFileSystem(conf);
        List<Commit> commits = new ArrayList<>();
        for (FileStatus f : fs.listStatus(log)) {
            String name = f.getPath().getName();
            if (!name.matches("\\d{20}\\.json")) {
                continue;
            }
            long checkpoint = -1;
            long timestamp = f.getModificationTime();
            int added = 0;
            int removed = 0;
            long rows = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(f.getPath()), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    JsonNode action = JSON.readTree(line);
                    if (action.has("txn") && appId.equals(action.path("txn").path("appId").asText())) {
                        checkpoint = action.path("txn").path("version").asLong();
                    } else if (action.has("commitInfo")) {
                        timestamp = action.path("commitInfo").path("timestamp").asLong(timestamp);
                    } else if (action.has("add")) {
                        added++;
                        rows += JSON.readTree(action.path("add").path("stats").asText("{}")).path("numRecords").asLong();
                    } else if (action.has("remove")) {
                        removed++;
                    }
                }
            }
            commits.add(new Commit(Long.parseLong(name.substring(0, 20)), checkpoint, timestamp, added, removed, rows));
        }
        commits.sort(java.util.Comparator.comparingLong(c -> c.version));
        return commits;
    }
}
