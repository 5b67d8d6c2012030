package dev.changelake.lake.verify;

import dev.changelake.schema.TableId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** How one source table compares with its lake table. */
public final class TableDiff {
    /** How many differing keys a report keeps (it still counts them all). */
    static final int MAX_SHOWN = 20;

    private final TableId table;
    private long sourceRows;
    private long lakeRows;
    private long differing;
    private int chunks;
    private String notCompared;
    private final List<String> shown = new ArrayList<>();

    TableDiff(TableId table) {
        this.table = table;
    }

    void countSource() {
        sourceRows++;
    }

    void notCompared(String why) {
        notCompared = why;
    }

    /** Why the table was not compared, or null when it was. */
    public String notCompared() {
        return notCompared;
    }

    void countChunk() {
        chunks++;
    }

    /** How many key ranges the comparison read; 1 when the table was compared in one piece. */
    public int chunks() {
        return chunks;
    }

    void countLake() {
        lakeRows++;
    }

    void differ(String description) {
        differing++;
        if (shown.size() < MAX_SHOWN) {
            shown.add(description);
        }
    }

    public TableId table() {
        return table;
    }

    public long sourceRows() {
        return sourceRows;
    }

    public long lakeRows() {
        return lakeRows;
    }

    public long differingKeys() {
        return differing;
    }

    /** Up to {@value #MAX_SHOWN} differences: key, and what differs. */
    public List<String> examples() {
        return Collections.unmodifiableList(shown);
    }

    public boolean matches() {
        return differing == 0;
    }

    @Override
    public String toString() {
        if (notCompared != null) {
            return table + ": not compared, " + notCompared;
        }
        return table + ": " + (matches() ? "OK " + sourceRows + " rows"
                : "FAILED " + differing + " differing keys (source " + sourceRows + " rows, lake " + lakeRows + ")");
    }
}
