package io.trendstream.functions;

import io.trendstream.events.ProductView;
import io.trendstream.records.DeadLetterReason;

import java.time.Duration;

/** Views need an event id, a user and a product, text the database can store, and a plausible event time. */
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
        Rejection rejection = TextFields.required("eventId", view.getEventId(),
                DeadLetterReason.MISSING_EVENT_ID, "view has no eventId");
        if (rejection == null) {
            rejection = TextFields.required(
                    "userId", view.getUserId(), DeadLetterReason.MISSING_USER_ID, "view", view.getEventId());
        }
        if (rejection == null) {
            rejection = TextFields.required(
                    "productId", view.getProductId(), DeadLetterReason.MISSING_PRODUCT_ID, "view", view.getEventId());
        }
        if (rejection == null) {
            rejection = TextFields.optional("sessionId", view.getSessionId());
        }
        if (rejection == null) {
            rejection = EventTimeBounds.check("eventTime", view.getEventTime(), nowMillis, maxFutureSkewMillis);
        }
        return rejection;
    }
}
