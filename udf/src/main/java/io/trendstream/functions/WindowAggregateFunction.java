package io.trendstream.functions;

import io.trendstream.metrics.PipelineMetrics;
import io.trendstream.records.ActivityAccumulator;
import io.trendstream.records.ProductActivity;
import io.trendstream.records.WindowAggregate;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a window's activity into its {@link WindowAggregate} row. Fires when the watermark passes the
 * window's end and again for every late event within the allowed lateness, each time with the
 * complete totals. Also reports how far the event-time watermark trails the wall clock.
 *
 * <p>The window keeps its activity as list state and the totals are computed when it fires. An
 * incremental aggregate would be cheaper to fire but, on RocksDB, reads and rewrites the window's
 * whole set of distinct users for every event; appending to a list is a RocksDB merge, without a
 * read (the benchmark's profile: bench/README.md).
 */
public final class WindowAggregateFunction
        extends ProcessWindowFunction<ProductActivity, WindowAggregate, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    private transient volatile long lastWatermark = Long.MIN_VALUE;

    @Override
    public void open(OpenContext openContext) {
        getRuntimeContext().getMetricGroup().addGroup(PipelineMetrics.GROUP)
                .gauge(PipelineMetrics.WATERMARK_LAG_MS, (Gauge<Long>) () ->
                        lastWatermark == Long.MIN_VALUE ? 0L : Math.max(0L, System.currentTimeMillis() - lastWatermark));
    }

    @Override
    public void process(String productId, Context context, Iterable<ProductActivity> activity, Collector<WindowAggregate> out) {
        lastWatermark = context.currentWatermark();
        ActivityAccumulator acc = new ActivityAccumulator();
        for (ProductActivity each : activity) {
            acc.add(each);
        }
        TimeWindow window = context.window();
        out.collect(new WindowAggregate(productId, window.getStart(), window.getEnd(),
                acc.orders, acc.units, acc.revenueCents, acc.users.size(), acc.views));
    }
}
