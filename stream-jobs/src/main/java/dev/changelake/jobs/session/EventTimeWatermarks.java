package dev.changelake.jobs.session;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness, as Flink's own generator (watermark = highest event time seen − bound − 1 ms, emitted
 * periodically), plus one thing: when an event moves event time forward by a second or more past the last watermark,
 * the new watermark goes out right after that event rather than at the next period. So whether a following event is
 * late does not depend on how the source happened to batch its reads (after a restart in particular, where the
 * watermark starts from nothing), and a live stream still sends at most one extra watermark per second of event time.
 */
final class EventTimeWatermarks implements WatermarkGenerator<SessionEvent> {
    static final long JUMP_MILLIS = 1_000;
    private final long boundMillis;
    private long maxTimestamp;
    private long emitted = Long.MIN_VALUE;

    EventTimeWatermarks(long boundMillis) {
        this.boundMillis = boundMillis;
        this.maxTimestamp = Long.MIN_VALUE + boundMillis + 1;
    }

    @Override
    public void onEvent(SessionEvent event, long eventTimestamp, WatermarkOutput output) {
        maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
        long watermark = current();
        if (watermark - emitted >= JUMP_MILLIS || emitted == Long.MIN_VALUE && watermark > Long.MIN_VALUE) {
            emit(watermark, output);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long watermark = current();
        if (watermark > emitted) {
            emit(watermark, output);
        }
    }

    private long current() {
        return maxTimestamp - boundMillis - 1;
    }

    private void emit(long watermark, WatermarkOutput output) {
        emitted = watermark;
        output.emitWatermark(new Watermark(watermark));
    }
}
