package io.trendstream.testing;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Small factories for test events. */
public final class Events {

    public static LineItem line(String productId, int quantity, String unitPrice) {
        return LineItem.newBuilder().setProductId(productId).setQuantity(quantity)
                .setUnitPrice(new BigDecimal(unitPrice)).build();
    }

    public static OrderEvent order(String eventId, String userId, long eventTime, LineItem... lines) {
        return OrderEvent.newBuilder()
                .setEventId(eventId)
                .setOrderId("order-" + eventId)
                .setUserId(userId)
                .setLineItems(new ArrayList<>(List.of(lines)))
                .setCurrency("EUR")
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setChannel("web")
                .build();
    }

    public static ProductView view(String eventId, String userId, String productId, long eventTime) {
        return ProductView.newBuilder()
                .setEventId(eventId)
                .setUserId(userId)
                .setProductId(productId)
                .setSessionId("session-" + userId)
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .build();
    }

    private Events() {}
}
