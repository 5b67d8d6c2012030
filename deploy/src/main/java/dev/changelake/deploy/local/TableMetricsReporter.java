package dev.changelake.deploy.local;

import dev.changelake.lake.metrics.TableMetrics;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter for the local mini-cluster that keeps the per-table metrics ({@link TableMetrics}: every
 * metric with a {@code <table>} variable in the {@code kinesisanalytics} group) of the jobs running in this JVM, for the local run's progress output and for
 * the tests that check those metrics against the data. It holds the metric objects themselves and reads them on
 * demand, as Flink's reporters do, so it costs nothing while nobody asks.
 *
 * <p>Registered through {@code META-INF/services} and enabled by {@link LocalFlinkCluster}
 * ({@code metrics.reporter.changelake.factory.class}).
 */
public final class TableMetricsReporter implements MetricReporter {
    private static final String TABLE_VARIABLE = "<" + TableMetrics.TABLE + ">";
    private static final String REASON_VARIABLE = "<" + TableMetrics.REASON + ">";
    /** Every table metric of every job in this JVM (metric → where it belongs); removed when its task ends. */
    private static final Map<Metric, Key> METRICS = new ConcurrentHashMap<>();

    /** The factory Flink finds through the service loader. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new TableMetricsReporter();
        }
    }

    /** A metric's table and its name ({@code deadLetters[<reason>]} for dead letters, so reasons stay apart). */
    private static final class Key {
        final String table;
        final String name;

        Key(String table, String name) {
            this.table = table;
            this.name = name;
        }
    }

    @Override
    public void open(MetricConfig config) {
    }

    @Override
    public void close() {
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        Map<String, String> variables = group.getAllVariables();
        String table = variables.get(TABLE_VARIABLE);
        // Iceberg's writer has table groups of its own (catalog.namespace.table), outside the MSF group: not ours.
        if (table == null || !java.util.Arrays.asList(group.getScopeComponents()).contains(TableMetrics.MSF_GROUP)) {
            return;
        }
        String reason = variables.get(REASON_VARIABLE);
        METRICS.put(metric, new Key(table, reason == null ? metricName : metricName + "[" + reason + "]"));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        METRICS.remove(metric);
    }

    /**
     * Now, per table and metric name: counters summed over the subtasks, gauges at their maximum (the oldest lag, the
     * slowest subtask's freshness, the newest commit; file counts, which several subtasks may report alike); histograms
     * are left out (their p50/p99 are gauges). Tables in name order.
     */
    public static Map<String, Map<String, Long>> snapshot() {
        Map<String, Map<String, Long>> tables = new TreeMap<>();
        for (Map.Entry<Metric, Key> e : METRICS.entrySet()) {
            Metric m = e.getKey();
            Map<String, Long> values = tables.computeIfAbsent(e.getValue().table, t -> new TreeMap<>());
            if (m instanceof Counter) {
                values.merge(e.getValue().name, ((Counter) m).getCount(), Long::sum);
            } else if (m instanceof Gauge) {
                Object v = ((Gauge<?>) m).getValue();
                if (v instanceof Number) {
                    values.merge(e.getValue().name, ((Number) v).longValue(), Math::max);
                }
            }
        }
        return tables;
    }
}
