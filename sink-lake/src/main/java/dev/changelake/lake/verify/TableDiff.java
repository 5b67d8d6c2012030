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
    private long filtered;
    private long differing;
    private int chunks;
    private String notCompared;
    private final List<String> shown = new ArrayList<>();

    private final String label;

    TableDiff(TableId table) {
        this(table, null);
    }

    /** @param label the lake format when not the default (Iceberg), shown after the table's name */
    TableDiff(TableId table, String label) {
        this.table = table;
        this.label = label;
    }

    /** The lake format when not Iceberg, e.g. {@code delta}; null for Iceberg. */
    public String label() {
        return label;
    }

    private String name() {
        return label == null ? table.toString() : table + " (" + label + ")";
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

    void countFiltered() {
        filtered++;
    }

    /** Source rows the table's transform filtered out: not counted in {@link #sourceRows()}, absent from the lake. */
    public long filteredRows() {
        return filtered;
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

    /** Source rows compared with the lake: after the table's transform, if it has one. */
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
            return name() + ": not compared, " + notCompared;
        }
        String filteredOut = filtered == 0 ? "" : filtered + " filtered out";
        if (matches()) {
            return name() + ": OK " + sourceRows + " rows" + (filteredOut.isEmpty() ? "" : " (" + filteredOut + ")");
        }
        return name() + ": FAILED " + differing + " differing keys (source " + sourceRows + " rows"
                + (filteredOut.isEmpty() ? "" : ", " + filteredOut) + ", lake " + lakeRows + ")";
    }
}
