package dev.changelake.lake.delta;

import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.KernelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delta table upkeep: {@link #vacuum} deletes data files no version within the retention can read; {@link #checkpoint}
 * writes a log checkpoint at the latest version. The sink's commits also write one every
 * {@code delta.checkpointInterval} commits (10 by default) through Kernel's post-commit hooks; the maintenance pass
 * writes one for a table whose latest version has none, so readers start from it instead of replaying JSON commits.
 */
public final class DeltaMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(DeltaMaintenance.class);

    private DeltaMaintenance() {
    }

    /**
     * Deletes the table's data files that are live neither now nor at {@code now - retention} and were written before
     * {@code now - retention}: files removed (rewritten) longer ago than the retention, and files of commits that
     * never happened (a writer that failed between writing and committing). A file removed within the retention
     * stays live at {@code now - retention}, so time travel within the retention keeps working; a file written
     * within it (a commit being prepared) is young. Returns how many files were deleted.
     */
    public static int vacuum(Engine engine, Configuration hadoopConf, String tablePath, Duration retention, long nowMillis) {
        Snapshot latest = DeltaTables.snapshot(engine, tablePath);
        long horizon = nowMillis - retention.toMillis();
        Set<String> keep = new HashSet<>();
        DeltaFiles.liveFiles(engine, latest).forEach(f -> keep.add(normalize(f.absolutePath())));
        try {
            Snapshot then = TableManager.loadSnapshot(tablePath).atTimestamp(horizon, latest).build(engine);
            DeltaFiles.liveFiles(engine, then).forEach(f -> keep.add(normalize(f.absolutePath())));
        } catch (KernelException e) {
            // The table is younger than the retention (or its log no longer reaches back): every file written
            // before the horizon that is not live now was removed before any version still readable.
            LOG.debug("no version of {} at the vacuum horizon: {}", tablePath, e.getMessage());
        }
        int deleted = 0;
        try {
            Path root = new Path(tablePath);
            FileSystem fs = root.getFileSystem(hadoopConf);
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
            while (files.hasNext()) {
                LocatedFileStatus f = files.next();
                String relative = root.toUri().relativize(f.getPath().toUri()).getPath();
                if (relative.startsWith("_delta_log/") || relative.startsWith("_") || relative.startsWith(".")
                        || f.getModificationTime() >= horizon || keep.contains(normalize(f.getPath().toString()))) {
                    continue;
                }
                if (fs.delete(f.getPath(), false)) {
                    deleted++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("vacuuming " + tablePath, e);
        }
        LOG.info("vacuum of {}: {} files deleted (retention {})", tablePath, deleted, retention);
        return deleted;
    }

    /**
     * Writes a log checkpoint at the table's latest version unless it has one (Kernel would write it again). Returns
     * whether it wrote one. Readers use it whether or not the writer is running: a checkpoint describes a committed
     * version.
     */
    public static boolean checkpoint(Engine engine, Configuration hadoopConf, String tablePath) {
        Snapshot latest = DeltaTables.snapshot(engine, tablePath);
        try {
            Path log = new Path(tablePath, "_delta_log");
            String prefix = String.format("%020d.checkpoint", latest.getVersion());
            if (log.getFileSystem(hadoopConf).listStatus(log, p -> p.getName().startsWith(prefix)).length > 0) {
                return false;
            }
            latest.writeCheckpoint(engine);
            LOG.info("log checkpoint of {} at version {}", tablePath, latest.getVersion());
            return true;
        } catch (io.delta.kernel.exceptions.CheckpointAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("writing a log checkpoint of " + tablePath, e);
        }
    }

    /** One spelling per file: {@code file:/x} and {@code file:///x} name the same file. */
    private static String normalize(String path) {
        return new Path(path).toUri().normalize().getPath();
    }
}
