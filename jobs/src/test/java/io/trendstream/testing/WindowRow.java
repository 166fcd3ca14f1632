package io.trendstream.testing;

import java.math.BigDecimal;

/** One row of product_window_stats, as the tests compare it. */
public record WindowRow(
        String productId,
        long windowStart,
        long windowEnd,
        long orders,
        long units,
        BigDecimal revenue,
        BigDecimal avgOrderValue,
        long distinctUsers,
        long views,
        Double conversion) {

    public String key() {
        return key(productId, windowStart);
    }

    public static String key(String productId, long windowStart) {
        return productId + "@" + windowStart;
    }
}
