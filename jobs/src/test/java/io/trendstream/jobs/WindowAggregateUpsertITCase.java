package io.trendstream.jobs;

import io.trendstream.records.WindowAggregate;
import io.trendstream.sink.WindowAggregateUpsert;
import io.trendstream.stack.PostgresExtension;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the real schema: a window's row is replaced by a firing that covers at least the events it covers
 * (an equal replay, a superset), never by one that knows less (a partial firing after a restore).
 */
class WindowAggregateUpsertITCase {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final String DATABASE = "upsert_guard";
    private static final long START = Instant.parse("2026-11-30T06:55:00Z").toEpochMilli();
    private static final long END = START + 300_000;
    private static final WindowAggregate COMPLETE = new WindowAggregate("p1", START, END, 1137, 2889, 2_565_432, 949, 1764);

    @BeforeAll
    static void schema() throws SQLException {
        POSTGRES.applySchema(DATABASE);
    }

    @BeforeEach
    void completeRowCommitted() throws SQLException {
        try (Connection db = POSTGRES.newConnection(DATABASE); Statement statement = db.createStatement()) {
            statement.execute("TRUNCATE " + WindowAggregateUpsert.TABLE);
        }
        assertThat(upsert(COMPLETE)).as("a new row is inserted").isEqualTo(1);
    }

    @Test
    void aPartialFiringDoesNotReplaceTheCompleteRow() throws SQLException {
        WindowAggregate partial = new WindowAggregate("p1", START, END, 0, 0, 0, 1, 1); // one late view, state lost

        assertThat(upsert(partial)).isZero();
        assertThat(row()).isEqualTo("1137|2889|25654.32|949|1764");
    }

    @Test
    void aFiringWithMoreOfOneKindButLessOfAnotherDoesNotReplaceIt() throws SQLException {
        assertThat(upsert(new WindowAggregate("p1", START, END, 1138, 2890, 2_566_432, 950, 3))).isZero();
        assertThat(upsert(new WindowAggregate("p1", START, END, 1137, 2889, 2_565_431, 949, 1764))).isZero();
        assertThat(row()).isEqualTo("1137|2889|25654.32|949|1764");
    }

    @Test
    void anEqualReplayReplacesTheRow() throws SQLException {
        assertThat(upsert(COMPLETE)).isEqualTo(1);
        assertThat(row()).isEqualTo("1137|2889|25654.32|949|1764");
    }

    @Test
    void aLateFiringThatCoversMoreEventsReplacesTheRow() throws SQLException {
        assertThat(upsert(new WindowAggregate("p1", START, END, 1137, 2889, 2_565_432, 950, 1765))).isEqualTo(1);
        assertThat(row()).isEqualTo("1137|2889|25654.32|950|1765");
        assertThat(upsert(new WindowAggregate("p1", START, END, 1138, 2891, 2_567_432, 950, 1765))).isEqualTo(1);
        assertThat(row()).isEqualTo("1138|2891|25674.32|950|1765");
    }

    private static int upsert(WindowAggregate row) throws SQLException {
        WindowAggregateUpsert upsert = new WindowAggregateUpsert();
        try (Connection db = POSTGRES.newConnection(DATABASE); PreparedStatement ps = db.prepareStatement(upsert.query())) {
            upsert.statement(ps, row);
            return ps.executeUpdate();
        }
    }

    private static String row() throws SQLException {
        try (Connection db = POSTGRES.newConnection(DATABASE); Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("SELECT orders, units, revenue, distinct_users, views FROM "
                        + WindowAggregateUpsert.TABLE + " WHERE product_id = 'p1'")) {
            assertThat(rs.next()).isTrue();
            String row = rs.getLong(1) + "|" + rs.getLong(2) + "|" + rs.getBigDecimal(3) + "|" + rs.getLong(4) + "|" + rs.getLong(5);
            assertThat(rs.next()).isFalse();
            return row;
        }
    }
}
