package io.trendstream.records;

/**
 * One user's activity on one product at one event time: a product view, or the lines of an order
 * for one product (merged, so that an order counts once per product).
 *
 * @param eventId the id of the source event, for tracing a late or duplicated record
 * @param revenueCents revenue in minor currency units; exact, so totals never drift
 */
public record ProductActivity(
        String eventId,
        String productId,
        String userId,
        ActivityKind kind,
        long eventTime,
        int units,
        long revenueCents) {

    public static ProductActivity view(String eventId, String productId, String userId, long eventTime) {
        return new ProductActivity(eventId, productId, userId, ActivityKind.VIEW, eventTime, 0, 0L);
    }

    public static ProductActivity order(
            String eventId, String productId, String userId, long eventTime, int units, long revenueCents) {
        return new ProductActivity(eventId, productId, userId, ActivityKind.ORDER, eventTime, units, revenueCents);
    }
}
