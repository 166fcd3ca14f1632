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
     * orders: the order rules and the bundler take every order in the source task); larger ones through a map, so that an
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
        forEachProduct(order, (productId, units, revenueCents) -> {
            activities.order(productId, order.getEventId(), order.getUserId(), eventTime, units, revenueCents);
            return true;
        });
    }

    /** An order's units and revenue on one product, all its lines of the product merged. */
    @FunctionalInterface
    interface ProductTotals {
        /** @return whether to go on with the order's next product */
        boolean accept(String productId, int units, long revenueCents);
    }

    /**
     * Gives {@code totals} each product of {@code order} once, in the order's product order, with its lines merged:
     * the one rule for what an order is per product, for its activities and for the order rules' limits.
     *
     * @return false when {@code totals} stopped early
     * @throws ArithmeticException when a total does not fit (units in an int, cents in a long); the order rules
     *     reject such orders before their activities are taken
     */
    static boolean forEachProduct(OrderEvent order, ProductTotals totals) {
        List<LineItem> lines = order.getLineItems();
        if (lines.size() > MERGED_WITHOUT_A_MAP) {
            for (Map.Entry<String, long[]> product : totalsByProduct(lines).entrySet()) {
                long[] total = product.getValue();
                if (!totals.accept(product.getKey(), (int) total[0], total[1])) {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < lines.size(); i++) {
            String productId = lines.get(i).getProductId();
            if (!anyOf(lines, 0, i, productId)) { // the product's first line: it takes the product's later lines too
                int units = 0;
                long cents = 0;
                for (int j = i; j < lines.size(); j++) {
                    LineItem line = lines.get(j);
                    if (line.getProductId().equals(productId)) {
                        units = Math.addExact(units, line.getQuantity());
                        cents = Math.addExact(cents, cents(line));
                    }
                }
                if (!totals.accept(productId, units, cents)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Units and revenue in cents per product, in the lines' product order: {@code productId -> {units, cents}}. */
    private static Map<String, long[]> totalsByProduct(List<LineItem> lines) {
        Map<String, long[]> byProduct = new LinkedHashMap<>();
        for (LineItem item : lines) {
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
