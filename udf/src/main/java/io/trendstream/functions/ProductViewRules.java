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
            rejection = required("userId", view.getUserId(), DeadLetterReason.MISSING_USER_ID, view);
        }
        if (rejection == null) {
            rejection = required("productId", view.getProductId(), DeadLetterReason.MISSING_PRODUCT_ID, view);
        }
        if (rejection == null) {
            rejection = TextFields.optional("sessionId", view.getSessionId());
        }
        if (rejection == null) {
            rejection = EventTimeBounds.check(view.getEventTime(), nowMillis, maxFutureSkewMillis);
        }
        return rejection;
    }

    /** A required field of a view with an event id; the detail is made only for a rejection, not for every view. */
    private static Rejection required(String field, String value, DeadLetterReason missing, ProductView view) {
        if (TextFields.isMissing(value)) {
            return new Rejection(missing, "view " + view.getEventId() + " has no " + field);
        }
        return TextFields.optional(field, value);
    }
}
