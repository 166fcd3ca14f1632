package io.trendstream.functions;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.testing.Events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

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

        assertThat(validate(order)).isEqualTo(new Rejection(DeadLetterReason.MISSING_EVENT_ID, "order has no eventId", "eventId"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " "})
    void rejectsAnOrderWithoutOrderId(String orderId) {
        OrderEvent order = Events.order("e-1", line("p-1", 1, "1.00")).setOrderId(orderId).build();

        assertThat(validate(order)).isEqualTo(
                new Rejection(DeadLetterReason.MISSING_ORDER_ID, "order event e-1 has no orderId", "orderId"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "\t"})
    void rejectsAnOrderWithoutUserId(String userId) {
        OrderEvent order = Events.order("e-1", line("p-1", 1, "1.00")).setUserId(userId).build();

        assertThat(validate(order)).isEqualTo(
                new Rejection(DeadLetterReason.MISSING_USER_ID, "order event e-1 has no userId", "userId"));
    }

    @Test
    void rejectsAnOrderWithoutLineItems() {
        OrderEvent order = Events.order("e-1").build();

        assertThat(validate(order)).isEqualTo(
                new Rejection(DeadLetterReason.NO_LINE_ITEMS, "order event e-1 has no line items", "lineItems"));
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
                new Rejection(DeadLetterReason.MISSING_PRODUCT_ID, "line item 1 has no productId", "lineItems[1].productId"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void rejectsANonPositiveQuantity(int quantity) {
        OrderEvent order = Events.order("e-1", line("p-1", 1, "1.00"), line("p-2", quantity, "1.00")).build();

        assertThat(validate(order)).isEqualTo(new Rejection(DeadLetterReason.NON_POSITIVE_QUANTITY,
                "line item 1 (p-2) has quantity " + quantity, "lineItems[1].quantity"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.00", "-0.01", "-19.99"})
    void rejectsANonPositivePrice(String price) {
        OrderEvent order = Events.order("e-1", line("p-1", 1, price)).build();

        assertThat(validate(order)).isEqualTo(new Rejection(DeadLetterReason.NON_POSITIVE_PRICE,
                "line item 0 (p-1) has unit price " + price, "lineItems[0].unitPrice"));
    }

    @Test
    void rejectsAMissingPrice() {
        List<LineItem> lines = new ArrayList<>();
        lines.add(new LineItem("p-1", 1, null)); // the all-fields constructor does not validate
        OrderEvent order = Events.validOrder();
        order.setLineItems(lines);

        assertThat(validate(order)).isEqualTo(new Rejection(DeadLetterReason.NON_POSITIVE_PRICE,
                "line item 0 (p-1) has unit price null", "lineItems[0].unitPrice"));
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
                "event time 2026-11-22T10:10:00.001Z is more than 600000 ms ahead of the clock (2026-11-22T10:00:00Z)",
                "eventTime"));
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
                "line item 1 (p-2) has unit price 0.00", "lineItems[1].unitPrice"));
    }

    // ------------------------------------------------------------------ what the database and the windows can hold

    private static final String LONGEST_ID = "€".repeat(EventLimits.MAX_TEXT_LENGTH); // 3 UTF-8 bytes per char
    private static final String TOO_LONG_ID = "x".repeat(EventLimits.MAX_TEXT_LENGTH + 1);
    private static final String HUGE_ID = "r".repeat(100_000);

    private static OrderEvent orderWith(Consumer<OrderEvent> change) {
        OrderEvent order = Events.validOrder();
        change.accept(order);
        return order;
    }

    private static OrderEvent orderOf(LineItem... lines) {
        return Events.order("e-1", lines).build();
    }

    private static LineItem priced(String productId, int quantity, BigDecimal unitPrice) {
        return LineItem.newBuilder().setProductId(productId).setQuantity(quantity).setUnitPrice(unitPrice).build();
    }

    static Stream<Arguments> hostileOrders() {
        return Stream.of(
                Arguments.of("NUL in the event id", orderWith(o -> o.setEventId("e\u0000-1")), DeadLetterReason.INVALID_TEXT),
                Arguments.of("NUL in the order id", orderWith(o -> o.setOrderId("o\u0000")), DeadLetterReason.INVALID_TEXT),
                Arguments.of("NUL in the user id", orderWith(o -> o.setUserId("\u0000")), DeadLetterReason.INVALID_TEXT),
                Arguments.of("NUL in a product id", orderOf(line("p-1", 1, "1.00"), line("p\u0000", 1, "1.00")),
                        DeadLetterReason.INVALID_TEXT),
                Arguments.of("NUL in the currency", orderWith(o -> o.setCurrency("EU\u0000")), DeadLetterReason.INVALID_TEXT),
                Arguments.of("NUL in the channel", orderWith(o -> o.setChannel("web\u0000")), DeadLetterReason.INVALID_TEXT),
                Arguments.of("a lone high surrogate", orderWith(o -> o.setEventId("e-\uD83D")), DeadLetterReason.INVALID_TEXT),
                Arguments.of("a lone low surrogate", orderWith(o -> o.setUserId("u-\uDE00-1")), DeadLetterReason.INVALID_TEXT),
                Arguments.of("a reversed surrogate pair", orderOf(line("p-\uDE00\uD83D", 1, "1.00")),
                        DeadLetterReason.INVALID_TEXT),
                Arguments.of("an event id one char too long", orderWith(o -> o.setEventId(TOO_LONG_ID)),
                        DeadLetterReason.TEXT_TOO_LONG),
                Arguments.of("a 100 KB event id", orderWith(o -> o.setEventId(HUGE_ID)), DeadLetterReason.TEXT_TOO_LONG),
                Arguments.of("a 100 KB order id", orderWith(o -> o.setOrderId(HUGE_ID)), DeadLetterReason.TEXT_TOO_LONG),
                Arguments.of("a 100 KB user id", orderWith(o -> o.setUserId(HUGE_ID)), DeadLetterReason.TEXT_TOO_LONG),
                Arguments.of("a 100 KB product id", orderOf(line(HUGE_ID, 1, "1.00")), DeadLetterReason.TEXT_TOO_LONG),
                Arguments.of("a 100 KB currency", orderWith(o -> o.setCurrency(HUGE_ID)), DeadLetterReason.TEXT_TOO_LONG),
                Arguments.of("a 100 KB channel", orderWith(o -> o.setChannel(HUGE_ID)), DeadLetterReason.TEXT_TOO_LONG),
                Arguments.of("too many line items", orderOf(Collections.nCopies(EventLimits.MAX_LINE_ITEMS + 1,
                        line("p-1", 1, "1.00")).toArray(LineItem[]::new)), DeadLetterReason.TOO_MANY_LINE_ITEMS),
                Arguments.of("a quantity above the limit", orderOf(line("p-1", EventLimits.MAX_UNITS_PER_PRODUCT + 1, "1.00")),
                        DeadLetterReason.AMOUNT_OUT_OF_RANGE),
                Arguments.of("the largest int as quantity", orderOf(line("p-1", Integer.MAX_VALUE, "1.00")),
                        DeadLetterReason.AMOUNT_OUT_OF_RANGE),
                Arguments.of("a unit price beyond decimal(12,2)", orderOf(line("p-1", 1, "10000000000.00")),
                        DeadLetterReason.AMOUNT_OUT_OF_RANGE),
                Arguments.of("a unit price of a thousand digits",
                        orderOf(priced("p-1", 1, new BigDecimal(BigInteger.TEN.pow(1_000), 2))), DeadLetterReason.AMOUNT_OUT_OF_RANGE),
                Arguments.of("a unit price with a huge negative scale", orderOf(priced("p-1", 1, new BigDecimal("1E+999999999"))),
                        DeadLetterReason.AMOUNT_OUT_OF_RANGE),
                Arguments.of("a unit price with three decimals", orderOf(line("p-1", 1, "1.234")), DeadLetterReason.PRICE_TOO_PRECISE),
                Arguments.of("a unit price with a huge scale", orderOf(priced("p-1", 1, new BigDecimal("1E-999999999"))),
                        DeadLetterReason.PRICE_TOO_PRECISE),
                Arguments.of("a product's units over two lines above the limit",
                        orderOf(line("p-1", 600_000, "1.00"), line("p-2", 1, "1.00"), line("p-1", 400_001, "1.00")),
                        DeadLetterReason.AMOUNT_OUT_OF_RANGE),
                Arguments.of("a product's units over more lines than are merged without a map above the limit",
                        orderOf(Collections.nCopies(OrderToActivities.MERGED_WITHOUT_A_MAP + 2,
                                line("p-1", 100_001, "0.01")).toArray(LineItem[]::new)),
                        DeadLetterReason.AMOUNT_OUT_OF_RANGE),
                Arguments.of("a product's revenue over two lines above the limit",
                        orderOf(line("p-1", 1, "6000000000.00"), line("p-1", 1, "4000000000.00")),
                        DeadLetterReason.AMOUNT_OUT_OF_RANGE),
                Arguments.of("the largest price times two", orderOf(line("p-1", 2, "9999999999.99")),
                        DeadLetterReason.AMOUNT_OUT_OF_RANGE),
                Arguments.of("a revenue beyond a long of cents", orderOf(Collections.nCopies(EventLimits.MAX_LINE_ITEMS,
                        line("p-1", EventLimits.MAX_UNITS_PER_PRODUCT, "9999999999.99")).toArray(LineItem[]::new)),
                        DeadLetterReason.AMOUNT_OUT_OF_RANGE),
                Arguments.of("an event time of Long.MIN_VALUE", orderWith(o -> o.setEventTime(Instant.ofEpochMilli(Long.MIN_VALUE))),
                        DeadLetterReason.EVENT_TIME_OUT_OF_RANGE),
                Arguments.of("an event time just before 1970", orderWith(o -> o.setEventTime(Instant.ofEpochMilli(-1))),
                        DeadLetterReason.EVENT_TIME_OUT_OF_RANGE),
                Arguments.of("an event time after year 9999",
                        orderWith(o -> o.setEventTime(EventLimits.MAX_EVENT_TIME.plusMillis(1))), DeadLetterReason.EVENT_TIME_OUT_OF_RANGE),
                Arguments.of("an event time of Long.MAX_VALUE", orderWith(o -> o.setEventTime(Instant.ofEpochMilli(Long.MAX_VALUE))),
                        DeadLetterReason.EVENT_TIME_OUT_OF_RANGE),
                Arguments.of("an event time beyond a long of millis", orderWith(o -> o.setEventTime(Instant.MAX)),
                        DeadLetterReason.EVENT_TIME_OUT_OF_RANGE),
                Arguments.of("no event time", orderWith(o -> o.put("eventTime", null)), DeadLetterReason.EVENT_TIME_OUT_OF_RANGE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileOrders")
    void rejectsWhatTheDatabaseOrTheWindowsCannotHold(String what, OrderEvent order, DeadLetterReason reason) {
        Rejection rejection = validate(order);

        assertThat(rejection).as(what).isNotNull();
        assertThat(rejection.reason()).as(what).isEqualTo(reason);
        assertThat(rejection.field()).as("a field of the order's schema")
                .matches(field -> SchemaPaths.resolves(OrderEvent.getClassSchema(), field), "resolves");
        assertThat(rejection.detail()).as("a short, printable detail").hasSizeLessThan(300)
                .doesNotContain("\u0000").matches(d -> d.chars().noneMatch(c -> Character.isSurrogate((char) c)), "no surrogates");
    }

    static Stream<Arguments> ordersAtTheLimits() {
        return Stream.of(
                Arguments.of("ids of the longest length in 3-byte characters", orderWith(o -> {
                    o.setEventId(LONGEST_ID);
                    o.setOrderId(LONGEST_ID);
                    o.setUserId(LONGEST_ID);
                    o.setCurrency(LONGEST_ID);
                    o.setChannel(LONGEST_ID);
                    o.setLineItems(List.of(line(LONGEST_ID, 1, "1.00")));
                })),
                Arguments.of("surrogate pairs (emoji)", orderOf(line("p-\uD83D\uDE00", 1, "1.00"))),
                Arguments.of("no channel (v1 producers)", orderWith(o -> o.setChannel(null))),
                Arguments.of("the most line items", orderOf(Collections.nCopies(EventLimits.MAX_LINE_ITEMS,
                        line("p-1", 1, "1.00")).toArray(LineItem[]::new))),
                Arguments.of("the largest unit price", orderOf(line("p-1", 1, "9999999999.99"))),
                Arguments.of("the largest quantity", orderOf(line("p-1", EventLimits.MAX_UNITS_PER_PRODUCT, "0.01"))),
                Arguments.of("the largest units and revenue over two lines",
                        orderOf(line("p-1", 500_000, "0.01"), line("p-1", 500_000, "19999.98"))),
                Arguments.of("the largest units over more lines than are merged without a map",
                        orderOf(Collections.nCopies(OrderToActivities.MERGED_WITHOUT_A_MAP + 2,
                                line("p-1", 100_000, "0.01")).toArray(LineItem[]::new))),
                Arguments.of("a price with trailing zeros beyond two decimals", orderOf(line("p-1", 1, "1.2300"))),
                Arguments.of("a price with a negative scale", orderOf(priced("p-1", 1, new BigDecimal("1E+3")))),
                Arguments.of("an event time at the epoch", orderWith(o -> o.setEventTime(Instant.EPOCH))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ordersAtTheLimits")
    void acceptsEverythingWithinTheLimits(String what, OrderEvent order) {
        assertThat(validate(order)).as(what).isNull();
    }

    @Test
    void namesTheFieldAndQuotesOnlyAnExcerptOfAHugeValue() {
        assertThat(validate(orderWith(o -> o.setUserId(HUGE_ID))).detail())
                .isEqualTo("userId is 100000 characters long, more than 128: \"" + "r".repeat(40) + "\"… (99960 more)");
        assertThat(validate(orderWith(o -> o.setEventId("e\u0000-1"))).detail())
                .isEqualTo("eventId has a NUL character at index 1: \"e\\u0000-1\"");
    }

    @Test
    void namesTheFieldAtFaultAsTheSchemaDoesWithTheLinesIndex() {
        assertThat(validate(orderWith(o -> o.setUserId(HUGE_ID))).field()).isEqualTo("userId");
        assertThat(validate(orderWith(o -> o.setChannel("web\u0000"))).field()).isEqualTo("channel");
        assertThat(validate(orderOf(line("p-1", 1, "1.00"), line("p-\u0000", 1, "1.00"))))
                .isEqualTo(new Rejection(DeadLetterReason.INVALID_TEXT,
                        "productId of line item 1 has a NUL character at index 2: \"p-\\u0000\"", "lineItems[1].productId"));
        assertThat(validate(orderOf(line("p-1", 1, "1.001"))).field()).isEqualTo("lineItems[0].unitPrice");
        assertThat(validate(orderOf(line("p-1", 600_000, "0.01"), line("p-1", 600_000, "0.01"))))
                .as("a product's total over several lines: the lines together")
                .extracting(Rejection::reason, Rejection::field)
                .containsExactly(DeadLetterReason.AMOUNT_OUT_OF_RANGE, "lineItems");
        assertThat(validate(orderWith(o -> o.setEventTime(Instant.EPOCH.minusMillis(1)))).field()).isEqualTo("eventTime");
    }

    @Test
    void aHugeSkewNeverOverflowsIntoRejectingEveryEvent() {
        OrderEventRules unbounded = new OrderEventRules(Duration.ofMillis(Long.MAX_VALUE));
        OrderEvent latest = orderWith(o -> o.setEventTime(EventLimits.MAX_EVENT_TIME));

        assertThat(unbounded.validate(latest, NOW)).isNull();
    }

    @Test
    void usesTheSkewItWasConfiguredWith() {
        OrderEventRules strict = new OrderEventRules(Duration.ofSeconds(1));
        OrderEvent order = Events.validOrder();
        order.setEventTime(Events.T0.plusMillis(1_001));

        assertThat(strict.validate(order, NOW).reason()).isEqualTo(DeadLetterReason.EVENT_TIME_IN_FUTURE);
    }
}
