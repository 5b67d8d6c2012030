package dev.changelake.jobs.changelog;

/**
 * What the pipeline does when a table's columns change at the source ({@code ALTER TABLE}), modelled on Flink CDC's
 * schema change behaviours. Whatever the mode, a change the lake table cannot follow never stops the job: the row is
 * set aside as a dead letter with the reason.
 */
public enum SchemaEvolution {
    /**
     * Follow the source: a new column is added to the lake table, {@code INT → BIGINT}, {@code FLOAT → DOUBLE} and a
     * wider DECIMAL precision widen the lake column, all before the first row that needs them is written. A dropped
     * column stays in the lake (its old values kept, NULL in rows written after the drop); a renamed column is a new
     * column (the old one kept the same way). A change Iceberg cannot make (e.g. {@code VARCHAR → INT}, a decimal
     * scale change, a primary key change) sends the row to the dead letters.
     */
    EVOLVE,
    /** Refuse: a change whose columns differ from the lake table's goes to the dead letters; the table is unchanged. */
    FAIL,
    /**
     * Keep the lake table as it is: unknown columns are dropped from rows, missing ones are NULL, and a value of a
     * wider type is written when it fits the lake column (e.g. a BIGINT that fits an INT), else the row is set aside.
     */
    IGNORE
}
