package io.trendstream.functions;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.records.ActivitySink;
import io.trendstream.records.ProductActivity;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One activity per product of an order: lines of the same product are merged first, so that an
 * order counts once for each product it contains. Revenue is kept in exact minor units.
 */
public final class OrderToActivities implements FlatMapFunction<OrderEvent, ProductActivity>, ActivityExtractor<OrderEvent> {
    private static final long serialVersionUID = 1L;

    /**
     * Orders of up to this many lines are merged by comparing their lines' products, without a map per order (most
     * orders: the bundler takes every order's activity in the source task); larger ones through a map, so that an
     * order of {@link EventLimits#MAX_LINE_ITEMS} lines costs no quadratic number of comparisons.
     */
    static final int MERGED_WITHOUT_A_MAP = 8;

    @Override
    public void flatMap(OrderEvent order, Collector<ProductActivity> out) {
        extract(order, ProductActivity.into(out::collect));
    }

    @Override
    public void extract(OrderEvent order, ActivitySink activities) {
        long eventTime = order.getEventTime().toEpochMilli();
        List<LineItem> lines = order.getLineItems();
        if (lines.size() > MERGED_WITHOUT_A_MAP) {
            totalsByProduct(order).forEach((productId, totals) -> activities.order(
                    productId, order.getEventId(), order.getUserId(), eventTime, Math.toIntExact(totals[0]), totals[1]));
            return;
        }
        for (int i = 0; i < lines.size(); i++) {
            String productId = lines.get(i).getProductId();
            if (!anyOf(lines, 0, i, productId)) { // the product's first line: it takes the product's later lines too
                long units = 0;
                long cents = 0;
                for (int j = i; j < lines.size(); j++) {
                    LineItem line = lines.get(j);
                    if (line.getProductId().equals(productId)) {
                        units = Math.toIntExact(units + line.getQuantity());
                        cents = Math.addExact(cents, cents(line));
                    }
                }
                activities.order(productId, order.getEventId(), order.getUserId(), eventTime, (int) units, cents);
            }
        }
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
            totals[1] = Math.addExact(totals[1], cents(item));
        }
        return byProduct;
    }

    /** A line's revenue in cents: its unit price (two decimal places at most, as the order rules require) times its quantity. */
    private static long cents(LineItem line) {
        return Math.multiplyExact(line.getUnitPrice().movePointRight(2).longValueExact(), (long) line.getQuantity());
    }

    private static boolean anyOf(List<LineItem> lines, int from, int to, String productId) {
        for (int i = from; i < to; i++) {
            if (lines.get(i).getProductId().equals(productId)) {
                return true;
            }
        }
        return false;
    }
}
