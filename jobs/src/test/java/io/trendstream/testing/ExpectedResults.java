package io.trendstream.testing;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The window rows the pipeline must produce for the events that count, computed the plain way,
 * independently of the pipeline's operators.
 */
public final class ExpectedResults {
    private final long windowMillis;
    private final Map<String, Totals> windows = new TreeMap<>();

    public ExpectedResults(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    /** An order counts once for each product it contains, with all of that product's lines. */
    public void count(OrderEvent order) {
        long time = order.getEventTime().toEpochMilli();
        Set<String> counted = new HashSet<>();
        for (LineItem line : order.getLineItems()) {
            Totals totals = totals(line.getProductId(), time);
            if (counted.add(line.getProductId())) {
                totals.orders++;
            }
            totals.units += line.getQuantity();
            totals.revenueCents += line.getUnitPrice().multiply(BigDecimal.valueOf(line.getQuantity()))
                    .movePointRight(2).longValueExact();
            totals.users.add(order.getUserId());
        }
    }

    public void count(ProductView view) {
        Totals totals = totals(view.getProductId(), view.getEventTime().toEpochMilli());
        totals.views++;
        totals.users.add(view.getUserId());
    }

    public long windowStart(long eventTime) {
        return eventTime - Math.floorMod(eventTime, windowMillis);
    }

    private Totals totals(String productId, long eventTime) {
        long start = windowStart(eventTime);
        return windows.computeIfAbsent(WindowRow.key(productId, start), k -> new Totals(productId, start));
    }

    /** Expected rows of windows that start before {@code endExclusive}, keyed by product and window start. */
    public Map<String, WindowRow> rowsBefore(long endExclusive) {
        Map<String, WindowRow> rows = new TreeMap<>();
        windows.forEach((key, t) -> {
            if (t.windowStart < endExclusive) {
                BigDecimal revenue = BigDecimal.valueOf(t.revenueCents, 2);
                BigDecimal aov = t.orders == 0 ? BigDecimal.ZERO.setScale(2)
                        : revenue.divide(BigDecimal.valueOf(t.orders), 2, RoundingMode.HALF_EVEN);
                rows.put(key, new WindowRow(t.productId, t.windowStart, t.windowStart + windowMillis, t.orders, t.units,
                        revenue, aov, t.users.size(), t.views, t.views == 0 ? null : (double) t.orders / t.views));
            }
        });
        return rows;
    }

    private static final class Totals {
        final String productId;
        final long windowStart;
        long orders;
        long units;
        long revenueCents;
        long views;
        final Set<String> users = new HashSet<>();

        Totals(String productId, long windowStart) {
            this.productId = productId;
            this.windowStart = windowStart;
        }
    }
}
