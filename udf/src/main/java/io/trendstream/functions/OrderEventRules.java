package io.trendstream.functions;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.records.DeadLetterReason;

import java.math.BigDecimal;
import java.time.Duration;

/** Orders need ids, at least one line item, and positive quantities and prices. */
public final class OrderEventRules implements EventRules<OrderEvent> {
    private static final long serialVersionUID = 1L;

    private final long maxFutureSkewMillis;

    public OrderEventRules(Duration maxFutureSkew) {
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
    }

    @Override
    public String eventId(OrderEvent event) {
        return event.getEventId();
    }

    @Override
    public long eventTime(OrderEvent event) {
        return event.getEventTime().toEpochMilli();
    }

    @Override
    public Rejection validate(OrderEvent order, long nowMillis) {
        if (isBlank(order.getEventId())) {
            return new Rejection(DeadLetterReason.MISSING_EVENT_ID, "order has no eventId");
        }
        if (isBlank(order.getOrderId())) {
            return new Rejection(DeadLetterReason.MISSING_ORDER_ID, "order event " + order.getEventId() + " has no orderId");
        }
        if (isBlank(order.getUserId())) {
            return new Rejection(DeadLetterReason.MISSING_USER_ID, "order event " + order.getEventId() + " has no userId");
        }
        if (order.getLineItems() == null || order.getLineItems().isEmpty()) {
            return new Rejection(DeadLetterReason.NO_LINE_ITEMS, "order event " + order.getEventId() + " has no line items");
        }
        for (int i = 0; i < order.getLineItems().size(); i++) {
            LineItem item = order.getLineItems().get(i);
            if (isBlank(item.getProductId())) {
                return new Rejection(DeadLetterReason.MISSING_PRODUCT_ID, "line item " + i + " has no productId");
            }
            if (item.getQuantity() <= 0) {
                return new Rejection(DeadLetterReason.NON_POSITIVE_QUANTITY,
                        "line item " + i + " (" + item.getProductId() + ") has quantity " + item.getQuantity());
            }
            if (item.getUnitPrice() == null || item.getUnitPrice().compareTo(BigDecimal.ZERO) <= 0) {
                return new Rejection(DeadLetterReason.NON_POSITIVE_PRICE,
                        "line item " + i + " (" + item.getProductId() + ") has unit price " + item.getUnitPrice());
            }
        }
        try {
            OrderToActivities.totalsByProduct(order);
        } catch (ArithmeticException e) {
            return new Rejection(DeadLetterReason.AMOUNT_OUT_OF_RANGE,
                    "order event " + order.getEventId() + " has a product whose units or revenue do not fit the totals");
        }
        return FutureEventTime.check(eventTime(order), nowMillis, maxFutureSkewMillis);
    }

    static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
