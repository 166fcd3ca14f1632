package io.trendstream.sink;

import io.trendstream.records.WindowAggregate;

import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Upserts a window's row. Every firing of a window carries its complete totals, so replacing the row
 * is idempotent: replays after a failure and late updates converge to one correct row.
 *
 * <p>A window counts each event once, by id, and quantities and prices are positive, so a later
 * firing of the same window covers a superset of the events: none of its counts and sums is smaller.
 * A firing with a smaller one knows less than the row (a window state that was lost or started
 * afresh, e.g. a late event judged against a watermark that a restore reset) and must not replace it;
 * the upsert leaves the row as it is then. Equal replays and supersets replace it.
 */
public final class WindowAggregateUpsert implements JdbcQueryStatement<WindowAggregate> {
    private static final long serialVersionUID = 1L;

    public static final String TABLE = "product_window_stats";

    @Override
    public String query() {
        return "INSERT INTO " + TABLE + " (window_start, window_end, product_id, orders, units, revenue,"
                + " avg_order_value, distinct_users, views, conversion, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())"
                + " ON CONFLICT (product_id, window_start) DO UPDATE SET"
                + " window_end = EXCLUDED.window_end, orders = EXCLUDED.orders, units = EXCLUDED.units,"
                + " revenue = EXCLUDED.revenue, avg_order_value = EXCLUDED.avg_order_value,"
                + " distinct_users = EXCLUDED.distinct_users, views = EXCLUDED.views,"
                + " conversion = EXCLUDED.conversion, updated_at = now()"
                + " WHERE EXCLUDED.orders >= " + TABLE + ".orders AND EXCLUDED.units >= " + TABLE + ".units"
                + " AND EXCLUDED.revenue >= " + TABLE + ".revenue AND EXCLUDED.distinct_users >= " + TABLE + ".distinct_users"
                + " AND EXCLUDED.views >= " + TABLE + ".views";
    }

    @Override
    public void statement(PreparedStatement ps, WindowAggregate row) throws SQLException {
        ps.setObject(1, Timestamps.of(row.windowStart()));
        ps.setObject(2, Timestamps.of(row.windowEnd()));
        ps.setString(3, row.productId());
        ps.setLong(4, row.orders());
        ps.setLong(5, row.units());
        ps.setBigDecimal(6, row.revenue());
        ps.setBigDecimal(7, row.averageOrderValue());
        ps.setLong(8, row.distinctUsers());
        ps.setLong(9, row.views());
        if (row.conversion() == null) {
            ps.setNull(10, Types.DOUBLE);
        } else {
            ps.setDouble(10, row.conversion());
        }
    }
}
