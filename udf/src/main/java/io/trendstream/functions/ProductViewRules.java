package io.trendstream.functions;

import io.trendstream.events.ProductView;
import io.trendstream.records.DeadLetterReason;

import java.time.Duration;

import static io.trendstream.functions.OrderEventRules.isBlank;

/** Views need an event id, a user and a product. */
public final class ProductViewRules implements EventRules<ProductView> {
    private static final long serialVersionUID = 1L;

    private final long maxFutureSkewMillis;

    public ProductViewRules(Duration maxFutureSkew) {
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
    }

    @Override
    public String eventId(ProductView event) {
        return event.getEventId();
    }

    @Override
    public long eventTime(ProductView event) {
        return event.getEventTime().toEpochMilli();
    }

    @Override
    public Rejection validate(ProductView view, long nowMillis) {
        if (isBlank(view.getEventId())) {
            return new Rejection(DeadLetterReason.MISSING_EVENT_ID, "view has no eventId");
        }
        if (isBlank(view.getUserId())) {
            return new Rejection(DeadLetterReason.MISSING_USER_ID, "view " + view.getEventId() + " has no userId");
        }
        if (isBlank(view.getProductId())) {
            return new Rejection(DeadLetterReason.MISSING_PRODUCT_ID, "view " + view.getEventId() + " has no productId");
        }
        return FutureEventTime.check(eventTime(view), nowMillis, maxFutureSkewMillis);
    }
}
