package io.trendstream.functions;

import io.trendstream.metrics.PipelineMetrics;
import io.trendstream.records.ActivityAccumulator;
import io.trendstream.records.ActivityBundle;
import io.trendstream.records.ActivityKind;
import io.trendstream.records.ProductActivity;
import io.trendstream.records.WindowAggregate;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The window function of the versions before 2026-11-30, when the window stage was Flink's window operator
 * keeping every bundle as list state ({@code window-contents}) and counting each event once when it fired.
 * Kept to write savepoints in that format (their restore is specified in {@link ProductWindowTest}) and to
 * compare the heap it needs with {@link ProductWindowOperator}'s ({@link WindowHeapProbe}).
 */
final class BundleListWindowFunction
        extends ProcessWindowFunction<ActivityBundle, WindowAggregate, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    private transient volatile long lastWatermark = Long.MIN_VALUE;
    private transient Map<ActivityKind, Counter> duplicatesDropped;

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup(PipelineMetrics.GROUP);
        metrics.gauge(PipelineMetrics.WATERMARK_LAG_MS, (Gauge<Long>) () ->
                lastWatermark == Long.MIN_VALUE ? 0L : Math.max(0L, System.currentTimeMillis() - lastWatermark));
        duplicatesDropped = new EnumMap<>(ActivityKind.class);
        for (ActivityKind kind : ActivityKind.values()) {
            duplicatesDropped.put(kind, metrics.addGroup(PipelineMetrics.SOURCE_LABEL, PipelineMetrics.sourceOf(kind))
                    .counter(PipelineMetrics.DUPLICATES_DROPPED));
        }
    }

    @Override
    public void process(String productId, Context context, Iterable<ActivityBundle> bundles, Collector<WindowAggregate> out)
            throws Exception {
        lastWatermark = context.currentWatermark();
        ActivityKind[] kinds = ActivityKind.values();
        int[] activitiesOfKind = new int[kinds.length];
        for (ActivityBundle bundle : bundles) {
            for (ProductActivity each : bundle.activities()) {
                activitiesOfKind[each.kind().ordinal()]++;
            }
        }
        // Sized once: a window holds thousands of activities, and growing the sets step by step rehashes them all.
        ActivityAccumulator acc = new ActivityAccumulator(Arrays.stream(activitiesOfKind).sum());
        // Event ids are unique per kind of event: an order and a view may share one, and are two events.
        List<Set<String>> countedOfKind = new ArrayList<>(kinds.length);
        for (ActivityKind kind : kinds) {
            countedOfKind.add(new HashSet<>(ActivityAccumulator.hashCapacityFor(activitiesOfKind[kind.ordinal()])));
        }
        long[] duplicates = new long[kinds.length];
        for (ActivityBundle bundle : bundles) {
            for (ProductActivity each : bundle.activities()) {
                if (countedOfKind.get(each.kind().ordinal()).add(each.eventId())) {
                    acc.add(each);
                } else {
                    duplicates[each.kind().ordinal()]++;
                }
            }
        }
        reportDuplicates(context, duplicates);
        TimeWindow window = context.window();
        out.collect(new WindowAggregate(productId, window.getStart(), window.getEnd(),
                acc.orders, acc.units, acc.revenueCents, acc.users.size(), acc.views));
    }

    private void reportDuplicates(Context context, long[] duplicates) throws Exception {
        if (Arrays.stream(duplicates).allMatch(n -> n == 0)) {
            return; // the usual case: no state access at all
        }
        ValueState<long[]> reported = context.windowState().getState(ProductWindowOperator.REPORTED_DUPLICATES);
        long[] before = reported.value();
        for (ActivityKind kind : ActivityKind.values()) {
            duplicatesDropped.get(kind).inc(duplicates[kind.ordinal()] - (before == null ? 0 : before[kind.ordinal()]));
        }
        reported.update(duplicates);
    }

    @Override
    public void clear(Context context) {
        context.windowState().getState(ProductWindowOperator.REPORTED_DUPLICATES).clear();
    }
}
