package dev.changelake.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the capture on a Kafka Connect worker, as MSK Connect does: registers the generated Debezium connector and
 * waits until it and its task run. Offsets and schema history live with the worker and in Kafka, so stopping and
 * starting the capture resumes where it was, without a new snapshot.
 */
public final class CaptureRunner {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureRunner.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConnectRestClient connect;
    private final CaptureOptions options;

    public CaptureRunner(String connectUrl, CaptureOptions options) {
        this.connect = new ConnectRestClient(connectUrl);
        this.options = options;
    }

    /**
     * Registers (or updates) the connector and waits for it to run. The configuration is
     * {@link DebeziumConnectorConfig#render} plus the {@link SnapshotOverrides} read from the source now, so the
     * snapshot reads FLOAT columns exactly.
     */
    public void start(Duration timeout) throws IOException {
        connect.putConfig(options.connectorName(), config(Map.of()));
        // Debezium finds a purged position only at its first poll, after the worker already reports the task RUNNING:
        // compare the stored position with the server's binlogs here, so start fails rather than a task later.
        checkStoredPositionIsOnTheServer();
        awaitRunning(timeout);
    }

    private void checkStoredPositionIsOnTheServer() throws IOException {
        String file = null;
        for (JsonNode o : connect.offsets(options.connectorName()).path("offsets")) {
            file = o.path("offset").path("file").asText(null);
        }
        if (file == null) {
            return; // a new connector: it snapshots first
        }
        List<String> binlogs = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(options.jdbcUrl(), options.user, options.password);
             Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW BINARY LOGS")) {
            while (r.next()) {
                binlogs.add(r.getString(1));
            }
        } catch (SQLException e) {
            LOG.warn("cannot list the binlogs of {} to check the capture's stored position {} ({}); Debezium checks it itself",
                    options.jdbcUrl(), file, e.getMessage());
            return;
        }
        if (!binlogs.contains(file)) {
            throw new BinlogPurgedException(options.connectorName(), options.hostname + ":" + options.port,
                    "the stored offset is in " + file + ", the server's binlogs are " + binlogs);
        }
    }

    /**
     * After {@link BinlogPurgedException}: forgets the connector's stored offsets and starts it again at the server's
     * current binlog position, reading the table structures but no rows ({@code snapshot.mode=no_data}). What changed
     * while the capture could not read is then brought in by {@link #requestSnapshot} of the affected tables. Needs a
     * Kafka Connect worker with the offsets API (Kafka 3.6+); on MSK Connect, create the connector anew instead.
     */
    public void restartFromCurrentBinlog(Duration timeout) throws IOException {
        String name = options.connectorName();
        if (connect.status(name) == null) {
            connect.putConfig(name, config(Map.of("snapshot.mode", "no_data")));
            connect.stop(name);
        } else {
            connect.stop(name);
            connect.putConfig(name, config(Map.of("snapshot.mode", "no_data")));
        }
        awaitConnectorState("STOPPED", timeout);
        connect.deleteOffsets(name);
        LOG.info("connector {}: offsets deleted, resuming from the current binlog position", name);
        connect.resume(name);
        awaitRunning(timeout);
    }

    /**
     * Asks the running capture to read the current rows of these tables ({@code <db>.<table>}) again, as an incremental
     * snapshot through the signal table: chunk by chunk while it keeps streaming, each row as a read ({@code op=r})
     * that the job upserts. Rows deleted while the capture could not read stay in the lake: {@code changelake verify}
     * lists them (docs/operations.md).
     */
    public void requestSnapshot(List<String> tables) throws IOException {
        if (options.signalTable == null) {
            throw new IOException("a snapshot of " + tables + " needs Debezium's signal table: set source.signal-table "
                    + "(CaptureOptions.Builder#signalTable) and create the table as docs/operations.md shows");
        }
        ObjectNode data = JSON.createObjectNode().put("type", "incremental");
        tables.forEach(data.putArray("data-collections")::add);
        String sql = "INSERT INTO " + quoted(options.signalTable) + " (id, type, data) VALUES (?, 'execute-snapshot', ?)";
        try (Connection c = DriverManager.getConnection(options.jdbcUrl(), options.user, options.password);
             PreparedStatement insert = c.prepareStatement(sql)) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.setString(2, data.toString());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IOException("cannot write the snapshot signal for " + tables + " into " + options.signalTable
                    + " at " + options.jdbcUrl() + " as " + options.user + ": " + e.getMessage()
                    + " (does the table exist, and may the user insert into it?)", e);
        }
        LOG.info("snapshot of {} requested through {}", tables, options.signalTable);
    }

    private static String quoted(String dbTable) {
        int dot = dbTable.indexOf('.');
        return "`" + dbTable.substring(0, dot) + "`.`" + dbTable.substring(dot + 1) + "`";
    }

    private Map<String, String> config(Map<String, String> overrides) throws IOException {
        Map<String, String> config = new LinkedHashMap<>(DebeziumConnectorConfig.render(options));
        try {
            config.putAll(SnapshotOverrides.forSource(options.jdbcUrl(), options.user, options.password,
                    options.databases));
        } catch (SQLException e) {
            throw new IOException("cannot read the tables of " + options.databases + " from " + options.jdbcUrl()
                    + " for the snapshot's FLOAT columns: " + e.getMessage(), e);
        }
        config.putAll(overrides);
        LOG.info("configuring Debezium connector {} ({})", options.connectorName(), config.get("connector.class"));
        return config;
    }

    /**
     * Restarts the running connector and its task and waits for them to run again. Debezium resumes from the
     * offsets the worker stored last, so changes after them are sent again (the job's dedupe drops them).
     */
    public void restart(Duration timeout) throws IOException {
        LOG.info("restarting Debezium connector {}", options.connectorName());
        connect.restart(options.connectorName());
        awaitRunning(timeout);
    }

    /** Removes the connector from the worker; its offsets stay, so {@link #start} resumes. */
    public void stop() throws IOException {
        connect.delete(options.connectorName());
    }

    /**
     * Debezium's words when its stored position is gone: checked at start ("no longer available on the server"), or
     * the server's error 1236 when the purge overtakes a running capture.
     */
    static boolean isPurgedBinlog(String trace) {
        return trace.contains("is no longer available on the server")
                || trace.contains("Could not find first log file name in binary log index file");
    }

    private static String firstLine(String trace) {
        int end = trace.indexOf('\n');
        return end < 0 ? trace : trace.substring(0, end);
    }

    private void awaitConnectorState(String wanted, Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        String last = "not registered";
        while (Instant.now().isBefore(deadline)) {
            JsonNode status = connect.status(options.connectorName());
            last = status == null ? "not registered" : status.path("connector").path("state").asText();
            if (wanted.equals(last)) {
                return;
            }
            pause();
        }
        throw new IOException("Debezium connector " + options.connectorName() + " did not reach " + wanted
                + " within " + timeout + " (last state: " + last + ")");
    }

    private void pause() throws IOException {
        try {
            Thread.sleep(200); // polling the worker's REST API; nothing to wait on locally
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for connector " + options.connectorName(), e);
        }
    }

    private void awaitRunning(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        String last = "not registered";
        while (Instant.now().isBefore(deadline)) {
            JsonNode status = connect.status(options.connectorName());
            if (status != null) {
                String connector = status.path("connector").path("state").asText();
                JsonNode tasks = status.path("tasks");
                if (tasks.size() > 0) {
                    JsonNode task = tasks.get(0);
                    String taskState = task.path("state").asText();
                    if ("FAILED".equals(taskState) || "FAILED".equals(connector)) {
                        String trace = task.path("trace").asText(status.path("connector").path("trace").asText());
                        if (isPurgedBinlog(trace)) {
                            throw new BinlogPurgedException(options.connectorName(),
                                    options.hostname + ":" + options.port, firstLine(trace));
                        }
                        throw new IOException("Debezium connector " + options.connectorName() + " failed: " + trace);
                    }
                    if ("RUNNING".equals(connector) && "RUNNING".equals(taskState)) {
                        return;
                    }
                    last = connector + "/" + taskState;
                } else {
                    last = connector + ", no task yet";
                }
            }
            pause();
        }
        throw new IOException("Debezium connector " + options.connectorName() + " did not start within " + timeout
                + " (last state: " + last + ")");
    }
}
