package io.trendstream.functions;

import io.trendstream.config.WindowSettings;
import io.trendstream.events.Product;
import io.trendstream.events.WindowStats;
import io.trendstream.metrics.PipelineMetrics;
import io.trendstream.records.CatalogChange;
import io.trendstream.records.WindowAggregate;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Instant;

/**
 * Turns each firing of a product's window into a {@link WindowStats} record: the row's totals, the product's name and
 * category as the catalog has them when the row arrives, and the firing's revision (1 for the first firing, one more
 * for each late re-firing), so that a consumer keeps the highest.
 *
 * <p>A catalog change applies to the rows that arrive after it: a rename changes the name of windows that fire (or
 * re-fire) later, never of records already written. A product not in the catalog is enriched with an empty name and
 * category, counted in {@value PipelineMetrics#UNKNOWN_PRODUCTS}; nothing waits for the catalog and nothing is dropped.
 *
 * <p>Keyed by product. The revision of each open window is keyed state, freed by an event-time timer once the window
 * operator has closed the window for good (its end plus the allowed lateness): after that the window cannot fire
 * again. A replay after a restore re-fires the same windows in the same order from the same state, so it gives the
 * same revisions.
 */
public final class WindowEnrichment extends KeyedBroadcastProcessFunction<String, WindowAggregate, CatalogChange, WindowStats> {
    private static final long serialVersionUID = 1L;

    /** Per product: window start to the revision of its latest firing. The name is part of savepoints. */
    static final MapStateDescriptor<Long, Integer> REVISIONS = new MapStateDescriptor<>("window-revisions", Types.LONG, Types.INT);

    private final long windowSizeMillis;
    private final long allowedLatenessMillis;
    private transient MapState<Long, Integer> revisions;
    private transient Counter unknownProducts;

    public WindowEnrichment(WindowSettings windows) {
        this.windowSizeMillis = windows.size().toMillis();
        this.allowedLatenessMillis = windows.allowedLateness().toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        revisions = getRuntimeContext().getMapState(REVISIONS);
        unknownProducts = getRuntimeContext().getMetricGroup().addGroup(PipelineMetrics.GROUP)
                .addGroup(PipelineMetrics.OUTPUT_LABEL, "windows").counter(PipelineMetrics.UNKNOWN_PRODUCTS);
    }

    @Override
    public void processElement(WindowAggregate row, ReadOnlyContext ctx, Collector<WindowStats> out) throws Exception {
        Integer previous = revisions.get(row.windowStart());
        int revision = previous == null ? 1 : previous + 1;
        revisions.put(row.windowStart(), revision);
        if (previous == null) {
            // The window operator's own cleanup time: once the watermark passes it, the window cannot fire again.
            // Tumbling windows: one window of the key per timer, found again from the timer's time.
            ctx.timerService().registerEventTimeTimer(row.windowStart() + windowSizeMillis - 1 + allowedLatenessMillis);
        }
        Product product = ProductCatalog.lookup(ctx.getBroadcastState(ProductCatalog.STATE), row.productId());
        if (product == null) {
            unknownProducts.inc();
        }
        out.collect(WindowStats.newBuilder()
                .setProductId(row.productId())
                .setProductName(ProductCatalog.nameOf(product))
                .setCategory(ProductCatalog.categoryOf(product))
                .setWindowStart(Instant.ofEpochMilli(row.windowStart()))
                .setWindowEnd(Instant.ofEpochMilli(row.windowEnd()))
                .setRevision(revision)
                .setOrders(row.orders())
                .setUnits(row.units())
                .setRevenue(row.revenue())
                .setAverageOrderValue(row.averageOrderValue())
                .setDistinctUsers(row.distinctUsers())
                .setViews(row.views())
                .setConversion(row.conversion())
                .build());
    }

    @Override
    public void processBroadcastElement(CatalogChange change, Context ctx, Collector<WindowStats> out) throws Exception {
        ProductCatalog.apply(ctx.getBroadcastState(ProductCatalog.STATE), change);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WindowStats> out) throws Exception {
        revisions.remove(timestamp + 1 - allowedLatenessMillis - windowSizeMillis);
    }
}
