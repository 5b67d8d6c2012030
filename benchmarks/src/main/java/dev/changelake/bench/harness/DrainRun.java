package dev.changelake.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.changelake.deploy.local.LocalFlinkCluster;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.clients.admin.Admin;

/**
 * One contender draining the whole pre-loaded topic, from job submission to the lake commit that covers the topic's
 * last offset (for C1, which writes nothing, to the moment its source has emitted the last record). Samples the source's record count every second for the
 * throughput curve, and keeps Flink's checkpoint history.
 */
final class DrainRun {
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);

    /** What one run measured. */
    static final class Result {
        final String contender;
        final int pair;
        final long startMillis;
        final long endMillis;
        final long envelopes;
        /** (millis since start, source records so far) */
        final List<long[]> samples;
        /** Flink's checkpoint history entries of the run, oldest first */
        final List<JsonNode> checkpoints;
        final long failedCheckpoints;
        final long restarts;
        /** rows in data files + rows in delete files, summed over the run's snapshots; -1 without a lake table */
        final long rowsWritten;
        final long snapshots;
        final Optional<TableIdentifier> lakeTable;
        /** For a Delta run: its table's path, and the files each of its commits removed (rewrote), in commit order. */
        Optional<String> deltaTable = Optional.empty();
        List<Integer> filesRewrittenPerCommit = List.of();

        Result(String contender, int pair, long startMillis, long endMillis, long envelopes, List<long[]> samples,
                List<JsonNode> checkpoints, long failedCheckpoints, long restarts, long rowsWritten, long snapshots,
                Optional<TableIdentifier> lakeTable) {
            this.contender = contender;
            this.pair = pair;
            this.startMillis = startMillis;
            this.endMillis = endMillis;
            this.envelopes = envelopes;
            this.samples = samples;
            this.checkpoints = checkpoints;
            this.failedCheckpoints = failedCheckpoints;
            this.restarts = restarts;
            this.rowsWritten = rowsWritten;
            this.snapshots = snapshots;
            this.lakeTable = lakeTable;
        }

        double seconds() {
            return (endMillis - startMillis) / 1000.0;
        }

        double eventsPerSecond() {
            return envelopes / seconds();
        }
    }

    private final LocalFlinkCluster flink;
    private final FlinkRest rest;
    private final Admin admin;
    private final Catalog catalog;
    private final Contender.Setup setup;
    private final PrintStream log;
    private final Duration timeout;

    DrainRun(LocalFlinkCluster flink, Admin admin, Catalog catalog, Contender.Setup setup, PrintStream log, Duration timeout) {
        this.flink = flink;
        this.rest = new FlinkRest(flink.webUrl());
        this.admin = admin;
        this.catalog = catalog;
        this.setup = setup;
        this.log = log;
        this.timeout = timeout;
    }

    Result run(Contender contender, int pair, long envelopes) throws Exception {
        String run = contender.run(pair);
        long end = W1Topics.endOffsets(admin, contender.topic);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        contender.build(env, setup, pair);
        long start = System.currentTimeMillis();
        JobID job = flink.submit(env, "bench-" + run, Optional.empty());
        List<long[]> samples = new ArrayList<>();
        long deadline = start + timeout.toMillis();
        log.printf("  %-9s pair %d: job %s started%n", contender.name, pair, job);

        long endMillis;
        long rowsWritten = -1;
        long snapshots = 0;
        List<DeltaCommits.Commit> deltaCommits = null;
        Optional<String> deltaTable = contender.deltaTable(setup, pair);
        if (deltaTable.isPresent()) {
            // As for Iceberg below, then the newest Delta commit of an earlier checkpoint (the log records each
            // commit's checkpoint id).
            JsonNode later = awaitCheckpointAfterDrain(job, start, samples, deadline, run, contender.topic, end);
            long upTo = later.path("id").asLong() - 1;
            deltaCommits = DeltaCommits.read(setup.deltaHadoopConf(), deltaTable.get(), contender.deltaAppId(pair));
            DeltaCommits.Commit last = null;
            rowsWritten = 0;
            for (DeltaCommits.Commit c : deltaCommits) {
                if (c.checkpointId >= 0 && c.checkpointId <= upTo) {
                    last = c;
                }
                rowsWritten += c.rowsAdded;
                snapshots++;
            }
            if (last == null) {
                throw new IllegalStateException(contender.name + " committed nothing to " + deltaTable.get());
            }
            endMillis = last.timestampMillis;
        } else if (contender.lakeTable(pair).isEmpty()) {
            // C1 writes nothing: it is done when its source has emitted every record (tombstones included)
            while (samples.isEmpty() || samples.get(samples.size() - 1)[1] < end) {
                sample(job, start, samples, deadline);
            }
            endMillis = start + samples.get(samples.size() - 1)[0];
        } else {
            JsonNode later = awaitCheckpointAfterDrain(job, start, samples, deadline, run, contender.topic, end);
            // the lake commit that holds the last record: the newest one of an earlier checkpoint
            TableIdentifier id = contender.lakeTable(pair).get();
            Table table = catalog.loadTable(id);
            Snapshot commit = lastCommitUpTo(table, later.path("id").asLong() - 1);
            if (commit == null) {
                throw new IllegalStateException(contender.name + " committed nothing to " + id);
            }
            endMillis = commit.timestampMillis();
            rowsWritten = 0;
            for (Snapshot s : table.snapshots()) {
                rowsWritten += summary(s, "added-records") + summary(s, "added-equality-deletes")
                        + summary(s, "added-position-deletes");
                snapshots++;
            }
        }
        sample(job, start, samples, Long.MAX_VALUE);

        JsonNode stats = rest.checkpoints(job);
        List<JsonNode> history = new ArrayList<>();
        stats.path("history").forEach(history::add);
        history.sort(java.util.Comparator.comparingLong(c -> c.path("id").asLong()));
        long restarts = rest.restarts(job);
        flink.cancel(job);
        Result r = new Result(contender.name, pair, start, endMillis, envelopes, samples, history,
                stats.path("counts").path("failed").asLong(), restarts, rowsWritten, snapshots, contender.lakeTable(pair));
        if (deltaCommits != null) {
            r.deltaTable = deltaTable;
            List<Integer> rewritten = new ArrayList<>();
            deltaCommits.stream().filter(c -> c.checkpointId >= 0).forEach(c -> rewritten.add(c.filesRemoved));
            r.filesRewrittenPerCommit = rewritten;
            log.printf("  %-9s pair %d: files rewritten per Delta commit %s%n", contender.name, pair, rewritten);
        }
        log.printf("  %-9s pair %d: %,d events in %.1f s = %,.0f events/s; %d checkpoints (%d failed), %d restarts%s%n",
                contender.name, pair, envelopes, r.seconds(), r.eventsPerSecond(), history.size(), r.failedCheckpoints,
                restarts, rowsWritten < 0 ? "" : String.format(", %,d lake rows written in %d snapshots", rowsWritten, snapshots));
        return r;
    }

    /**
     * 1. Until the group has committed the topic's end: a checkpoint after the last record has completed. 2. Until a
     * checkpoint triggered after that completes: every lake commit before it is then done, and it commits nothing
     * new. (Flink's REST statistics can lag a few seconds; triggers after that moment cannot be stale.) Returns that
     * checkpoint's statistics.
     */
    private JsonNode awaitCheckpointAfterDrain(JobID job, long start, List<long[]> samples, long deadline, String run,
            String topic, long end) throws Exception {
        while (W1Topics.committedOffsets(admin, run, topic) < end) {
            sample(job, start, samples, deadline);
        }
        long seen = System.currentTimeMillis();
        JsonNode later;
        while ((later = rest.checkpoints(job).path("latest").path("completed")).path("trigger_timestamp").asLong() <= seen) {
            sample(job, start, samples, deadline);
        }
        return later;
    }

    /** The newest snapshot a Flink job committed for checkpoint {@code checkpoint} or an earlier one, or null. */
    static Snapshot lastCommitUpTo(Table table, long checkpoint) {
        Snapshot last = null;
        for (Snapshot s : table.snapshots()) {
            String committed = s.summary().get("flink.max-committed-checkpoint-id");
            if (committed != null && Long.parseLong(committed) <= checkpoint
                    && (last == null || s.sequenceNumber() > last.sequenceNumber())) {
                last = s;
            }
        }
        return last;
    }

    private static long summary(Snapshot s, String key) {
        String v = s.summary().get(key);
        return v == null ? 0 : Long.parseLong(v);
    }

    /** One throughput sample, then a second's pause; fails the run when the job fails or the time is up. */
    private void sample(JobID job, long start, List<long[]> samples, long deadline) throws Exception {
        JobStatus status = flink.status(job);
        if (status.isGloballyTerminalState()) {
            throw new IllegalStateException("job " + job + " ended " + status + " before it drained the topic; see the log");
        }
        if (System.currentTimeMillis() > deadline) {
            flink.cancel(job);
            throw new TimeoutException("job " + job + " did not drain the topic in " + timeout);
        }
        OptionalLong records = rest.sourceRecords(job);
        if (records.isPresent()) {
            samples.add(new long[] {System.currentTimeMillis() - start, records.getAsLong()});
        }
        LockSupport.parkNanos(SAMPLE_EVERY.toNanos());
    }
}
