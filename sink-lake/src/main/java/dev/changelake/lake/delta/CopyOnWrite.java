package dev.changelake.lake.delta;

import io.delta.kernel.Snapshot;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Upserts and deletes by primary key, copy-on-write: the files that hold a changed key are rewritten without its old
 * row, and the new images are written beside the rows kept, all as one set of actions (RemoveFile for every file
 * rewritten, AddFile for every file written) to commit in one transaction.
 *
 * <p>Which files to read: those in a partition of a changed key (partition columns are key columns, so a key has
 * one partition) whose statistics' range of the first key column that is not a partition column covers a changed key. A candidate that turns
 * out to hold none of the changed keys is left alone. So the files rewritten per checkpoint are bounded by how the
 * changed keys spread over files: files are written in key order, so keys that change together (recent
 * auto-increment ids) share few files, while keys changing all over the key space rewrite the files they hit.
 * Partitioning by a key column bounds that too (see docs). Small files of a touched partition are folded into the
 * rewrite, so inserts checkpoint after checkpoint do not leave a trail of tiny files.
 */
final class CopyOnWrite {
    /** What one round wrote and removed. */
    static final class Result {
        final List<Row> actions = new ArrayList<>();
        final List<DeltaFiles.LiveFile> added = new ArrayList<>();
        final Set<String> removed = new HashSet<>();
        int filesRead;
        int filesRewritten;
        long rowsKept;
    }

    private CopyOnWrite() {
    }

    /**
     * @param live the table's live files as this writer sees them (its own uncommitted files included)
     * @param changes key (values of the primary key, {@link DeltaFiles#keyOf}) to the new row, or to null for a delete
     * @param created keys of {@code changes} known to be new to the table (inserted since the last commit): no file
     *     is searched for them
     * @param smallFileBytes files of a touched partition smaller than this are rewritten too
     */
    static Result apply(Engine engine, Snapshot snapshot, List<DeltaFiles.LiveFile> live,
            Map<List<Object>, Map<String, Object>> changes, Set<List<Object>> created, long smallFileBytes,
            long nowMillis) {
        DeltaLayout layout = DeltaLayout.of(snapshot);
        if (layout.primaryKey.isEmpty()) {
            throw new IllegalStateException("Delta table " + snapshot.getPath() + " has no " + DeltaTables.PRIMARY_KEY_PROPERTY
                    + " property; upserts need the key it was created with");
        }
        int[] partitionPositions = layout.partitionColumns.stream().mapToInt(layout.primaryKey::indexOf).toArray();
        // Changed keys by partition, each with its range-key values to test file statistics against.
        Map<List<Object>, List<Object>> leadingByPartition = new HashMap<>();
        for (List<Object> key : changes.keySet()) {
            if (created.contains(key)) {
                continue;
            }
            List<Object> partition = new ArrayList<>();
            for (int p : partitionPositions) {
                partition.add(key.get(p));
            }
            leadingByPartition.computeIfAbsent(partition, k -> new ArrayList<>())
                    .add(layout.rangeKeyIndex < 0 ? null : key.get(layout.rangeKeyIndex));
        }
        Result result = new Result();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (DeltaFiles.LiveFile file : live) {
            List<Object> leading = leadingByPartition.get(file.partitionKey());
            if (leading == null) {
                continue;
            }
            boolean small = file.size() < smallFileBytes;
            KeyRange range = file.keyRange();
            if (!small && leading.stream().noneMatch(range::mayContain)) {
                continue;
            }
            result.filesRead++;
            List<Map<String, Object>> fileRows = file.read(engine);
            List<Map<String, Object>> kept = new ArrayList<>(fileRows.size());
            for (Map<String, Object> row : fileRows) {
                List<Object> key = DeltaFiles.keyOf(row, layout.primaryKey);
            if (!changes.containsKey(key)) {
                    kept.add(row);
                }
            }
            if (kept.size() == fileRows.size() && !small) {
                continue; // the statistics said maybe; the rows say no
            }
            result.filesRewritten++;
            result.rowsKept += kept.size();
            rows.addAll(kept);
            result.removed.add(file.path());
            result.actions.add(RemoveFiles.removeAction(file.addFile(), nowMillis));
        }
        for (Map<String, Object> image : changes.values()) {
            if (image != null) {
                rows.add(image);
            }
        }
        List<Row> adds = DeltaFiles.write(engine, snapshot, rows);
        result.actions.addAll(adds);
        result.added.addAll(DeltaFiles.addedFiles(snapshot, adds));
        return result;
    }
}
