package io.trendstream.gateway.query;

import io.trendstream.gateway.query.QueryParameters.TimeRange;
import io.trendstream.gateway.query.Rows.AlertRow;
import io.trendstream.gateway.query.Rows.HourRow;
import io.trendstream.gateway.query.Rows.LateEventCount;
import io.trendstream.gateway.query.Rows.Page;
import io.trendstream.gateway.query.Rows.TopProducts;
import io.trendstream.gateway.query.Rows.WindowRow;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The query API's SQL over the job's tables and the hourly rollup ({@code sql/}). Every value from a request is a
 * bind parameter; the only text put into SQL is a {@link Ranking}'s column name, a constant. Pages are keyset pages
 * ({@link Cursor}): each query orders by a unique key and fetches one row more than asked to know whether a next
 * page exists.
 */
public final class AnalyticsQueries {

    private static final String WINDOW_COLUMNS = "product_id, window_start, window_end, orders, units, revenue, "
            + "avg_order_value, distinct_users, views, conversion, updated_at";
    private static final String HOUR_COLUMNS = "product_id, bucket, orders, units, revenue, views, conversion";
    private static final String ALERT_COLUMNS = "product_id, metric, window_start, window_end, observed, baseline, "
            + "ratio, severity, detected_at";
    private static final List<String> LATE_EVENT_KINDS = List.of("ORDER", "VIEW"); // late_events_kind_check

    private final DataSource dataSource;

    public AnalyticsQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A product's windows starting in {@code [from, to)}, oldest first; key: window_start. */
    public Page<WindowRow> productWindows(String productId, TimeRange range, int limit, Optional<Cursor> after)
            throws SQLException {
        String sql = "SELECT " + WINDOW_COLUMNS + " FROM product_window_stats "
                + "WHERE product_id = ? AND window_start >= ? AND window_start < ?"
                + (after.isPresent() ? " AND window_start > ?" : "")
                + " ORDER BY window_start LIMIT ?";
        List<Object> parameters = new ArrayList<>(List.of(productId, timestamp(range.from()), timestamp(range.to())));
        after.ifPresent(c -> parameters.add(timestamp(cursorInstant(c.get(0)))));
        parameters.add(limit + 1);
        List<WindowRow> rows = query(sql, parameters, AnalyticsQueries::windowRow);
        return page(rows, limit, last -> Cursor.of(last.windowStart().toString()));
    }

    /** The newest window start of any product, if there is a window at all. */
    public Optional<Instant> latestWindowStart() throws SQLException {
        List<Instant> latest = query("SELECT max(window_start) FROM product_window_stats", List.of(),
                rs -> instant(rs, 1));
        return Optional.ofNullable(latest.get(0));
    }

    /** The window's products ranked by {@code ranking}, highest first, ties by product id; key: (value, product). */
    public TopProducts<WindowRow> topProductsOfWindow(Ranking ranking, Instant windowStart, int limit,
            Optional<Cursor> after) throws SQLException {
        Page<WindowRow> page = ranked("product_window_stats", "window_start", WINDOW_COLUMNS, windowStart, ranking,
                limit, after, AnalyticsQueries::windowRow,
                last -> rankValue(ranking, last.orders(), last.revenue(), last.views()), WindowRow::productId);
        return new TopProducts<>(name(ranking), windowStart, null, page.items(), page.nextCursor());
    }

    /** The hour's products ({@code product_hourly_stats}) ranked like {@link #topProductsOfWindow}. */
    public TopProducts<HourRow> topProductsOfHour(Ranking ranking, Instant hour, int limit, Optional<Cursor> after)
            throws SQLException {
        Page<HourRow> page = ranked("product_hourly_stats", "bucket", HOUR_COLUMNS, hour, ranking, limit, after,
                AnalyticsQueries::hourRow, last -> rankValue(ranking, last.orders(), last.revenue(), last.views()),
                HourRow::productId);
        return new TopProducts<>(name(ranking), null, hour, page.items(), page.nextCursor());
    }

    /** The rows of {@code relation} at one time, by the ranking's column descending, then product id. */
    private <T> Page<T> ranked(String relation, String timeColumn, String columns, Instant time, Ranking ranking,
            int limit, Optional<Cursor> after, RowMapper<T> mapper, Function<T, String> value,
            Function<T, String> productId) throws SQLException {
        // numeric on both sides of the cursor comparison: revenue is numeric(18,2), orders and views bigint
        String sql = "SELECT " + columns + " FROM " + relation + " WHERE " + timeColumn + " = ?"
                + (after.isEmpty() ? "" : " AND (" + ranking.column + " < ?::numeric OR (" + ranking.column
                        + " = ?::numeric AND product_id > ?))")
                + " ORDER BY " + ranking.column + " DESC, product_id LIMIT ?";
        List<Object> parameters = new ArrayList<>(List.of(timestamp(time)));
        after.ifPresent(c -> {
            BigDecimal rank = cursorNumber(c.get(0));
            parameters.add(rank);
            parameters.add(rank);
            parameters.add(c.get(1));
        });
        parameters.add(limit + 1);
        return page(query(sql, parameters, mapper), limit, last -> Cursor.of(value.apply(last), productId.apply(last)));
    }

