package io.trendstream.gateway.ingest;

import io.trendstream.events.OrderEvent;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading events from request bodies: a problem with one event is recorded and the next event is read. */
class EventJsonReaderTest {

    private final EventJsonReader<OrderEvent> reader = new EventJsonReader<>(new OrderJson());

    @Test
    void aProblemInsideALineItemLeavesTheNextEventsReadable() {
        List<EventJsonReader.Read<OrderEvent>> events = read("""
                [{"user_id": "a", "items": [{"product_id": "p", "quantity": 3000000000, "price": 1}, {"product_id": "q", "quantity": 1, "price": 1}]},
                 {"user_id": "b", "items": [{"product_id": "p", "quantity": 1, "price": 1}]}]""");

        assertThat(events).hasSize(2);
        assertThat(events.get(0).problem()).isEqualTo(new InvalidEvent(0, "items[0].quantity", "AMOUNT_OUT_OF_RANGE",
                "items[0].quantity is 3000000000, more than 1000000"));
        assertThat(events.get(1).event().getUserId()).isEqualTo("b");
    }

    @Test
    void aProblemInASingleEventIsItsOnlyEvent() {
        List<EventJsonReader.Read<OrderEvent>> events = read("""
                {"user_id": "a", "coupon": {"x": [1, 2]}, "items": []}""");

        assertThat(events).hasSize(1);
        assertThat(events.get(0).problem().reason()).isEqualTo("UNKNOWN_FIELD");
    }

    private List<EventJsonReader.Read<OrderEvent>> read(String body) {
        return reader.read(body.getBytes(StandardCharsets.UTF_8), false, 100).events();
    }
}
