package io.trendstream.generator;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What the job must write for one product and window: the totals of the valid, first-seen, on-time events.
 *
 * @param revenue exact, two decimals
 * @param distinctUsers users who ordered or viewed the product in the window
 */
public record WindowCount(String productId, long windowStart, long orders, long units, BigDecimal revenue,
                          long views, long distinctUsers) {

    public WindowCount {
        Objects.requireNonNull(productId, "productId");
        Objects.requireNonNull(revenue, "revenue");
        if (revenue.scale() != 2) {
            throw new IllegalArgumentException("Revenue must have two decimals: " + revenue);
        }
    }

    /** {@code productId@windowStart}: unique within a manifest. */
    public String key() {
        return productId + "@" + windowStart;
    }
}
