package io.trendstream.functions;

import io.trendstream.events.ProductView;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.testing.Events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

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
                new Rejection(DeadLetterReason.MISSING_EVENT_ID, "view has no eventId"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void rejectsAViewWithoutUserId(String userId) {
        ProductView view = Events.view("v-1").setUserId(userId).build();

        assertThat(rules.validate(view, NOW)).isEqualTo(
                new Rejection(DeadLetterReason.MISSING_USER_ID, "view v-1 has no userId"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void rejectsAViewWithoutProductId(String productId) {
        ProductView view = Events.view("v-1").setProductId(productId).build();

        assertThat(rules.validate(view, NOW)).isEqualTo(
                new Rejection(DeadLetterReason.MISSING_PRODUCT_ID, "view v-1 has no productId"));
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
                "event time 2026-11-22T10:10:00.001Z is more than 600000 ms ahead of the clock (2026-11-22T10:00:00Z)"));
    }

    @Test
    void reportsAMissingUserBeforeAMissingProduct() {
        ProductView view = Events.view("v-1").setUserId(null).setProductId(null).build();

        assertThat(rules.validate(view, NOW).reason()).isEqualTo(DeadLetterReason.MISSING_USER_ID);
    }
}
