package io.trendstream.generator;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;

/**
 * Window rows computed the plain way from decoded events, independently of the generator's ledger (the same rules
 * as the jobs module's ExpectedResults: an order counts once per product, revenue exact, users who ordered or
 * viewed).
 */
final class IndependentTotals {

    private final long windowMillis;
    private final Map<String, Totals> windows = new TreeMap<>();

    IndependentTotals(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    void count(OrderEvent order) {
        long time = order.getEventTime().toEpochMilli();
        Set<String> counted = new HashSet<>();
        for (LineItem line : order.getLineItems()) {
            Totals t = totals(line.getProductId(), time);
            if (counted.add(line.getProductId())) {
                t.orders++;
            }
            t.units += line.getQuantity();
            t.revenue = t.revenue.add(line.getUnitPrice().multiply(BigDecimal.valueOf(line.getQuantity())));
            t.users.add(order.getUserId());
        }
    }

    void count(ProductView view) {
        Totals t = totals(view.getProductId(), view.getEventTime().toEpochMilli());
        t.views++;
        t.users.add(view.getUserId());
    }

    Map<String, WindowCount> rows() {
        Map<String, WindowCount> rows = new TreeMap<>();
        windows.values().forEach(t -> {
            WindowCount row = new WindowCount(t.productId, t.windowStart, t.orders, t.units, t.revenue.setScale(2),
                    t.views, t.users.size());
            rows.put(row.key(), row);
        });
        return rows;
    }

    private Totals totals(String productId, long eventTime) {
        long start = eventTime - Math.floorMod(eventTime, windowMillis);
        return windows.computeIfAbsent(productId + "@" + start, k -> new Totals(productId, start));
    }

    private static final class Totals {
        final String productId;
        final long windowStart;
        long orders;
        long units;
        BigDecimal revenue = BigDecimal.ZERO.setScale(2);
        long views;
        final Set<String> users = new HashSet<>();

        Totals(String productId, long windowStart) {
            this.productId = productId;
            this.windowStart = windowStart;
        }
    }
}
