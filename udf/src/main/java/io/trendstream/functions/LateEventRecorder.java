package io.trendstream.functions;

import io.trendstream.config.WindowSettings;
import io.trendstream.metrics.PipelineMetrics;
import io.trendstream.records.ActivityBundle;
import io.trendstream.records.LateEvent;
import io.trendstream.records.ProductActivity;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Describes activity that missed its window for good (past the allowed lateness): which window it
 * belonged to and where the watermark stood when it arrived, for the late_events table; one row per
 * event of a late bundle.
 */
public final class LateEventRecorder extends ProcessFunction<ActivityBundle, LateEvent> {
    private static final long serialVersionUID = 1L;

    private final WindowSettings windows;
    private transient Counter lateEvents;

    public LateEventRecorder(WindowSettings windows) {
        this.windows = windows;
    }

    @Override
    public void open(OpenContext openContext) {
        lateEvents = getRuntimeContext().getMetricGroup().addGroup(PipelineMetrics.GROUP).counter(PipelineMetrics.LATE_EVENTS);
    }

    @Override
    public void processElement(ActivityBundle bundle, Context ctx, Collector<LateEvent> out) {
        for (ProductActivity activity : bundle.activities()) {
            lateEvents.inc();
            out.collect(new LateEvent(activity.eventId(), activity.productId(), activity.kind(), activity.eventTime(),
                    windows.windowStart(activity.eventTime()), activity.units(), activity.revenueCents(),
                    ctx.timerService().currentWatermark()));
        }
    }
}
