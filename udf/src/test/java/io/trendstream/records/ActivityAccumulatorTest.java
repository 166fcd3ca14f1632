package io.trendstream.records;

import io.trendstream.functions.ActivityAggregator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Running window totals: orders, units and revenue from orders, views from views, users from both. */
class ActivityAccumulatorTest {

    private final ActivityAggregator aggregator = new ActivityAggregator();

    @Test
    void startsEmpty() {
        ActivityAccumulator acc = aggregator.createAccumulator();

        assertThat(acc.orders).isZero();
        assertThat(acc.units).isZero();
        assertThat(acc.revenueCents).isZero();
        assertThat(acc.views).isZero();
        assertThat(acc.users).isEmpty();
    }

    @Test
    void addsOrdersAndViewsAndCollectsDistinctUsers() {
        ActivityAccumulator acc = aggregator.createAccumulator();
        acc = aggregator.add(ProductActivity.order("o-1", "p-1", "u-1", 0, 2, 3_998), acc);
        acc = aggregator.add(ProductActivity.order("o-2", "p-1", "u-2", 0, 1, 1_999), acc);
        acc = aggregator.add(ProductActivity.view("v-1", "p-1", "u-1", 0), acc);
        acc = aggregator.add(ProductActivity.view("v-2", "p-1", "u-3", 0), acc);

        ActivityAccumulator result = aggregator.getResult(acc);
        assertThat(result.orders).isEqualTo(2);
        assertThat(result.units).isEqualTo(3);
        assertThat(result.revenueCents).isEqualTo(5_997);
        assertThat(result.views).isEqualTo(2);
        assertThat(result.users).containsExactlyInAnyOrder("u-1", "u-2", "u-3");
    }

    @Test
    void aViewAddsNoUnitsOrRevenue() {
        ActivityAccumulator acc = aggregator.add(ProductActivity.view("v-1", "p-1", "u-1", 0), aggregator.createAccumulator());

        assertThat(acc.orders).isZero();
        assertThat(acc.units).isZero();
        assertThat(acc.revenueCents).isZero();
        assertThat(acc.views).isEqualTo(1);
    }

    @Test
    void mergesTotalsAndUnitesUsers() {
        ActivityAccumulator a = aggregator.add(ProductActivity.order("o-1", "p-1", "u-1", 0, 2, 200), aggregator.createAccumulator());
        a = aggregator.add(ProductActivity.view("v-1", "p-1", "u-2", 0), a);
        ActivityAccumulator b = aggregator.add(ProductActivity.order("o-2", "p-1", "u-2", 0, 3, 300), aggregator.createAccumulator());
        b = aggregator.add(ProductActivity.view("v-2", "p-1", "u-3", 0), b);

        ActivityAccumulator merged = aggregator.merge(a, b);

        assertThat(merged.orders).isEqualTo(2);
        assertThat(merged.units).isEqualTo(5);
        assertThat(merged.revenueCents).isEqualTo(500);
        assertThat(merged.views).isEqualTo(2);
        assertThat(merged.users).containsExactlyInAnyOrder("u-1", "u-2", "u-3");
    }
}
