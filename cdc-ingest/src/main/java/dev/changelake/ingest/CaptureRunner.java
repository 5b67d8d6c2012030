package dev.changelake.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the capture on a Kafka Connect worker, as MSK Connect does: registers the generated Debezium connector and
 * waits until it and its task run. Offsets and schema history live with the worker and in Kafka, so stopping and
 * starting the capture resumes where it was, without a new snapshot.
 */
public final class CaptureRunner {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureRunner.class);

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
        Map<String, String> config = new LinkedHashMap<>(DebeziumConnectorConfig.render(options));
        try {
            config.putAll(SnapshotOverrides.forSource(options.jdbcUrl(), options.user, options.password,
                    options.databases));
        } catch (SQLException e) {
            throw new IOException("cannot read the tables of " + options.databases + " from " + options.jdbcUrl()
                    + " for the snapshot's FLOAT columns: " + e.getMessage(), e);
        }
        LOG.info("registering Debezium connector {} ({})", options.connectorName(), config.get("connector.class"));
        connect.putConfig(options.connectorName(), config);
        awaitRunning(timeout);
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
                        throw new IOException("Debezium connector " + options.connectorName() + " failed: "
                                + task.path("trace").asText(status.path("connector").path("trace").asText()));
                    }
                    if ("RUNNING".equals(connector) && "RUNNING".equals(taskState)) {
                        return;
                    }
                    last = connector + "/" + taskState;
                } else {
                    last = connector + ", no task yet";
                }
            }
            try {
                Thread.sleep(200); // polling the worker's REST API; nothing to wait on locally
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for connector " + options.connectorName(), e);
            }
        }
        throw new IOException("Debezium connector " + options.connectorName() + " did not start within " + timeout
                + " (last state: " + last + ")");
    }
}
