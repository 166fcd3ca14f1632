package io.trendstream.records;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Running window totals: orders, units and revenue from orders, views from views, users from both. */
class ActivityAccumulatorTest {

    @Test
    void startsEmpty() {
        ActivityAccumulator acc = new ActivityAccumulator();

        assertThat(acc.orders).isZero();
        assertThat(acc.units).isZero();
        assertThat(acc.revenueCents).isZero();
        assertThat(acc.views).isZero();
        assertThat(acc.users).isEmpty();
    }

    @Test
    void addsOrdersAndViewsAndCollectsDistinctUsers() {
        ActivityAccumulator acc = new ActivityAccumulator();
        acc.add(ProductActivity.order("o-1", "p-1", "u-1", 0, 2, 3_998));
        acc.add(ProductActivity.order("o-2", "p-1", "u-2", 0, 1, 1_999));
        acc.add(ProductActivity.view("v-1", "p-1", "u-1", 0));
        acc.add(ProductActivity.view("v-2", "p-1", "u-3", 0));

        ActivityAccumulator result = acc;
        assertThat(result.orders).isEqualTo(2);
        assertThat(result.units).isEqualTo(3);
        assertThat(result.revenueCents).isEqualTo(5_997);
        assertThat(result.views).isEqualTo(2);
        assertThat(result.users).containsExactlyInAnyOrder("u-1", "u-2", "u-3");
    }

    @Test
    void aViewAddsNoUnitsOrRevenue() {
        ActivityAccumulator acc = new ActivityAccumulator();
        acc.add(ProductActivity.view("v-1", "p-1", "u-1", 0));

        assertThat(acc.orders).isZero();
        assertThat(acc.units).isZero();
        assertThat(acc.revenueCents).isZero();
        assertThat(acc.views).isEqualTo(1);
    }

}
