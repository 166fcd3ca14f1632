package io.trendstream.functions;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.testing.Events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.trendstream.testing.Events.line;
import static org.assertj.core.api.Assertions.assertThat;

/** An order is usable with ids, at least one line, positive quantities and prices, and a plausible event time. */
class OrderEventRulesTest {

    private static final Duration SKEW = Duration.ofMinutes(10);
    private static final long NOW = Events.T0.toEpochMilli();

    private final OrderEventRules rules = new OrderEventRules(SKEW);

    private Rejection validate(OrderEvent order) {
        return rules.validate(order, NOW);
    }

    @Test
    void acceptsAValidOrder() {
        assertThat(validate(Events.validOrder())).isNull();
    }

    @Test
    void exposesTheEventIdAndTheEventTimeInEpochMillis() {
        OrderEvent order = Events.validOrder();

        assertThat(rules.eventId(order)).isEqualTo("e-1");
        assertThat(rules.eventTime(order)).isEqualTo(NOW);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   "})
    void rejectsAnOrderWithoutEventId(String eventId) {
        OrderEvent order = Events.order("e-1", line("p-1", 1, "1.00")).setEventId(eventId).build();

        assertThat(validate(order)).isEqualTo(new Rejection(DeadLetterReason.MISSING_EVENT_ID, "order has no eventId"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " "})
    void rejectsAnOrderWithoutOrderId(String orderId) {
        OrderEvent order = Events.order("e-1", line("p-1", 1, "1.00")).setOrderId(orderId).build();

        assertThat(validate(order)).isEqualTo(
                new Rejection(DeadLetterReason.MISSING_ORDER_ID, "order event e-1 has no orderId"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "\t"})
    void rejectsAnOrderWithoutUserId(String userId) {
        OrderEvent order = Events.order("e-1", line("p-1", 1, "1.00")).setUserId(userId).build();

        assertThat(validate(order)).isEqualTo(
                new Rejection(DeadLetterReason.MISSING_USER_ID, "order event e-1 has no userId"));
    }

    @Test
    void rejectsAnOrderWithoutLineItems() {
        OrderEvent order = Events.order("e-1").build();

        assertThat(validate(order)).isEqualTo(
                new Rejection(DeadLetterReason.NO_LINE_ITEMS, "order event e-1 has no line items"));
    }

    @Test
    void rejectsAnOrderWhoseLineItemsAreNull() {
        OrderEvent order = Events.validOrder();
        order.setLineItems(null);

        assertThat(validate(order).reason()).isEqualTo(DeadLetterReason.NO_LINE_ITEMS);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void rejectsALineWithoutProductIdNamingTheLine(String productId) {
        OrderEvent order = Events.order("e-1", line("p-1", 1, "1.00"), line(productId, 1, "1.00")).build();

        assertThat(validate(order)).isEqualTo(
                new Rejection(DeadLetterReason.MISSING_PRODUCT_ID, "line item 1 has no productId"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void rejectsANonPositiveQuantity(int quantity) {
        OrderEvent order = Events.order("e-1", line("p-1", 1, "1.00"), line("p-2", quantity, "1.00")).build();

        assertThat(validate(order)).isEqualTo(new Rejection(DeadLetterReason.NON_POSITIVE_QUANTITY,
                "line item 1 (p-2) has quantity " + quantity));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.00", "-0.01", "-19.99"})
    void rejectsANonPositivePrice(String price) {
        OrderEvent order = Events.order("e-1", line("p-1", 1, price)).build();

        assertThat(validate(order)).isEqualTo(new Rejection(DeadLetterReason.NON_POSITIVE_PRICE,
                "line item 0 (p-1) has unit price " + price));
    }

    @Test
    void rejectsAMissingPrice() {
        List<LineItem> lines = new ArrayList<>();
        lines.add(new LineItem("p-1", 1, null)); // the all-fields constructor does not validate
        OrderEvent order = Events.validOrder();
        order.setLineItems(lines);

        assertThat(validate(order)).isEqualTo(new Rejection(DeadLetterReason.NON_POSITIVE_PRICE,
                "line item 0 (p-1) has unit price null"));
    }

    @Test
    void acceptsTheSmallestPositivePrice() {
        OrderEvent order = Events.order("e-1", line("p-1", 1, "0.01")).build();

        assertThat(validate(order)).isNull();
    }

    @Test
    void acceptsAnEventTimeExactlyAtTheAllowedSkewAhead() {
        OrderEvent order = Events.validOrder();
        order.setEventTime(Events.T0.plus(SKEW));

        assertThat(validate(order)).isNull();
    }

    @Test
    void rejectsAnEventTimeOneMillisecondBeyondTheAllowedSkew() {
        OrderEvent order = Events.validOrder();
        order.setEventTime(Events.T0.plus(SKEW).plusMillis(1));

        assertThat(validate(order)).isEqualTo(new Rejection(DeadLetterReason.EVENT_TIME_IN_FUTURE,
                "event time 2026-11-22T10:10:00.001Z is more than 600000 ms ahead of the clock (2026-11-22T10:00:00Z)"));
    }

    @Test
    void acceptsEventTimesInThePastHoweverOld() {
        OrderEvent order = Events.validOrder();
        order.setEventTime(Events.T0.minus(Duration.ofDays(365)));

        assertThat(validate(order)).isNull();
    }

    @Test
    void reportsTheFirstProblemInFieldOrder() {
        OrderEvent order = Events.order(null, line(null, 0, "0.00")).setUserId(null).build();

        assertThat(validate(order).reason()).isEqualTo(DeadLetterReason.MISSING_EVENT_ID);
    }

    @Test
    void reportsTheFirstBadLine() {
        OrderEvent order = Events.order("e-1", line("p-1", 1, "1.00"), line("p-2", 1, "0.00"), line("p-3", 0, "1.00"))
                .build();

        assertThat(validate(order)).isEqualTo(new Rejection(DeadLetterReason.NON_POSITIVE_PRICE,
                "line item 1 (p-2) has unit price 0.00"));
    }

    @Test
    void usesTheSkewItWasConfiguredWith() {
        OrderEventRules strict = new OrderEventRules(Duration.ofSeconds(1));
        OrderEvent order = Events.validOrder();
        order.setEventTime(Events.T0.plusMillis(1_001));

        assertThat(strict.validate(order, NOW).reason()).isEqualTo(DeadLetterReason.EVENT_TIME_IN_FUTURE);
    }
}
