package io.trendstream.functions;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.records.ProductActivity;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One activity per product of an order: lines of the same product are merged first, so that an
 * order counts once for each product it contains. Revenue is kept in exact minor units.
 */
public final class OrderToActivities implements FlatMapFunction<OrderEvent, ProductActivity> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(OrderEvent order, Collector<ProductActivity> out) {
        long eventTime = order.getEventTime().toEpochMilli();
        totalsByProduct(order).forEach((productId, totals) -> out.collect(ProductActivity.order(
                order.getEventId(), productId, order.getUserId(), eventTime, Math.toIntExact(totals[0]), totals[1])));
    }

    /**
     * Units and revenue in cents per product, in the order's product order: {@code productId -> {units, cents}}.
     *
     * @throws ArithmeticException when a total does not fit (units in an int, cents in a long); the
     *     order rules reject such orders before they get here
     */
    static Map<String, long[]> totalsByProduct(OrderEvent order) {
        Map<String, long[]> byProduct = new LinkedHashMap<>();
        for (LineItem item : order.getLineItems()) {
            long[] totals = byProduct.computeIfAbsent(item.getProductId(), p -> new long[2]);
            totals[0] = Math.toIntExact(totals[0] + item.getQuantity());
            long lineCents = Math.multiplyExact(item.getUnitPrice().movePointRight(2).longValueExact(), (long) item.getQuantity());
            totals[1] = Math.addExact(totals[1], lineCents);
        }
        return byProduct;
    }
}
