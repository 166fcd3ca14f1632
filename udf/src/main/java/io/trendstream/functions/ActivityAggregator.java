package io.trendstream.functions;

import io.trendstream.records.ActivityAccumulator;
import io.trendstream.records.ProductActivity;

import org.apache.flink.api.common.functions.AggregateFunction;

/** Sums a product's orders, units, revenue and views and collects its distinct users, incrementally. */
public final class ActivityAggregator implements AggregateFunction<ProductActivity, ActivityAccumulator, ActivityAccumulator> {
    private static final long serialVersionUID = 1L;

    @Override
    public ActivityAccumulator createAccumulator() {
        return new ActivityAccumulator();
    }

    @Override
    public ActivityAccumulator add(ProductActivity activity, ActivityAccumulator accumulator) {
        accumulator.add(activity);
        return accumulator;
    }

    @Override
    public ActivityAccumulator getResult(ActivityAccumulator accumulator) {
        return accumulator;
    }

    @Override
    public ActivityAccumulator merge(ActivityAccumulator a, ActivityAccumulator b) {
        return a.merge(b);
    }
}
