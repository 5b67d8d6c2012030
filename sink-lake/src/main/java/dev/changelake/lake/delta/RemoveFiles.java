package dev.changelake.lake.delta;

import io.delta.kernel.data.Row;
import io.delta.kernel.internal.actions.AddFile;
import io.delta.kernel.internal.actions.SingleAction;
import java.util.Optional;

/**
 * RemoveFile actions for copy-on-write. Kernel 4.4 has no public API for them, so this is the ONE place that uses
 * Kernel's internal classes ({@code io.delta.kernel.internal.actions}); {@code RemoveFilesTest} fails if they change.
 * The remove carries the file's path, partition values, size and stats, with {@code dataChange = true}. It also
 * names the schema of action rows, which committables need to parse actions back after a restore.
 */
public final class RemoveFiles {
    private RemoveFiles() {
    }

    /**
     * A {@code SingleAction} row removing the file that {@code addFile} (the {@code add} struct of a scan-file row or
     * of an AddFile action, e.g. {@link DeltaFiles.LiveFile#addFile()}) adds, deleted at {@code deletionTimestamp}
     * (epoch millis).
     */
    public static Row removeAction(Row addFile, long deletionTimestamp) {
        Row remove = new AddFile(addFile).toRemoveFileRow(true, Optional.of(deletionTimestamp));
        return SingleAction.createRemoveFileSingleAction(remove);
    }

    /** The schema of the action rows Kernel's writes produce and its commit takes ({@code SingleAction}). */
    static io.delta.kernel.types.StructType actionSchema() {
        return SingleAction.FULL_SCHEMA;
    }

    /** A removal of a live file. */
    public static Row removeAction(DeltaFiles.LiveFile file, long deletionTimestamp) {
        return removeAction(file.addFile(), deletionTimestamp);
    }
}
