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
 */
public final class TrendDetector extends KeyedProcessFunction<String, WindowAggregate, TrendAlert> {
    private static final long serialVersionUID = 1L;

    public static final String STATE_NAME = "baseline";

    private final TrendSettings settings;
    private transient ValueState<TrendBaseline> baseline;
    private transient Map<Severity, Counter> alertsBySeverity;

    public TrendDetector(TrendSettings settings) {
        this.settings = settings;
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
        if (current == null) {
            current = new TrendBaseline();
        }
        if (window.windowEnd() <= current.lastWindowEnd) {
            return;
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
