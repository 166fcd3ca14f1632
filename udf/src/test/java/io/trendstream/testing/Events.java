package io.trendstream.testing;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Builders of valid input events, for tests to change one thing at a time. */
public final class Events {

    public static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    public static LineItem line(String productId, int quantity, String unitPrice) {
        return LineItem.newBuilder()
                .setProductId(productId)
                .setQuantity(quantity)
                .setUnitPrice(new BigDecimal(unitPrice))
                .build();
    }

    public static OrderEvent.Builder order(String eventId, LineItem... lines) {
        return OrderEvent.newBuilder()
                .setEventId(eventId)
                .setOrderId("order-" + eventId)
                .setUserId("user-1")
                .setLineItems(List.of(lines))
                .setCurrency("EUR")
                .setEventTime(T0)
                .setChannel("web");
    }

    public static OrderEvent validOrder() {
        return order("e-1", line("p-1", 2, "19.99")).build();
    }

    public static ProductView.Builder view(String eventId) {
        return ProductView.newBuilder()
                .setEventId(eventId)
                .setUserId("user-1")
                .setProductId("p-1")
                .setSessionId("s-1")
                .setEventTime(T0);
    }

    public static ProductView validView() {
        return view("v-1").build();
    }

    private Events() {}
}
