package io.trendstream.sink;

import io.trendstream.events.TrendAlert;

import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Upserts an alert, keyed by product, metric and window: a replayed alert replaces itself. */
public final class TrendAlertUpsert implements JdbcQueryStatement<TrendAlert> {
    private static final long serialVersionUID = 1L;

    public static final String TABLE = "trend_alerts";

    @Override
    public String query() {
        return "INSERT INTO " + TABLE + " (window_start, window_end, product_id, metric, observed, baseline, ratio,"
                + " severity, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())"
                + " ON CONFLICT (product_id, metric, window_start) DO UPDATE SET"
                + " window_end = EXCLUDED.window_end, observed = EXCLUDED.observed, baseline = EXCLUDED.baseline,"
                + " ratio = EXCLUDED.ratio, severity = EXCLUDED.severity";
    }

    @Override
    public void statement(PreparedStatement ps, TrendAlert alert) throws SQLException {
        ps.setObject(1, Timestamps.of(alert.getWindowStart()));
        ps.setObject(2, Timestamps.of(alert.getWindowEnd()));
        ps.setString(3, alert.getProductId());
        ps.setString(4, alert.getMetric().name());
        ps.setDouble(5, alert.getObserved());
        ps.setDouble(6, alert.getBaseline());
        ps.setDouble(7, alert.getRatio());
        ps.setString(8, alert.getSeverity().name());
    }
}
