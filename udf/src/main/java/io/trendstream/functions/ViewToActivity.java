package io.trendstream.functions;

import io.trendstream.events.ProductView;
import io.trendstream.records.ProductActivity;

import org.apache.flink.api.common.functions.MapFunction;

/** A product view as activity on its product. */
public final class ViewToActivity implements MapFunction<ProductView, ProductActivity> {
    private static final long serialVersionUID = 1L;

    @Override
    public ProductActivity map(ProductView view) {
        return ProductActivity.view(view.getEventId(), view.getProductId(), view.getUserId(), view.getEventTime().toEpochMilli());
    }
}
