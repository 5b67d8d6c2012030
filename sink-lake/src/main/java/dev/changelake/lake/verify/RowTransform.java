package dev.changelake.lake.verify;

import dev.changelake.schema.TableSchema;
import java.io.Serializable;
import java.util.Map;

/**
 * How the pipeline reshapes a source table's rows before they reach the lake (its cleaning rules: a row filter,
 * rewritten or computed columns, dropped columns). {@link MirrorVerifier} applies it to the MySQL rows before
 * comparing them with the lake. Values on both sides are canonical, as documented on
 * {@link dev.changelake.schema.ColumnType}.
 *
 * <p>A transform must not rewrite primary-key columns: the verifier compares in key ranges of the source key, and
 * names a filtered-out row by its source key.
 */
public interface RowTransform extends Serializable {

    /** The MySQL table's columns as the pipeline reads them: the verifier reads these columns, by these types. */
    TableSchema sourceSchema();

    /**
     * A canonical source row (column name to value, null for SQL NULL) to the canonical lake row, or null when the
     * row is not in the lake (filtered out). The lake table's columns are compared; a column the result lacks is
     * compared as NULL, and columns the lake lacks are ignored.
     */
    Map<String, Object> apply(Map<String, Object> row);
}
