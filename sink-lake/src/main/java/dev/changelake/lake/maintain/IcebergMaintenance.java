package dev.changelake.lake.maintain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.ReachableFileUtil;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.actions.RewriteDataFilesActionResult;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.flink.actions.Actions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One maintenance pass over an Iceberg table that the pipeline keeps committing to. Safe beside the running job:
 * <ul>
 *   <li>Compaction rewrites the data files of each partition that has more than one, with every delete applied, into
 *   files of the target size (Iceberg's Flink {@code RewriteDataFilesAction}, a bounded Flink job). The new files
 *   take the sequence number of the snapshot the rewrite started from, so equality deletes the pipeline commits
 *   meanwhile still apply to them and do not conflict with the rewrite; deletes committed before it no longer apply
 *   to anything. A rewrite that loses a race (a position delete against a rewritten file) fails validation, commits
 *   nothing, and is tried again next pass.</li>
 *   <li>Delete files that apply to no live data file (what compaction leaves behind) are removed.</li>
 *   <li>Manifests are rewritten into as few as the target manifest size allows.</li>
 *   <li>Snapshots older than the maximum age are expired beyond the newest {@code retain-last}, but never the newest
 *   snapshot a Flink job committed (with its ancestors up to the table's head): the Flink committer finds the last
 *   checkpoint it committed by walking back from the head to a snapshot with its {@code flink.job-id} and
 *   {@code flink.max-committed-checkpoint-id}, and would commit a restored checkpoint a second time without it.</li>
 *   <li>Files under the table's location that no snapshot or metadata file references and older than the orphan age
 *   are deleted (younger ones may belong to a checkpoint being written).</li>
 * </ul>
 * Old metadata files are deleted by Iceberg itself at each commit ({@code write.metadata.delete-after-commit.enabled},
 * set here on tables that lack it).
 */
public final class IcebergMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(IcebergMaintenance.class);

    /** Summary keys of the Flink committers (FlinkSink's and the dynamic sink's). */
    static final String FLINK_JOB_ID = "flink.job-id";
    static final String FLINK_OPERATOR_ID = "flink.operator-id";
    static final String FLINK_MAX_COMMITTED_CHECKPOINT_ID = "flink.max-committed-checkpoint-id";

    private IcebergMaintenance() {
    }

    /** What a pass did to one table. */
    public static final class Result {
        public int dataFilesRewritten;
        public int dataFilesWritten;
        /** Why compaction committed nothing this pass (it is tried again next pass), or null. */
        public String compactionSkipped;
        public int deleteFilesRemoved;
        public int manifestsBefore;
        public int manifestsAfter;
        public int snapshotsExpired;
        public int orphansDeleted;

        @Override
        public String toString() {
            return "compacted " + dataFilesRewritten + " data files into " + dataFilesWritten
                    + (compactionSkipped == null ? "" : " (compaction skipped: " + compactionSkipped + ")")
                    + ", removed " + deleteFilesRemoved + " delete files, manifests " + manifestsBefore + " -> "
                    + manifestsAfter + ", expired " + snapshotsExpired + " snapshots, deleted " + orphansDeleted
                    + " orphan files";
        }
    }

    /**
     * Runs every step {@code options} turns on, in order: compaction (on an environment from {@code flink}), removal
     * of delete files nothing needs, manifest rewrite, snapshot expiry, orphan removal.
     */
    public static Result maintain(Table table, MaintenanceOptions options, Supplier<StreamExecutionEnvironment> flink,
            long nowMillis) {
        Result r = new Result();
        ensureMetadataCleanup(table);
        if (table.currentSnapshot() == null) {
            return r;
        }
        if (options.compact()) {
            compact(table, flink.get(), options.targetFileBytes(), r);
            table.refresh();
            r.deleteFilesRemoved = removeDanglingDeletes(table);
        }
        table.refresh();
        r.manifestsBefore = table.currentSnapshot().allManifests(table.io()).size();
        if (options.rewriteManifests()) {
            rewriteManifests(table);
            table.refresh();
        }
        r.manifestsAfter = table.currentSnapshot().allManifests(table.io()).size();
        r.snapshotsExpired = expireSnapshots(table, options.snapshotMaxAge(), options.retainLast(), nowMillis);
        table.refresh();
        r.orphansDeleted = deleteOrphanFiles(table, options.orphanMinAge(), nowMillis);
        LOG.info("maintenance of {}: {}", table.name(), r);
        return r;
    }

    /** Sets Iceberg's own cleanup of old metadata files on a table created without it (tables we create have it). */
    static void ensureMetadataCleanup(Table table) {
        Map<String, String> p = table.properties();
        if (!"true".equals(p.get(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED))) {
            UpdateProperties update = table.updateProperties()
                    .set(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
            if (!p.containsKey(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX)) {
                update.set(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "20");
            }
            update.commit();
        }
    }

    static void compact(Table table, StreamExecutionEnvironment env, long targetFileBytes, Result r) {
        try {
            RewriteDataFilesActionResult result = Actions.forTable(env, table).rewriteDataFiles()
                    .targetSizeInBytes(targetFileBytes)
                    // Bins are filled by bytes. With the default open cost (4 MiB per data file and per delete file
                    // applied to it), a small file with dozens of deletes weighs a whole bin and is left alone.
                    .splitOpenFileCost(1)
                    // Concurrent upserts' equality deletes keep applying to the new files, and do not fail the commit.
                    .useStartingSequenceNumber(true)
                    .execute();
            r.dataFilesRewritten = result.deletedDataFiles().size();
            r.dataFilesWritten = result.addedDataFiles().size();
        } catch (ValidationException | CommitFailedException e) {
            // A concurrent commit touched a rewritten file: nothing was committed, the new files were cleaned up.
            r.compactionSkipped = e.getMessage();
            LOG.warn("compaction of {} lost a race with a concurrent commit and is retried next pass: {}", table.name(),
                    e.getMessage());
        }
    }

    /**
     * Removes the live delete files that the scan planner attaches to no live data file (after compaction, those
     * committed before it): Iceberg decides which deletes apply to which file by partition, sequence number and
     * referenced path, so a delete file it attaches to nothing can change no row. Data files committed later never
     * see older deletes, so this stays true while the pipeline commits. Returns how many were removed.
     */
    static int removeDanglingDeletes(Table table) {
        Snapshot head = table.currentSnapshot();
        if (head == null || head.deleteManifests(table.io()).isEmpty()) {
            return 0;
        }
        Set<String> applied = new HashSet<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(head.snapshotId()).planFiles()) {
            for (FileScanTask task : tasks) {
                task.deletes().forEach(d -> applied.add(d.location()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<DeleteFile> dangling = new ArrayList<>();
        for (ManifestFile manifest : head.deleteManifests(table.io())) {
            try (ManifestReader<DeleteFile> reader = ManifestFiles.readDeleteManifest(manifest, table.io(), table.specs())) {
                for (DeleteFile d : reader) {
                    if (!applied.contains(d.location())) {
                        dangling.add(d.copyWithoutStats());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (dangling.isEmpty()) {
            return 0;
        }
        RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(head.snapshotId());
        dangling.forEach(rewrite::deleteFile);
        try {
            rewrite.commit();
        } catch (ValidationException | CommitFailedException e) {
            LOG.warn("removing {} unused delete files of {} is retried next pass: {}", dangling.size(), table.name(),
                    e.getMessage());
            return 0;
        }
        return dangling.size();
    }

    /** Rewrites the data manifests into as few as {@code commit.manifest.target-size-bytes} allows, per spec. */
    static void rewriteManifests(Table table) {
        if (table.currentSnapshot().dataManifests(table.io()).size() <= 1) {
            return;
        }
        try {
            table.rewriteManifests().clusterBy(DataFile::specId).rewriteIf(m -> true).commit();
        } catch (ValidationException | CommitFailedException e) {
            LOG.warn("rewriting the manifests of {} is retried next pass: {}", table.name(), e.getMessage());
        }
    }

    /**
     * Expires snapshots older than {@code maxAge} beyond the newest {@code retainLast} ancestors of the head, and
     * never back past the newest snapshot of each Flink sink of the last Flink job that committed
     * ({@link #snapshotsFlinkNeeds}). Deletes the files only expired snapshots referenced. Returns how many expired.
     */
    static int expireSnapshots(Table table, Duration maxAge, int retainLast, long nowMillis) {
        int before = size(table.snapshots());
        int keep = Math.max(retainLast, snapshotsFlinkNeeds(table));
        table.expireSnapshots().expireOlderThan(nowMillis - maxAge.toMillis()).retainLast(keep)
                .cleanExpiredFiles(true).commit();
        table.refresh();
        return before - size(table.snapshots());
    }

    /**
     * How many ancestors of the head (the head counted) must stay so that every Flink committer of the newest Flink
     * job to commit finds its last checkpoint on a restore: the walk from the head back to the oldest of those sinks'
     * newest snapshots. 1 when no Flink job committed.
     */
    static int snapshotsFlinkNeeds(Table table) {
        String jobId = null;
        Set<String> operatorsFound = new HashSet<>();
        int depth = 0;
        int needed = 1;
        for (Snapshot s = table.currentSnapshot(); s != null; s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
            depth++;
            Map<String, String> summary = s.summary();
            if (summary.get(FLINK_MAX_COMMITTED_CHECKPOINT_ID) == null) {
                continue;
            }
            if (jobId == null) {
                jobId = summary.get(FLINK_JOB_ID);
            }
            String operator = String.valueOf(summary.get(FLINK_OPERATOR_ID));
            if (jobId.equals(summary.get(FLINK_JOB_ID)) && operatorsFound.add(operator)) {
                needed = Math.max(needed, depth);
            }
        }
        return needed;
    }

    /**
     * Deletes files under the table's location that no metadata file, manifest list, manifest or statistics file of
     * any snapshot references, written before {@code now - minAge}. Needs a FileIO that can list (S3FileIO can).
     */
    static int deleteOrphanFiles(Table table, Duration minAge, long nowMillis) {
        FileIO io = table.io();
        if (!(io instanceof SupportsPrefixOperations)) {
            LOG.warn("orphan files of {} are not removed: {} cannot list files", table.name(), io.getClass().getName());
            return 0;
        }
        Set<String> referenced = referencedFiles(table);
        long horizon = nowMillis - minAge.toMillis();
        int deleted = 0;
        for (FileInfo f : ((SupportsPrefixOperations) io).listPrefix(table.location())) {
            if (f.createdAtMillis() < horizon && !referenced.contains(normalize(f.location()))) {
                io.deleteFile(f.location());
                deleted++;
            }
        }
        return deleted;
    }

    /** Every file the table's metadata reaches: metadata files, manifest lists, manifests, data and delete files, statistics. */
    static Set<String> referencedFiles(Table table) {
        Set<String> files = new HashSet<>();
        ReachableFileUtil.metadataFileLocations(table, false).forEach(f -> files.add(normalize(f)));
        ReachableFileUtil.manifestListLocations(table).forEach(f -> files.add(normalize(f)));
        ReachableFileUtil.statisticsFilesLocations(table).forEach(f -> files.add(normalize(f)));
        table.partitionStatisticsFiles().forEach(f -> files.add(normalize(f.path())));
        Set<String> manifestsSeen = new HashSet<>();
        for (Snapshot s : table.snapshots()) {
            for (ManifestFile m : s.allManifests(table.io())) {
                if (!manifestsSeen.add(m.path())) {
                    continue;
                }
                files.add(normalize(m.path()));
                try (CloseableIterable<? extends ContentFile<?>> entries = m.content() == org.apache.iceberg.ManifestContent.DATA
                        ? ManifestFiles.read(m, table.io(), table.specs())
                        : ManifestFiles.readDeleteManifest(m, table.io(), table.specs())) {
                    for (ContentFile<?> f : entries) {
                        files.add(normalize(f.location()));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return files;
    }

    /** One spelling per object: s3a:// and s3n:// name what s3:// names. */
    static String normalize(String location) {
        return location.replaceFirst("^s3[an]://", "s3://");
    }

    private static int size(Iterable<?> items) {
        int n = 0;
        for (Object ignored : items) {
            n++;
        }
        return n;
    }
}
