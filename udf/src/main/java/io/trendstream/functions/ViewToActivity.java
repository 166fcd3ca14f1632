package io.trendstream.functions;

import io.trendstream.events.ProductView;
import io.trendstream.records.ActivitySink;
import io.trendstream.records.ProductActivity;

import org.apache.flink.api.common.functions.MapFunction;

import java.util.ArrayList;
import java.util.List;

/** A product view as activity on its product. */
public final class ViewToActivity implements MapFunction<ProductView, ProductActivity>, ActivityExtractor<ProductView> {
    private static final long serialVersionUID = 1L;

    @Override
    public ProductActivity map(ProductView view) {
        List<ProductActivity> one = new ArrayList<>(1);
        extract(view, ProductActivity.into(one::add));
        return one.get(0);
    }

    @Override
    public void extract(ProductView view, ActivitySink activities) {
        activities.view(view.getProductId(), view.getEventId(), view.getUserId(), view.getEventTime().toEpochMilli());
    }
}
