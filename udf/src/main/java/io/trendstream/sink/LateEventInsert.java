package io.trendstream.sink;

import io.trendstream.records.LateEvent;

import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Stores a late event once; a replay of the same event is ignored. An event is identified by its id and kind (ids are
 * unique per kind: an order and a view with the same id are two events), and its product and event time (an order
 * touches several products; TimescaleDB needs the time column in every key).
 */
public final class LateEventInsert implements JdbcQueryStatement<LateEvent> {
    private static final long serialVersionUID = 1L;

    public static final String TABLE = "late_events";
    /** The table's primary key (sql/005), the conflict target of the insert. */
    public static final String KEY = "event_id, kind, product_id, event_time";

    @Override
    public String query() {
        return "INSERT INTO " + TABLE + " (event_time, event_id, product_id, kind, window_start, units, revenue,"
                + " watermark_at_arrival) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (" + KEY + ") DO NOTHING";
    }

    @Override
    public void statement(PreparedStatement ps, LateEvent event) throws SQLException {
        ps.setObject(1, Timestamps.of(event.eventTime()));
        ps.setString(2, event.eventId());
        ps.setString(3, event.productId());
        ps.setString(4, event.kind().name());
        ps.setObject(5, Timestamps.of(event.windowStart()));
        ps.setInt(6, event.units());
        ps.setBigDecimal(7, BigDecimal.valueOf(event.revenueCents(), 2));
        ps.setObject(8, Timestamps.of(Math.max(0L, event.watermarkAtArrival())));
    }
}
