package dev.changelake.lake.delta;

import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentTransactionException;
import io.delta.kernel.utils.CloseableIterable;
import java.util.List;
import java.util.Optional;

/**
 * Commits a batch of actions (AddFiles, RemoveFiles) to a Delta table at most once per {@code (appId, version)}:
 * the commit records a SetTransaction, so a replay of the same or an older version (after a restore) is recognised
 * from the table itself and skipped. Idempotence lives in the log, not in memory. Versions of one appId must grow.
 */
public final class DeltaCommitter {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeltaCommitter.class);

    /** What a call did. */
    public enum Outcome {
        /** A new table version holds the actions. */
        COMMITTED,
        /** The table already holds {@code appId} at this version or a later one; nothing was written. */
        ALREADY_COMMITTED
    }

    private DeltaCommitter() {
    }

    public static Outcome commit(Engine engine, String tablePath, String appId, long version, List<Row> actions) {
        if (appId == null || appId.isEmpty()) {
            throw new IllegalArgumentException("appId must be a non-empty sink id, got '" + appId + "'");
        }
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, got " + version);
        }
        return commit(engine, DeltaTables.snapshot(engine, tablePath), appId, version, actions);
    }

    /** As {@link #commit(Engine, String, String, long, List)} on a given (possibly stale) snapshot. */
    static Outcome commit(Engine engine, Snapshot snapshot, String appId, long version, List<Row> actions) {
        Optional<Long> committed = snapshot.getLatestTransactionVersion(engine, appId);
        if (committed.isPresent() && committed.get() >= version) {
            return Outcome.ALREADY_COMMITTED;
        }
        try {
            Transaction txn = snapshot.buildUpdateTableTransaction(DeltaTables.ENGINE_INFO, Operation.WRITE)
                    .withTransactionId(appId, version)
                    .build(engine);
            runHooks(engine, txn.commit(engine, CloseableIterable.inMemoryIterable(DeltaFiles.iterator(actions))));
            return Outcome.COMMITTED;
        } catch (ConcurrentTransactionException e) {
            // Another committer recorded this appId at >= version between our read and our commit.
            return Outcome.ALREADY_COMMITTED;
        }
    }

    /**
     * Commits {@code actions} with no transaction id: for the end of a bounded input, which has no checkpoint id to
     * record (and is not replayed).
     */
    static void commitUnversioned(Engine engine, String tablePath, List<Row> actions) {
        Transaction txn = DeltaTables.snapshot(engine, tablePath)
                .buildUpdateTableTransaction(DeltaTables.ENGINE_INFO, Operation.WRITE).build(engine);
        runHooks(engine, txn.commit(engine, CloseableIterable.inMemoryIterable(DeltaFiles.iterator(actions))));
    }

    /**
     * Kernel's post-commit hooks: a log checkpoint every {@code delta.checkpointInterval} commits, checksums. A hook
     * that fails leaves the commit valid (readers replay the JSON log instead), so it is logged, not thrown.
     */
    private static void runHooks(Engine engine, TransactionCommitResult result) {
        for (PostCommitHook hook : result.getPostCommitHooks()) {
            try {
                hook.threadSafeInvoke(engine);
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn("post-commit {} after version {} failed; the commit stands", hook.getType(),
                        result.getVersion(), e);
            }
        }
    }

    /** The last version committed for {@code appId}, for a restore to compare with; empty if none. */
    public static Optional<Long> lastCommitted(Engine engine, String tablePath, String appId) {
        return DeltaTables.snapshot(engine, tablePath).getLatestTransactionVersion(engine, appId);
    }
}
