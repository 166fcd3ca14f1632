package io.trendstream.records;

import java.util.function.Consumer;

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

    /** Gives this activity to {@code sink}. */
    public void writeTo(ActivitySink sink) {
        if (kind == ActivityKind.ORDER) {
            sink.order(productId, eventId, userId, eventTime, units, revenueCents);
        } else {
            sink.view(productId, eventId, userId, eventTime);
        }
    }

    /** A sink that makes each activity it takes a {@code ProductActivity}, for {@code consumer}. */
    public static ActivitySink into(Consumer<ProductActivity> consumer) {
        return new ActivitySink() {
            @Override
            public void view(String productId, String eventId, String userId, long eventTime) {
                consumer.accept(ProductActivity.view(eventId, productId, userId, eventTime));
            }

            @Override
            public void order(String productId, String eventId, String userId, long eventTime, int units, long revenueCents) {
                consumer.accept(ProductActivity.order(eventId, productId, userId, eventTime, units, revenueCents));
            }
        };
    }
}
