package dev.changelake.jobs.session;

import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.triggers.TriggerResult;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * Fires a session window once, when the watermark passes its end plus the allowed lateness: the moment Flink would
 * clean the window up. So an event up to the allowed lateness behind still joins (or bridges) its session, and each
 * session reaches the append-only lake table exactly once, never as an early result followed by a correction. Events
 * later than that find no window and go to the late-events side output.
 */
final class CloseAfterLateness extends Trigger<Object, TimeWindow> {
    private static final long serialVersionUID = 1L;
    private final long allowedLatenessMillis;

    CloseAfterLateness(long allowedLatenessMillis) {
        this.allowedLatenessMillis = allowedLatenessMillis;
    }

    private long closeAt(TimeWindow window) {
        return window.maxTimestamp() + allowedLatenessMillis;
    }

    @Override
    public TriggerResult onElement(Object element, long timestamp, TimeWindow window, TriggerContext ctx) {
        if (closeAt(window) <= ctx.getCurrentWatermark()) {
            return TriggerResult.FIRE_AND_PURGE;
        }
        ctx.registerEventTimeTimer(closeAt(window));
        return TriggerResult.CONTINUE;
    }

    @Override
    public TriggerResult onEventTime(long time, TimeWindow window, TriggerContext ctx) {
        return time == closeAt(window) ? TriggerResult.FIRE_AND_PURGE : TriggerResult.CONTINUE;
    }

    @Override
    public TriggerResult onProcessingTime(long time, TimeWindow window, TriggerContext ctx) {
        return TriggerResult.CONTINUE;
    }

    @Override
    public boolean canMerge() {
        return true;
    }

    @Override
    public void onMerge(TimeWindow window, OnMergeContext ctx) {
        ctx.registerEventTimeTimer(closeAt(window)); // a timer already due fires with the next watermark
    }

    @Override
    public void clear(TimeWindow window, TriggerContext ctx) {
        ctx.deleteEventTimeTimer(closeAt(window));
    }

    @Override
    public String toString() {
        return "CloseAfterLateness(" + allowedLatenessMillis + " ms)";
    }
}
