package io.trendstream.gateway.ingest;

import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.functions.EventRules;
import io.trendstream.functions.OrderEventRules;
import io.trendstream.functions.ProductViewRules;

import org.apache.avro.specific.SpecificRecord;

import java.time.Duration;
import java.time.Instant;

/**
 * What the gateway needs to know about one kind of event: how clients write it, the job's rules for it, how the
 * gateway completes it (event id and time, and an order's id) and its Kafka key.
 *
 * @param <T> the Avro type the job reads
 */
abstract class EventKind<T extends SpecificRecord> {

    final String name;
    final Class<T> type;
    final EventJsonReader<T> reader;
    final EventRules<T> rules;

    private EventKind(String name, Class<T> type, EventJsonReader.ObjectReader<T> reader, EventRules<T> rules) {
        this.name = name;
        this.type = type;
        this.reader = new EventJsonReader<>(reader);
        this.rules = rules;
    }

    /** The job's rules with the job's {@code validation.max-future-skew}. */
    static EventKind<OrderEvent> orders(Duration maxFutureSkew) {
        return new EventKind<>("order", OrderEvent.class, new OrderJson(), new OrderEventRules(maxFutureSkew)) {
            @Override
            String eventId(OrderEvent event) {
                return event.getEventId();
            }

            @Override
            Instant eventTime(OrderEvent event) {
                return event.getEventTime();
            }

            @Override
            void complete(OrderEvent event, String eventId, Instant eventTime) {
                event.setEventId(eventId);
                event.setEventTime(eventTime);
                if (event.getOrderId() == null) {
                    event.setOrderId(eventId); // an order posted without its own id is identified by its event
                }
            }

            @Override
            String key(OrderEvent event) {
                return event.getOrderId();
            }
        };
    }

    static EventKind<ProductView> views(Duration maxFutureSkew) {
        return new EventKind<>("product view", ProductView.class, new ProductViewJson(), new ProductViewRules(maxFutureSkew)) {
            @Override
            String eventId(ProductView event) {
                return event.getEventId();
            }

            @Override
            Instant eventTime(ProductView event) {
                return event.getEventTime();
            }

            @Override
            void complete(ProductView event, String eventId, Instant eventTime) {
                event.setEventId(eventId);
                event.setEventTime(eventTime);
            }

            @Override
            String key(ProductView event) {
                return event.getProductId();
            }
        };
    }

    /** The id the client gave, or null. */
    abstract String eventId(T event);

    /** The time the client gave, or null. */
    abstract Instant eventTime(T event);

    /** Sets the event's id and time (the client's or the assigned ones) and anything derived from them. */
    abstract void complete(T event, String eventId, Instant eventTime);

    /** The Kafka record key: orders by order, views by product. */
    abstract String key(T event);
}
