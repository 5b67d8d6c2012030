package dev.changelake.lake.delta;

import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkCommitterMetricGroup;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits each table's actions of a completed checkpoint as one Delta transaction with id
 * {@code (sink id, checkpoint id)}; a checkpoint the table already records (a replay after a restore) is skipped.
 * Also vacuums each table it commits to, at most once per vacuum interval.
 */
final class DeltaSinkCommitter implements Committer<DeltaCommittable> {
    private static final Logger LOG = LoggerFactory.getLogger(DeltaSinkCommitter.class);
    private static final String FAIL_BEFORE_COMMIT = DeltaSink.FAIL_BEFORE_COMMIT_PROPERTY;

    private final DeltaSink sink;
    private final Engine engine;
    private final Configuration hadoopConf;
    private final Duration vacuumRetention;
    private final Duration vacuumInterval;
    private final Map<String, Long> lastVacuum = new HashMap<>();
    private final Counter commits;
    private final Counter replaysSkipped;

    DeltaSinkCommitter(DeltaSink sink, Duration vacuumRetention, Duration vacuumInterval,
            SinkCommitterMetricGroup metrics) {
        this.sink = sink;
        this.engine = sink.engine();
        this.hadoopConf = sink.hadoopConfiguration();
        this.vacuumRetention = vacuumRetention;
        this.vacuumInterval = vacuumInterval;
        this.commits = metrics.counter("deltaCommits");
        this.replaysSkipped = metrics.counter("deltaReplaysSkipped");
    }

    @Override
    public void commit(Collection<CommitRequest<DeltaCommittable>> requests) {
        for (CommitRequest<DeltaCommittable> request : requests) {
            DeltaCommittable c = request.getCommittable();
            injectedFailure(c);
            List<Row> actions = ActionJson.parse(engine, c.actions);
            if (c.checkpointId == Long.MAX_VALUE) { // the end of a bounded input
                DeltaCommitter.commitUnversioned(engine, c.tablePath, actions);
                commits.inc();
                continue;
            }
            DeltaCommitter.Outcome outcome = DeltaCommitter.commit(engine, c.tablePath, sink.sinkId(), c.checkpointId,
                    actions);
            if (outcome == DeltaCommitter.Outcome.ALREADY_COMMITTED) {
                LOG.info("Delta table {} already holds checkpoint {} of sink {}: skipped", c.tablePath, c.checkpointId,
                        sink.sinkId());
                replaysSkipped.inc();
                request.signalAlreadyCommitted();
            } else {
                commits.inc();
            }
            vacuumWhenDue(c.tablePath);
        }
    }

    private void vacuumWhenDue(String path) {
        if (vacuumInterval.isZero()) {
            return;
        }
        long now = System.currentTimeMillis();
        Long last = lastVacuum.get(path);
        if (last == null) {
            lastVacuum.put(path, now); // not at start: a restarting job should catch up first
        } else if (now - last >= vacuumInterval.toMillis()) {
            lastVacuum.put(path, now);
            DeltaMaintenance.vacuum(engine, hadoopConf, path, vacuumRetention, now);
        }
    }

    private static void injectedFailure(DeltaCommittable c) {
        String remaining = System.getProperty(FAIL_BEFORE_COMMIT);
        if (remaining != null && Integer.parseInt(remaining) > 0) {
            System.setProperty(FAIL_BEFORE_COMMIT, String.valueOf(Integer.parseInt(remaining) - 1));
            throw new IllegalStateException("injected failure (" + FAIL_BEFORE_COMMIT + ") before committing "
                    + c + ": its files are written, nothing is committed");
        }
    }

    @Override
    public void close() {
    }
}
