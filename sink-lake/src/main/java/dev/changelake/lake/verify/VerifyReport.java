package dev.changelake.lake.verify;

import java.util.List;

/** The outcome of comparing every table; {@link #summaryLine()} is what the CLI prints last. */
public final class VerifyReport {
    private final List<TableDiff> tables;

    VerifyReport(List<TableDiff> tables) {
        this.tables = List.copyOf(tables);
    }

    public List<TableDiff> tables() {
        return tables;
    }

    public boolean ok() {
        return tables.stream().allMatch(TableDiff::matches);
    }

    public long rows() {
        return tables.stream().mapToLong(TableDiff::sourceRows).sum();
    }

    private long compared() {
        return tables.stream().filter(t -> t.notCompared() == null).count();
    }

    /** {@code verify: OK <tables> tables, <rows> rows} or {@code verify: FAILED …} naming the differing tables. */
    public String summaryLine() {
        if (ok()) {
            long skipped = tables.size() - compared();
            return "verify: OK " + compared() + " tables, " + rows() + " rows"
                    + (skipped == 0 ? "" : " (" + skipped + " append-only changelog tables not compared)");
        }
        StringBuilder sb = new StringBuilder("verify: FAILED");
        for (TableDiff t : tables) {
            if (!t.matches()) {
                sb.append(' ').append(t.table()).append(" (").append(t.differingKeys()).append(" keys differ: ")
                        .append(String.join("; ", t.examples().subList(0, Math.min(3, t.examples().size())))).append(')');
            }
        }
        return sb.toString();
    }

    /** One line per table, then its differing keys. */
    public String details() {
        StringBuilder sb = new StringBuilder();
        for (TableDiff t : tables) {
            sb.append(t).append('\n');
            for (String e : t.examples()) {
                sb.append("  ").append(e).append('\n');
            }
        }
        return sb.toString();
    }
}
