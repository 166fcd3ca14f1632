package io.trendstream.functions;

import io.trendstream.config.TrendSettings;
import io.trendstream.events.Severity;
import io.trendstream.events.TrendAlert;
import io.trendstream.events.TrendMetric;
import io.trendstream.metrics.PipelineMetrics;
import io.trendstream.records.TrendBaseline;
import io.trendstream.records.WindowAggregate;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * Keeps an EMA baseline of each product's window revenue and views and raises an alert when a
 * window is a multiple of its baseline. The window is judged against the baseline of the windows
 * before it, then folded in. Windows are judged once: a later firing of the same window (a late
 * event within the allowed lateness) updates its database row but not the baseline, so an EMA
 * never counts a window twice.
 *
 * <p>The window stage emits no row for a window without activity, but such a window is part of the
 * product's series, with zero revenue and views: the baseline decays over it as the EMA of a zero
 * would ({@code (1 - alpha)} per window). After {@code trend.baseline-ttl} of event time without a
 * window the baseline says nothing any more; it is forgotten (an event-time timer frees a vanished
 * product's state) and a returning product warms up again.
 */
public final class TrendDetector extends KeyedProcessFunction<String, WindowAggregate, TrendAlert> {
    private static final long serialVersionUID = 1L;

    public static final String STATE_NAME = "baseline";

    private final TrendSettings settings;
    private final long ttlMillis;
    private transient ValueState<TrendBaseline> baseline;
    private transient Map<Severity, Counter> alertsBySeverity;

    public TrendDetector(TrendSettings settings) {
        this.settings = settings;
        this.ttlMillis = settings.baselineTtl().toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        baseline = getRuntimeContext().getState(
                new ValueStateDescriptor<>(STATE_NAME, TypeInformation.of(TrendBaseline.class)));
        alertsBySeverity = new EnumMap<>(Severity.class);
        for (Severity severity : Severity.values()) {
            alertsBySeverity.put(severity, getRuntimeContext().getMetricGroup().addGroup(PipelineMetrics.GROUP)
                    .addGroup(PipelineMetrics.SEVERITY_LABEL, severity.name()).counter(PipelineMetrics.ALERTS));
        }
    }

    @Override
    public void processElement(WindowAggregate window, Context ctx, Collector<TrendAlert> out) throws Exception {
        TrendBaseline current = baseline.value();
        if (current != null && window.windowEnd() <= current.lastWindowEnd) {
            return;
        }
        if (current != null && window.windowStart() - current.lastWindowEnd >= ttlMillis) {
            // The forgetting timer is due too, but this window reached the detector before the watermark did.
            current = null;
        }
        if (current == null) {
            current = new TrendBaseline();
        } else {
            decayOverWindowsWithoutActivity(current, window);
            ctx.timerService().deleteEventTimeTimer(forgetAt(current.lastWindowEnd));
        }
        double revenue = window.revenue().doubleValue();
        double views = window.views();
        if (current.windowsSeen >= settings.warmUpWindows() && current.windowsSeen > 0) {
            judge(window, TrendMetric.REVENUE, revenue, current.revenueEma, out);
            judge(window, TrendMetric.VIEWS, views, current.viewsEma, out);
        }
        current.revenueEma = fold(current.revenueEma, revenue, current.windowsSeen);
        current.viewsEma = fold(current.viewsEma, views, current.windowsSeen);
        current.windowsSeen++;
        current.lastWindowEnd = window.windowEnd();
        baseline.update(current);
        ctx.timerService().registerEventTimeTimer(forgetAt(current.lastWindowEnd));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TrendAlert> out) throws Exception {
        TrendBaseline current = baseline.value();
        if (current != null && timestamp == forgetAt(current.lastWindowEnd)) {
            baseline.clear();
        }
    }

    /** When a product whose newest window ended at {@code lastWindowEnd} is forgotten, unless another window comes. */
    private long forgetAt(long lastWindowEnd) {
        return lastWindowEnd + ttlMillis;
    }

    /** Folds in, as zeros, the windows between the newest one folded in and {@code window}. */
    private void decayOverWindowsWithoutActivity(TrendBaseline current, WindowAggregate window) {
        long windowMillis = window.windowEnd() - window.windowStart();
        long skipped = (window.windowStart() - current.lastWindowEnd) / windowMillis;
        if (skipped <= 0 || current.windowsSeen == 0) {
            return;
        }
        double keep = Math.pow(1 - settings.emaAlpha(), skipped);
        current.revenueEma *= keep;
        current.viewsEma *= keep;
        current.windowsSeen = (int) Math.min(Integer.MAX_VALUE, current.windowsSeen + skipped);
    }

    private double fold(double ema, double value, int windowsSeen) {
        return windowsSeen == 0 ? value : settings.emaAlpha() * value + (1 - settings.emaAlpha()) * ema;
    }

    private void judge(WindowAggregate window, TrendMetric metric, double observed, double baselineValue, Collector<TrendAlert> out) {
        if (baselineValue <= 0) {
            return; // no ratio to a zero baseline; a product's first sales are not a "spike"
        }
        double ratio = observed / baselineValue;
        Severity severity = ratio >= settings.highRatio() ? Severity.HIGH
                : ratio >= settings.mediumRatio() ? Severity.MEDIUM : null;
        if (severity == null) {
            return;
        }
        alertsBySeverity.get(severity).inc();
        out.collect(TrendAlert.newBuilder()
                .setProductId(window.productId())
                .setWindowStart(Instant.ofEpochMilli(window.windowStart()))
                .setWindowEnd(Instant.ofEpochMilli(window.windowEnd()))
                .setMetric(metric)
                .setObserved(observed)
                .setBaseline(baselineValue)
                .setRatio(ratio)
                .setSeverity(severity)
                .build());
    }
}
