package io.trendstream.gateway.query;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The query API's answers: one record per row kind, serialised to JSON with snake_case names. */
public final class Rows {

    private Rows() {}

    /** One row of {@code product_window_stats}. */
    public record WindowRow(String productId, Instant windowStart, Instant windowEnd, long orders, long units,
            BigDecimal revenue, BigDecimal avgOrderValue, long distinctUsers, long views, Double conversion,
            Instant updatedAt) {}

    /** One row of {@code product_hourly_stats}. */
    public record HourRow(String productId, Instant bucket, long orders, long units, BigDecimal revenue, long views,
            Double conversion) {}

    /** One row of {@code trend_alerts}. */
    public record AlertRow(String productId, String metric, Instant windowStart, Instant windowEnd, double observed,
            double baseline, double ratio, String severity, Instant detectedAt) {}

    /** A page of rows and the cursor of the next page, null on the last. */
    public record Page<T>(List<T> items, String nextCursor) {
        public Page {
            items = List.copyOf(items);
        }
    }

    /** Top products of one window ({@code window_start}) or one hour ({@code hour}), ranked by {@code by}. */
    public record TopProducts<T>(String by, Instant windowStart, Instant hour, List<T> items, String nextCursor) {
        public TopProducts {
            items = List.copyOf(items);
        }
    }

    /** Late events whose event time lies in {@code [from, to)}, in all and by kind (ORDER, VIEW). */
    public record LateEventCount(Instant from, Instant to, String productId, long total, Map<String, Long> byKind) {
        public LateEventCount {
            byKind = Map.copyOf(byKind);
        }
    }
}
