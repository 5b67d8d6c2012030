package dev.changelake.deploy.local;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * The per-table metrics ({@link TableMetricsReporter#snapshot()}) as the local run prints them: a short segment for
 * the progress line and a table at the end. Missing values (a metric not reported yet) print as {@code -}.
 */
public final class TableMetricsSummary {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private TableMetricsSummary() {
    }

    /** E.g. {@code customers 520 lag 0 s p99 2.1 s · orders 2010 lag 1 s p99 2.4 s}: rows committed, lag, freshness p99. */
    public static String inline(Map<String, Map<String, Long>> tables) {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, Map<String, Long>> t : tables.entrySet()) {
            Map<String, Long> m = t.getValue();
            if (s.length() > 0) {
                s.append(" · ");
            }
            String name = t.getKey().substring(t.getKey().indexOf('.') + 1);
            s.append(name).append(' ').append(count(m, "rowsCommitted"))
                    .append(" lag ").append(value(m, "lagSeconds")).append(" s")
                    .append(" p99 ").append(seconds(m.get("freshnessP99Millis")));
        }
        return s.toString();
    }

    /** One line per table under a header, every per-table metric. */
    public static String table(Map<String, Map<String, Long>> tables) {
        String format = "%-22s %10s %10s %8s %-24s %8s %6s %8s %8s %9s %6s %7s%n";
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, format, "table", "changes in", "committed",
                "replays", "dead letters", "lag rec", "lag s", "fresh50", "fresh99", "last (UTC)", "files", "deletes"));
        for (Map.Entry<String, Map<String, Long>> t : tables.entrySet()) {
            Map<String, Long> m = t.getValue();
            Long last = m.get("lastCommitTime");
            s.append(String.format(Locale.ROOT, format, t.getKey(), count(m, "changesIn"), count(m, "rowsCommitted"),
                    count(m, "replaysDropped"), deadLetters(m), value(m, "lagRecords"), value(m, "lagSeconds"),
                    seconds(m.get("freshnessP50Millis")), seconds(m.get("freshnessP99Millis")),
                    last == null || last < 0 ? "-" : CLOCK.format(Instant.ofEpochMilli(last)), files(m), deleteFiles(m)));
        }
        return s.toString();
    }

    /** {@code undecodable 2, wrong-topic 1}, or 0. */
    private static String deadLetters(Map<String, Long> m) {
        StringBuilder s = new StringBuilder();
        long total = 0;
        for (Map.Entry<String, Long> e : m.entrySet()) {
            if (e.getKey().startsWith("deadLetters[")) {
                total += e.getValue();
                s.append(s.length() == 0 ? "" : ", ").append(e.getKey(), "deadLetters[".length(), e.getKey().length() - 1)
                        .append(' ').append(e.getValue());
            }
        }
        return total == 0 ? "0" : s.toString();
    }

    private static String files(Map<String, Long> m) {
        Long iceberg = m.get("icebergDataFiles");
        Long delta = m.get("deltaFiles");
        if (iceberg != null && delta != null) {
            return iceberg + "/" + delta; // a table in both formats: Iceberg's, then Delta's
        }
        return iceberg != null ? String.valueOf(iceberg) : delta != null ? String.valueOf(delta) : "-";
    }

    private static String deleteFiles(Map<String, Long> m) {
        Long v = m.get("icebergDeleteFiles");
        return v != null ? String.valueOf(v) : m.containsKey("deltaFiles") ? "0" : "-"; // Delta here writes no delete files
    }

    /** A counter appears with its first event (a table's first replay, say): none yet is 0. */
    private static long count(Map<String, Long> m, String name) {
        return m.getOrDefault(name, 0L);
    }

    private static String value(Map<String, Long> m, String name) {
        Long v = m.get(name);
        return v == null || v < 0 ? "-" : String.valueOf(v);
    }

    private static String seconds(Long millis) {
        return millis == null || millis <= 0 ? "-" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
