package io.trendstream.records;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

/** A window row's derived values: revenue in currency units, average order value and conversion. */
class WindowAggregateTest {

    private static WindowAggregate window(long orders, long revenueCents, long views) {
        return new WindowAggregate("p-1", 0L, 60_000L, orders, orders, revenueCents, 1, views);
    }

    @Test
    void revenueIsTheCentsWithTwoDecimals() {
        assertThat(window(1, 7_996, 0).revenue()).isEqualTo(new BigDecimal("79.96"));
        assertThat(window(1, 5, 0).revenue()).isEqualTo(new BigDecimal("0.05"));
        assertThat(window(0, 0, 0).revenue()).isEqualTo(new BigDecimal("0.00"));
    }

    @Test
    void revenueIsExactForLargeTotals() {
        assertThat(window(1, Long.MAX_VALUE, 0).revenue()).isEqualTo(new BigDecimal("92233720368547758.07"));
    }

    @ParameterizedTest(name = "{1} cents over {0} orders -> {2}")
    @CsvSource({
            "1, 1999, 19.99",
            "3, 1000, 3.33",
            "3, 2000, 6.67",
            // exactly half a cent: rounds to the even cent
            "2, 25, 0.12",
            "2, 75, 0.38",
            "2, 1025, 5.12",
            "2, 1035, 5.18",
            "2, -25, -0.12"})
    void averageOrderValueIsRevenuePerOrderRoundedHalfToEvenToCents(long orders, long revenueCents, String expected) {
        assertThat(window(orders, revenueCents, 0).averageOrderValue()).isEqualTo(new BigDecimal(expected));
    }

    @Test
    void averageOrderValueIsZeroWithTwoDecimalsWithoutOrders() {
        assertThat(window(0, 0, 10).averageOrderValue()).isEqualTo(new BigDecimal("0.00"));
    }

    @Test
    void averageOrderValueAlwaysHasTwoDecimals() {
        assertThat(window(4, 400, 0).averageOrderValue()).isEqualTo(new BigDecimal("1.00"));
        assertThat(window(4, 400, 0).averageOrderValue().scale()).isEqualTo(2);
    }

    @Test
    void conversionIsOrdersPerView() {
        assertThat(window(3, 100, 4).conversion()).isEqualTo(0.75);
        assertThat(window(0, 0, 4).conversion()).isEqualTo(0.0);
        assertThat(window(5, 100, 2).conversion()).isEqualTo(2.5);
    }

    @Test
    void conversionIsUndefinedWithoutViews() {
        assertThat(window(3, 100, 0).conversion()).isNull();
        assertThat(window(0, 0, 0).conversion()).isNull();
    }
}