    /**
     * Alerts of windows starting at or after {@code since}, oldest window first; key: (window_start, product_id,
     * metric), carried in the cursor with the product id last ({@link Cursor}).
     */
    public Page<AlertRow> alertsSince(Instant since, Optional<String> severity, int limit, Optional<Cursor> after)
            throws SQLException {
        String sql = "SELECT " + ALERT_COLUMNS + " FROM trend_alerts WHERE window_start >= ?"
                + (severity.isPresent() ? " AND severity = ?" : "")
                + (after.isPresent() ? " AND (window_start, product_id, metric) > (?, ?, ?)" : "")
                + " ORDER BY window_start, product_id, metric LIMIT ?";
        List<Object> parameters = new ArrayList<>(List.of(timestamp(since)));
        severity.ifPresent(parameters::add);
        after.ifPresent(c -> {
            parameters.add(timestamp(cursorInstant(c.get(0))));
            parameters.add(c.get(2));
            parameters.add(c.get(1));
        });
        parameters.add(limit + 1);
        List<AlertRow> rows = query(sql, parameters, AnalyticsQueries::alertRow);
        return page(rows, limit, last -> Cursor.of(last.windowStart().toString(), last.metric(), last.productId()));
    }

    /** Late events with an event time in {@code [from, to)}, of one product or all. */
    public LateEventCount lateEvents(TimeRange range, Optional<String> productId) throws SQLException {
        String sql = "SELECT kind, count(*) FROM late_events WHERE event_time >= ? AND event_time < ?"
                + (productId.isPresent() ? " AND product_id = ?" : "") + " GROUP BY kind";
        List<Object> parameters = new ArrayList<>(List.of(timestamp(range.from()), timestamp(range.to())));
        productId.ifPresent(parameters::add);
        Map<String, Long> byKind = new LinkedHashMap<>();
        LATE_EVENT_KINDS.forEach(kind -> byKind.put(kind, 0L));
        for (Map.Entry<String, Long> count : query(sql, parameters,
                rs -> Map.entry(rs.getString(1), rs.getLong(2)))) {
            byKind.put(count.getKey(), count.getValue());
        }
        long total = byKind.values().stream().mapToLong(Long::longValue).sum();
        return new LateEventCount(range.from(), range.to(), productId.orElse(null), total, byKind);
    }

    // ------------------------------------------------------------------------------------------------------------

    private static String rankValue(Ranking ranking, long orders, BigDecimal revenue, long views) {
        return switch (ranking) {
            case REVENUE -> revenue.toPlainString();
            case ORDERS -> Long.toString(orders);
            case VIEWS -> Long.toString(views);
        };
    }

    private static String name(Ranking ranking) {
        return ranking.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static <T> Page<T> page(List<T> rows, int limit, Function<T, Cursor> keyOf) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> items = rows.subList(0, limit);
        return new Page<>(items, keyOf.apply(items.get(limit - 1)).encode());
    }

    private <T> List<T> query(String sql, List<Object> parameters, RowMapper<T> mapper) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
            }
            return rows;
        }
    }

    private static WindowRow windowRow(ResultSet rs) throws SQLException {
        return new WindowRow(rs.getString(1), instant(rs, 2), instant(rs, 3), rs.getLong(4), rs.getLong(5),
                rs.getBigDecimal(6), rs.getBigDecimal(7), rs.getLong(8), rs.getLong(9), nullableDouble(rs, 10),
                instant(rs, 11));
    }

    private static HourRow hourRow(ResultSet rs) throws SQLException {
        return new HourRow(rs.getString(1), instant(rs, 2), rs.getLong(3), rs.getLong(4), rs.getBigDecimal(5),
                rs.getLong(6), nullableDouble(rs, 7));
    }

    private static AlertRow alertRow(ResultSet rs) throws SQLException {
        return new AlertRow(rs.getString(1), rs.getString(2), instant(rs, 3), instant(rs, 4), rs.getDouble(5),
                rs.getDouble(6), rs.getDouble(7), rs.getString(8), instant(rs, 9));
    }

    private static Double nullableDouble(ResultSet rs, int column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant cursorInstant(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidParameterException("cursor", "not a cursor this endpoint returned");
        }
    }

    private static BigDecimal cursorNumber(String value) {
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw new InvalidParameterException("cursor", "not a cursor this endpoint returned");
        }
    }

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }
}
