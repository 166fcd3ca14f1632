package io.trendstream.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads what the pipeline wrote, for assertions. */
public final class Database {
    private final String url;
    private final String user;
    private final String password;

    public Database(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    public Map<String, WindowRow> windowRows() {
        Map<String, WindowRow> rows = new TreeMap<>();
        query("SELECT product_id, window_start, window_end, orders, units, revenue, avg_order_value, distinct_users,"
                + " views, conversion FROM product_window_stats", rs -> {
            Object conversion = rs.getObject(10);
            WindowRow row = new WindowRow(rs.getString(1), millis(rs, 2), millis(rs, 3), rs.getLong(4), rs.getLong(5),
                    rs.getBigDecimal(6), rs.getBigDecimal(7), rs.getLong(8), rs.getLong(9),
                    conversion == null ? null : ((Number) conversion).doubleValue());
            rows.put(row.key(), row);
        });
        return rows;
    }

    /** "name|category" of each window row as product_window_stats_named shows it, by {@link WindowRow#key}. */
    public Map<String, String> windowNames() {
        Map<String, String> names = new TreeMap<>();
        query("SELECT product_id, window_start, product_name, category FROM product_window_stats_named",
                rs -> names.put(WindowRow.key(rs.getString(1), millis(rs, 2)), rs.getString(3) + "|" + rs.getString(4)));
        return names;
    }

    /** "name|category|listPrice" of each row of products, by product id. */
    public Map<String, String> products() {
        Map<String, String> products = new TreeMap<>();
        query("SELECT product_id, name, category, list_price FROM products",
                rs -> products.put(rs.getString(1), rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getBigDecimal(4)));
        return products;
    }

    /** "product|metric|windowStart|severity" per alert, sorted. */
    public List<String> alerts() {
        List<String> alerts = new ArrayList<>();
        query("SELECT product_id, metric, window_start, severity FROM trend_alerts ORDER BY 1, 2, 3",
                rs -> alerts.add(rs.getString(1) + "|" + rs.getString(2) + "|" + millis(rs, 3) + "|" + rs.getString(4)));
        return alerts;
    }

    /** "eventId|productId|kind|eventTime|windowStart" per late event, sorted. */
    public List<String> lateEvents() {
        List<String> events = new ArrayList<>();
        query("SELECT event_id, product_id, kind, event_time, window_start FROM late_events ORDER BY 1, 2",
                rs -> events.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + millis(rs, 4)
                        + "|" + millis(rs, 5)));
        return events;
    }

    public long preparedTransactions() {
        long[] count = new long[1];
        query("SELECT count(*) FROM pg_prepared_xacts", rs -> count[0] = rs.getLong(1));
        return count[0];
    }

    public long count(String sql) {
        long[] count = new long[1];
        query(sql, rs -> count[0] = rs.getLong(1));
        return count[0];
    }

    private static long millis(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant().toEpochMilli();
    }

    @FunctionalInterface
    interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, RowReader reader) {
        try (Connection db = connect(); Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                reader.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
