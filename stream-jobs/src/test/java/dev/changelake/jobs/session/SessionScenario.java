package dev.changelake.jobs.session;

import dev.changelake.ingest.events.Event;
import dev.changelake.ingest.events.EventFormat;
import dev.changelake.ingest.events.EventSink;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.iceberg.data.Record;

/**
 * A stream whose sessions are known in advance (gap 10 s, out-of-orderness 5 s, no allowed lateness), in two phases
 * with a restart of the job between them. Times are seconds after {@link #T0}; every record goes to one partition or
 * shard, in this order.
 *
 * <p>Phase 1: ordinary sessions (a: 0,3,6; b: 0,2 and 30,31); c: 0 and 14 are two sessions until c@7 arrives out of
 * order and bridges them into one; d: 20 and 22 arrive after b@31, behind but not late; a heartbeat z@300 closes them
 * all. Phase 2 (after the restart): heartbeat z@301 (the watermark starts afresh after a restore), then a@2 and d@1,
 * far behind the watermark: late; a record that is not an event; e: 400, 405; heartbeat z@1000 closes z and e.
 */
final class SessionScenario {
    static final long T0 = 1_767_261_600_000L; // 2026-01-01T10:00:00Z
    static final String TABLE = "sessions.visits";
    static final String LATE_TABLE = "sessions.late_events";
    private long seq;

    static SessionJobOptions.Builder configure(SessionJobOptions.Builder b) {
        return b.key("user_id").eventTime("event_time")
                .gap(Duration.ofSeconds(10)).maxOutOfOrderness(Duration.ofSeconds(5)).allowedLateness(Duration.ZERO)
                .idleness(Duration.ZERO)
                .aggregate("events", AggregateSpec.Function.COUNT, null)
                .aggregate("revenue", AggregateSpec.Function.SUM, "amount")
                .aggregate("max_amount", AggregateSpec.Function.MAX, "amount")
                .aggregate("entry_item", AggregateSpec.Function.FIRST_VALUE, "item")
                .aggregate("exit_item", AggregateSpec.Function.LAST_VALUE, "item")
                .aggregate("items", AggregateSpec.Function.DISTINCT_COUNT, "item")
                .aggregate("duration_ms", AggregateSpec.Function.DURATION, null)
                .table(TABLE).lateTable(LATE_TABLE).parallelism(1);
    }

    /** Phase 1; {@code heartbeat} sends the z event where every partition sees it. */
    void phase1(EventSink sink, EventFormat format, Heartbeat heartbeat) throws IOException {
        send(sink, format, "a", 0, "p1", 0);
        send(sink, format, "b", 0, "p1", 0);
        send(sink, format, "c", 0, "p1", 0);
        send(sink, format, "a", 3, "p2", 10.50);
        send(sink, format, "b", 2, "p2", 0);
        send(sink, format, "a", 6, "p2", 20.25);
        send(sink, format, "c", 14, "p3", 5);
        send(sink, format, "c", 7, "p2", 1); // out of order: bridges c@0 and c@14
        send(sink, format, "b", 30, "p4", 0);
        send(sink, format, "b", 31, "p4", 3);
        send(sink, format, "d", 20, "p1", 0); // 11 s behind b@31, but its session is not closed yet
        send(sink, format, "d", 22, "p5", 0);
        heartbeat.send(event("z", 300, "-", 0), format);
        sink.flush();
    }

    void phase2(EventSink sink, EventFormat format, Heartbeat heartbeat) throws IOException {
        heartbeat.send(event("z", 301, "-", 0), format);
        send(sink, format, "a", 2, "late-a", 99); // a's session [0, 6] was written long ago
        send(sink, format, "d", 1, "late-d", 1);
        sink.send("garbage", "this is not an event".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        send(sink, format, "e", 400, "p1", 0);
        send(sink, format, "e", 405, "p1", 7);
        heartbeat.send(event("z", 1000, "-", 0), format);
        sink.flush();
    }

    /** The sessions phase 1 closes, as {@link #render} writes them. */
    static List<String> phase1Sessions() {
        return List.of(
                "a|0|6|3|6000|30.75|20.25|p1|p2|2",
                "b|0|2|2|2000|0.00|0.00|p1|p2|2",
                "b|30|31|2|1000|3.00|3.00|p4|p4|1",
                "c|0|14|3|14000|6.00|5.00|p1|p3|3",
                "d|20|22|2|2000|0.00|0.00|p1|p5|2");
    }

    static List<String> allSessions() {
        List<String> all = new ArrayList<>(phase1Sessions());
        all.add("e|400|405|2|5000|7.00|7.00|p1|p1|1");
        all.add("z|300|301|2|1000|0.00|0.00|-|-|1");
        all.sort(null);
        return all;
    }

    /** The late-events table after phase 2. */
    static List<String> lateEvents() {
        return List.of("late|a|2|{\"amount\":99.0,\"item\":\"late-a\"}",
                "late|d|1|{\"amount\":1.0,\"item\":\"late-d\"}",
                "undecodable|-|-|this is not an event");
    }

    static String render(Record r) {
        return String.join("|", (String) r.getField("session_key"),
                String.valueOf((SessionJobRunner.millis(r.getField("session_start")) - T0) / 1000),
                String.valueOf((SessionJobRunner.millis(r.getField("session_end")) - T0) / 1000),
                String.valueOf(r.getField("events")), String.valueOf(r.getField("duration_ms")),
                String.format(Locale.ROOT, "%.2f", (Double) r.getField("revenue")),
                String.format(Locale.ROOT, "%.2f", (Double) r.getField("max_amount")),
                (String) r.getField("entry_item"), (String) r.getField("exit_item"), String.valueOf(r.getField("items")));
    }

    static String renderLate(Record r) {
        Object time = r.getField("event_time");
        boolean late = "late".equals(r.getField("reason"));
        return String.join("|", (String) r.getField("reason"),
                late ? (String) r.getField("session_key") : "-",
                time == null ? "-" : String.valueOf((SessionJobRunner.millis(time) - T0) / 1000),
                late ? (String) r.getField("detail")
                        : new String(((java.nio.ByteBuffer) r.getField("payload")).array(), java.nio.charset.StandardCharsets.UTF_8));
    }

    private Event event(String user, long second, String item, double amount) {
        return new Event(user, amount > 0 ? "purchase" : "view", item, amount, T0 + second * 1000, seq++);
    }

    private void send(EventSink sink, EventFormat format, String user, long second, String item, double amount)
            throws IOException {
        Event e = event(user, second, item, amount);
        sink.send(e.userId(), format.encode(e));
    }

    /** Sends an event where every partition (shard) of the stream sees it. */
    interface Heartbeat {
        void send(Event e, EventFormat format) throws IOException;
    }
}
