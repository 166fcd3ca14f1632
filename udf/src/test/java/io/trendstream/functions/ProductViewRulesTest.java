package io.trendstream.functions;

import io.trendstream.events.ProductView;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.testing.Events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A view is usable with an event id, a user, a product, and a plausible event time. */
class ProductViewRulesTest {

    private static final Duration SKEW = Duration.ofMinutes(10);
    private static final long NOW = Events.T0.toEpochMilli();

    private final ProductViewRules rules = new ProductViewRules(SKEW);

    @Test
    void acceptsAValidView() {
        assertThat(rules.validate(Events.validView(), NOW)).isNull();
    }

    @Test
    void acceptsAViewWithoutSession() {
        assertThat(rules.validate(Events.view("v-1").setSessionId(null).build(), NOW)).isNull();
    }

    @Test
    void exposesTheEventIdAndTheEventTimeInEpochMillis() {
        assertThat(rules.eventId(Events.validView())).isEqualTo("v-1");
        assertThat(rules.eventTime(Events.validView())).isEqualTo(NOW);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void rejectsAViewWithoutEventId(String eventId) {
        ProductView view = Events.view(eventId).build();

        assertThat(rules.validate(view, NOW)).isEqualTo(
                new Rejection(DeadLetterReason.MISSING_EVENT_ID, "view has no eventId", "eventId"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void rejectsAViewWithoutUserId(String userId) {
        ProductView view = Events.view("v-1").setUserId(userId).build();

        assertThat(rules.validate(view, NOW)).isEqualTo(
                new Rejection(DeadLetterReason.MISSING_USER_ID, "view v-1 has no userId", "userId"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void rejectsAViewWithoutProductId(String productId) {
        ProductView view = Events.view("v-1").setProductId(productId).build();

        assertThat(rules.validate(view, NOW)).isEqualTo(
                new Rejection(DeadLetterReason.MISSING_PRODUCT_ID, "view v-1 has no productId", "productId"));
    }

    @Test
    void acceptsAnEventTimeExactlyAtTheAllowedSkewAhead() {
        ProductView view = Events.view("v-1").setEventTime(Events.T0.plus(SKEW)).build();

        assertThat(rules.validate(view, NOW)).isNull();
    }

    @Test
    void rejectsAnEventTimeOneMillisecondBeyondTheAllowedSkew() {
        ProductView view = Events.view("v-1").setEventTime(Events.T0.plus(SKEW).plusMillis(1)).build();

        assertThat(rules.validate(view, NOW)).isEqualTo(new Rejection(DeadLetterReason.EVENT_TIME_IN_FUTURE,
                "event time 2026-11-22T10:10:00.001Z is more than 600000 ms ahead of the clock (2026-11-22T10:00:00Z)",
                "eventTime"));
    }

    private static final String HUGE_ID = "r".repeat(100_000);
    private static final String LONGEST_ID = "€".repeat(EventLimits.MAX_TEXT_LENGTH);

    static Stream<Arguments> hostileViews() {
        return Stream.of(
                Arguments.of("NUL in the event id", Events.view("v\u00001"), DeadLetterReason.INVALID_TEXT),
                Arguments.of("NUL in the user id", Events.view("v-1").setUserId("u\u0000"), DeadLetterReason.INVALID_TEXT),
                Arguments.of("NUL in the product id", Events.view("v-1").setProductId("\u0000p"), DeadLetterReason.INVALID_TEXT),
                Arguments.of("NUL in the session id", Events.view("v-1").setSessionId("s\u0000"), DeadLetterReason.INVALID_TEXT),
                Arguments.of("a lone surrogate in the product id", Events.view("v-1").setProductId("p\uD800"),
                        DeadLetterReason.INVALID_TEXT),
                Arguments.of("a 100 KB event id", Events.view(HUGE_ID), DeadLetterReason.TEXT_TOO_LONG),
                Arguments.of("a 100 KB user id", Events.view("v-1").setUserId(HUGE_ID), DeadLetterReason.TEXT_TOO_LONG),
                Arguments.of("a 100 KB product id", Events.view("v-1").setProductId(HUGE_ID), DeadLetterReason.TEXT_TOO_LONG),
                Arguments.of("a 100 KB session id", Events.view("v-1").setSessionId(HUGE_ID), DeadLetterReason.TEXT_TOO_LONG),
                Arguments.of("an event time of Long.MIN_VALUE", Events.view("v-1").setEventTime(Instant.ofEpochMilli(Long.MIN_VALUE)),
                        DeadLetterReason.EVENT_TIME_OUT_OF_RANGE),
                Arguments.of("an event time before 1970", Events.view("v-1").setEventTime(Instant.parse("1969-12-31T23:59:59Z")),
                        DeadLetterReason.EVENT_TIME_OUT_OF_RANGE),
                Arguments.of("an event time of Long.MAX_VALUE", Events.view("v-1").setEventTime(Instant.ofEpochMilli(Long.MAX_VALUE)),
                        DeadLetterReason.EVENT_TIME_OUT_OF_RANGE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileViews")
    void rejectsWhatTheDatabaseOrTheWindowsCannotHold(String what, ProductView.Builder view, DeadLetterReason reason) {
        Rejection rejection = rules.validate(view.build(), NOW);

        assertThat(rejection).as(what).isNotNull();
        assertThat(rejection.reason()).as(what).isEqualTo(reason);
        assertThat(rejection.field()).as("a field of the view's schema")
                .matches(field -> SchemaPaths.resolves(ProductView.getClassSchema(), field), "resolves");
        assertThat(rejection.detail()).hasSizeLessThan(300).doesNotContain("\u0000");
    }

    @Test
    void acceptsIdsOfTheLongestLengthInThreeByteCharacters() {
        ProductView view = Events.view(LONGEST_ID).setUserId(LONGEST_ID).setProductId(LONGEST_ID).setSessionId(LONGEST_ID)
                .build();

        assertThat(rules.validate(view, NOW)).isNull();
    }

    @Test
    void reportsAMissingUserBeforeAMissingProduct() {
        ProductView view = Events.view("v-1").setUserId(null).setProductId(null).build();

        assertThat(rules.validate(view, NOW).reason()).isEqualTo(DeadLetterReason.MISSING_USER_ID);
    }
}
