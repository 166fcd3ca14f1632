package io.trendstream.functions;

import io.trendstream.events.Product;
import io.trendstream.events.TrendAlert;
import io.trendstream.metrics.PipelineMetrics;
import io.trendstream.records.CatalogChange;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gives each alert its product's name and category as the catalog has them when the alert arrives (empty for a
 * product not in the catalog, counted in {@value PipelineMetrics#UNKNOWN_PRODUCTS}); as {@link WindowEnrichment}
 * does for window rows, with the same rules ({@link ProductCatalog}).
 */
public final class AlertEnrichment extends BroadcastProcessFunction<TrendAlert, CatalogChange, TrendAlert> {
    private static final long serialVersionUID = 1L;

    private transient Counter unknownProducts;

    @Override
    public void open(OpenContext openContext) {
        unknownProducts = getRuntimeContext().getMetricGroup().addGroup(PipelineMetrics.GROUP)
                .addGroup(PipelineMetrics.OUTPUT_LABEL, "alerts").counter(PipelineMetrics.UNKNOWN_PRODUCTS);
    }

    @Override
    public void processElement(TrendAlert alert, ReadOnlyContext ctx, Collector<TrendAlert> out) throws Exception {
        Product product = ProductCatalog.lookup(ctx.getBroadcastState(ProductCatalog.STATE), alert.getProductId());
        if (product == null) {
            unknownProducts.inc();
        }
        out.collect(TrendAlert.newBuilder(alert)
                .setProductName(ProductCatalog.nameOf(product))
                .setCategory(ProductCatalog.categoryOf(product))
                .build());
    }

    @Override
    public void processBroadcastElement(CatalogChange change, Context ctx, Collector<TrendAlert> out) throws Exception {
        ProductCatalog.apply(ctx.getBroadcastState(ProductCatalog.STATE), change);
    }
}
