package io.trendstream.records;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The activity of one product in one tumbling event-time window. A window updated by a late event
 * is emitted again with the same key ({@code productId}, {@code windowStart}) and complete totals,
 * so an upsert converges to one correct row.
 */
public record WindowAggregate(
        String productId,
        long windowStart,
        long windowEnd,
        long orders,
        long units,
        long revenueCents,
        long distinctUsers,
        long views) {

    public BigDecimal revenue() {
        return BigDecimal.valueOf(revenueCents, 2);
    }

    /** Revenue per order, or zero when the window has no orders. */
    public BigDecimal averageOrderValue() {
        return orders == 0 ? BigDecimal.ZERO.setScale(2) : revenue().divide(BigDecimal.valueOf(orders), 2, RoundingMode.HALF_EVEN);
    }

    /** Orders per view, or null when the window has no views (conversion is undefined then). */
    public Double conversion() {
        return views == 0 ? null : (double) orders / views;
    }
}
