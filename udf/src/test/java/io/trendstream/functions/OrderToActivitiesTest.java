package io.trendstream.functions;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.records.ActivityKind;
import io.trendstream.records.ProductActivity;
import io.trendstream.testing.Events;

import org.apache.flink.api.common.functions.util.ListCollector;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.trendstream.testing.Events.line;
import static org.assertj.core.api.Assertions.assertThat;

/** An order becomes one activity per product it contains; a view becomes one view activity. */
class OrderToActivitiesTest {

    private static final long T0 = Events.T0.toEpochMilli();

    private static List<ProductActivity> activities(OrderEvent order) {
        List<ProductActivity> out = new ArrayList<>();
        new OrderToActivities().flatMap(order, new ListCollector<>(out));
        return out;
    }

    @Test
    void anOrderOfOneLineIsOneActivityWithItsUnitsAndRevenueInCents() {
        OrderEvent order = Events.order("e-1", line("p-1", 2, "19.99")).setUserId("u-7").build();

        assertThat(activities(order)).containsExactly(
                new ProductActivity("e-1", "p-1", "u-7", ActivityKind.ORDER, T0, 2, 3_998));
    }

    @Test
    void mergesLinesOfTheSameProductIntoOneActivityWithExactRevenue() {
        OrderEvent order = Events.order("e-1", line("p-1", 3, "19.99"), line("p-1", 1, "19.99")).build();

        assertThat(activities(order)).containsExactly(
                new ProductActivity("e-1", "p-1", "user-1", ActivityKind.ORDER, T0, 4, 7_996));
    }

    @Test
    void mergesLinesOfTheSameProductAtDifferentPrices() {
        OrderEvent order = Events.order("e-1", line("p-1", 1, "0.10"), line("p-1", 2, "0.20")).build();

        assertThat(activities(order)).singleElement().satisfies(a -> {
            assertThat(a.units()).isEqualTo(3);
            assertThat(a.revenueCents()).isEqualTo(50);
        });
    }

    @Test
    void keepsRevenueExactWhereBinaryFloatingPointWouldDrift() {
        // 0.1 + 0.2 != 0.3 in double; ten lines of 0.10 are exactly 100 cents
        LineItem[] lines = new LineItem[10];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = line("p-1", 1, "0.10");
        }
        OrderEvent order = Events.order("e-1", lines).build();

        assertThat(activities(order)).singleElement()
                .satisfies(a -> assertThat(a.revenueCents()).isEqualTo(100));
    }

    @Test
    void emitsOneActivityPerProductInTheOrderOfTheirFirstLine() {
        OrderEvent order = Events.order("e-1",
                line("p-3", 1, "5.00"),
                line("p-1", 2, "1.50"),
                line("p-3", 2, "5.00"),
                line("p-2", 1, "100.00")).build();

        assertThat(activities(order)).containsExactly(
                new ProductActivity("e-1", "p-3", "user-1", ActivityKind.ORDER, T0, 3, 1_500),
                new ProductActivity("e-1", "p-1", "user-1", ActivityKind.ORDER, T0, 2, 300),
                new ProductActivity("e-1", "p-2", "user-1", ActivityKind.ORDER, T0, 1, 10_000));
    }

    @Test
    void mergesAnOrderOfManyLinesAsOneOfFew() {
        LineItem[] few = {line("p-3", 1, "5.00"), line("p-1", 2, "1.50"), line("p-3", 2, "5.00")};
        LineItem[] many = new LineItem[few.length * 3];
        for (int i = 0; i < many.length; i++) {
            many[i] = few[i % few.length];
        }
        assertThat(many.length).as("merged through a map").isGreaterThan(OrderToActivities.MERGED_WITHOUT_A_MAP);

        assertThat(activities(Events.order("e-1", few).build())).containsExactly(
                new ProductActivity("e-1", "p-3", "user-1", ActivityKind.ORDER, T0, 3, 1_500),
                new ProductActivity("e-1", "p-1", "user-1", ActivityKind.ORDER, T0, 2, 300));
        assertThat(activities(Events.order("e-1", many).build())).containsExactly(
                new ProductActivity("e-1", "p-3", "user-1", ActivityKind.ORDER, T0, 9, 4_500),
                new ProductActivity("e-1", "p-1", "user-1", ActivityKind.ORDER, T0, 6, 900));
    }

    @Test
    void handlesLargeQuantitiesAndPricesWithoutOverflow() {
        OrderEvent order = Events.order("e-1", line("p-1", 1_000_000, "9999999999.99")).build();

        assertThat(activities(order)).singleElement()
                .satisfies(a -> assertThat(a.revenueCents()).isEqualTo(999_999_999_999L * 1_000_000L));
    }

    // ------------------------------------------------------------------ orders the rules accept

    private static final OrderEventRules RULES = new OrderEventRules(Duration.ofMinutes(10));

    @Test
    void mapsTheLargestSingleLineTheRulesAcceptExactly() {
        // The most units of one product, at the highest unit price that keeps its revenue within the limit.
        OrderEvent order = Events.order("e-1", line("p-1", EventLimits.MAX_UNITS_PER_PRODUCT, "9999.99")).build();

        assertThat(RULES.validate(order, T0)).isNull();
        assertThat(activities(order)).singleElement().satisfies(a -> {
            assertThat(a.units()).isEqualTo(EventLimits.MAX_UNITS_PER_PRODUCT);
            assertThat(a.revenueCents()).isEqualTo(999_999L * EventLimits.MAX_UNITS_PER_PRODUCT);
        });
        OrderEvent oneUnitMore = Events.order("e-2", line("p-1", EventLimits.MAX_UNITS_PER_PRODUCT + 1, "0.01")).build();
        assertThat(RULES.validate(oneUnitMore, T0)).isNotNull();
    }

    @Test
    void rejectsAnOrderWhoseUnitsOfOneProductDoNotFitInsteadOfFailingTheJob() {
        OrderEvent order = Events.order("e-1", line("p-1", Integer.MAX_VALUE, "0.01"), line("p-1", Integer.MAX_VALUE, "0.01"))
                .build();

        assertThat(RULES.validate(order, T0)).as("rejection of an order that cannot be mapped").isNotNull();
    }

    @Test
    void neverProducesAWrappedRevenueForAnOrderTheRulesAccept() {
        OrderEvent order = Events.order("e-1", line("p-1", 1_000_000_000, "9999999999.99")).build();
        BigInteger exactCents = new BigInteger("999999999999").multiply(BigInteger.valueOf(1_000_000_000));

        assertThat(order).satisfiesAnyOf(
                o -> assertThat(RULES.validate(o, T0)).as("rejected by the rules").isNotNull(),
                o -> assertThat(activities(o)).singleElement()
                        .satisfies(a -> assertThat(BigInteger.valueOf(a.revenueCents())).isEqualTo(exactCents)));
    }

    @Test
    void aViewBecomesAViewActivityWithItsIdsAndEventTime() {
        ProductView view = Events.view("v-1").setProductId("p-9").setUserId("u-3").build();

        assertThat(new ViewToActivity().map(view)).isEqualTo(
                new ProductActivity("v-1", "p-9", "u-3", ActivityKind.VIEW, T0, 0, 0));
    }
}
