package dev.changelake.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code benchmarks/results/<date>-w1.md} and its chart: the command, the machine, one {@code Pn: value} line per
 * measure (numbers first, for scripts), then every run's numbers so the medians can be checked.
 */
final class W1Report {
    /** Measures in order, id -> line after "Pn: ". */
    final Map<String, String> measures = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    final List<DrainRun.Result> runs = new ArrayList<>();
    final Map<DrainRun.Result, String> verified = new LinkedHashMap<>();

    static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        v.sort(Comparator.naturalOrder());
        int n = v.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    List<DrainRun.Result> runsOf(String contender) {
        return runs.stream().filter(r -> r.contender.equals(contender)).toList();
    }

    double medianOf(String contender, ToDoubleFunction<DrainRun.Result> f) {
        return median(runsOf(contender).stream().map(f::applyAsDouble).toList());
    }

    /** The per-pair ratio a/b of events/s, median over pairs. */
    double medianRatio(String a, String b) {
        List<Double> ratios = new ArrayList<>();
        for (DrainRun.Result ra : runsOf(a)) {
            runsOf(b).stream().filter(rb -> rb.pair == ra.pair).findFirst()
                    .ifPresent(rb -> ratios.add(ra.eventsPerSecond() / rb.eventsPerSecond()));
        }
        return median(ratios);
    }

    void write(Path file, String command, String machine, String workload) throws IOException {
        Files.createDirectories(file.getParent());
        Path chart = file.resolveSibling(file.getFileName().toString().replace(".md", ".png"));
        chart(chart);
        StringBuilder md = new StringBuilder();
        md.append("# W1 benchmark: ").append(file.getFileName().toString().replace(".md", "")).append("\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        md.append("Machine: ").append(machine).append("\n\n");
        md.append("Workload: ").append(workload).append("\n\n");
        measures.forEach((id, line) -> md.append(id).append(": ").append(line).append("\n"));
        md.append("\n![throughput and checkpoints](").append(chart.getFileName()).append(")\n\n");
        md.append("## Runs\n\n| contender | pair | events/s | seconds | checkpoints (failed) | restarts | lake rows written | snapshots | table |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (DrainRun.Result r : runs) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %.1f | %d (%d) | %d | %s | %s | %s |%n", r.contender,
                    r.pair, r.eventsPerSecond(), r.seconds(), r.checkpoints.size(), r.failedCheckpoints, r.restarts,
                    r.rowsWritten < 0 ? "–" : String.format(Locale.ROOT, "%,d", r.rowsWritten),
                    r.rowsWritten < 0 ? "–" : String.valueOf(r.snapshots), verified.getOrDefault(r, "–")));
        }
        md.append("\n## Checkpoints of each run\n\n| contender | pair | id | started (s after job start) | duration (s) | state (MiB) | status |\n|---|---|---|---|---|---|---|\n");
        for (DrainRun.Result r : runs) {
            for (JsonNode c : r.checkpoints) {
                md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %.1f | %s |%n", r.contender, r.pair,
                        c.path("id").asLong(), (c.path("trigger_timestamp").asLong() - r.startMillis) / 1000.0,
                        c.path("end_to_end_duration").asLong() / 1000.0, c.path("state_size").asLong() / 1048576.0,
                        c.path("status").asText()));
            }
        }
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            notes.forEach(n -> md.append("- ").append(n).append("\n"));
        }
        Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
    }

    /** Throughput over time (source records/s, 5 s moving average) and checkpoint durations, of the first pair. */
    private void chart(Path png) throws IOException {
        XYChart throughput = new XYChartBuilder().width(1100).height(420).title("W1 drain: source throughput (pair 1)")
                .xAxisTitle("seconds since job start").yAxisTitle("records/s (5 s average)").build();
        XYChart checkpoints = new XYChartBuilder().width(1100).height(380).title("Checkpoints (pair 1)")
                .xAxisTitle("seconds since job start (trigger)").yAxisTitle("duration, s").build();
        checkpoints.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        for (DrainRun.Result r : runs) {
            if (r.pair != 1 || r.samples.size() < 3) {
                continue;
            }
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int i = 5; i < r.samples.size(); i++) {
                long[] a = r.samples.get(i - 5);
                long[] b = r.samples.get(i);
                x.add(b[0] / 1000.0);
                y.add((b[1] - a[1]) * 1000.0 / Math.max(1, b[0] - a[0]));
            }
            if (!x.isEmpty()) {
                throughput.addSeries(r.contender, x, y).setMarker(SeriesMarkers.NONE);
            }
            List<Double> cx = new ArrayList<>();
            List<Double> cy = new ArrayList<>();
            for (JsonNode c : r.checkpoints) {
                cx.add((c.path("trigger_timestamp").asLong() - r.startMillis) / 1000.0);
                cy.add(c.path("end_to_end_duration").asLong() / 1000.0);
            }
            if (!cx.isEmpty()) {
                checkpoints.addSeries(r.contender + " ", cx, cy);
            }
        }
        String base = png.toString().replaceAll("\\.png$", "");
        BitmapEncoder.saveBitmap(List.of(throughput, checkpoints), 2, 1, base, BitmapEncoder.BitmapFormat.PNG);
    }
}
