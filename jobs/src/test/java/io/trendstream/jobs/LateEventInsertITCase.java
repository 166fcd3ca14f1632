package io.trendstream.jobs;

import io.trendstream.jdbc.PostgresXaConnection;
import io.trendstream.records.ActivityKind;
import io.trendstream.records.LateEvent;
import io.trendstream.sink.DatabasePreflight;
import io.trendstream.sink.LateEventInsert;
import io.trendstream.stack.DatabaseSchema;
import io.trendstream.stack.PostgresExtension;

import org.apache.flink.configuration.IllegalConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** On the real schema: each late event is stored once, and an order and a view with the same id are two events. */
class LateEventInsertITCase {

    @RegisterExtension
    static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final long T = Instant.parse("2026-11-30T06:56:00Z").toEpochMilli();
    private static final long WINDOW = Instant.parse("2026-11-30T06:55:00Z").toEpochMilli();
    private static final LateEvent ORDER = new LateEvent("e-7", "p1", ActivityKind.ORDER, T, WINDOW, 2, 1998, T + 600_000);
    private static final LateEvent VIEW = new LateEvent("e-7", "p1", ActivityKind.VIEW, T, WINDOW, 0, 0, T + 600_000);

    @Test
    void anOrderAndAViewWithTheSameIdAreBothStoredAndEachOnlyOnce() throws SQLException {
        POSTGRES.applySchema("late_kinds");

        assertThat(insert("late_kinds", ORDER)).isEqualTo(1);
        assertThat(insert("late_kinds", VIEW)).as("a view with the order's id").isEqualTo(1);
        assertThat(insert("late_kinds", ORDER)).as("the order again, replayed after a restart").isZero();
        assertThat(insert("late_kinds", VIEW)).as("the view again").isZero();

        assertThat(rows("late_kinds")).containsExactly("e-7 p1 ORDER 2 19.98", "e-7 p1 VIEW 0 0.00");
    }

    /** A database set up before sql/005 keeps its rows and takes both kinds after the migration. */
    @Test
    void theMigrationPutsKindIntoTheKeyOfAnExistingTable(@TempDir Path before) throws SQLException, IOException {
        Path sql = DatabaseSchema.locateSqlDir();
        for (Path script : DatabaseSchema.scripts(sql)) {
            if (script.getFileName().toString().compareTo("005") < 0) {
                Files.copy(script, before.resolve(script.getFileName()));
            }
        }
        POSTGRES.applySchema("late_migration", before);
        try (Connection db = POSTGRES.newConnection("late_migration"); Statement statement = db.createStatement()) {
            statement.execute("INSERT INTO late_events (event_time, event_id, product_id, kind, window_start, units, revenue,"
                    + " watermark_at_arrival) VALUES (to_timestamp(" + T / 1000 + "), 'e-7', 'p1', 'ORDER',"
                    + " to_timestamp(" + WINDOW / 1000 + "), 2, 19.98, to_timestamp(" + (T + 600_000) / 1000 + "))");
        }
        assertThat(primaryKey("late_migration")).isEqualTo("PRIMARY KEY (event_id, product_id, event_time)");
        PostgresXaConnection connection = new PostgresXaConnection(POSTGRES.jdbcUrl("late_migration"), POSTGRES.user(),
                POSTGRES.password());
        assertThatThrownBy(() -> DatabasePreflight.check(connection)).as("the job refuses the database before 005")
                .isInstanceOf(IllegalConfigurationException.class).hasMessageContaining("Apply the schema in sql/ again");

        POSTGRES.applySchema("late_migration");
        POSTGRES.applySchema("late_migration"); // idempotent

        assertThat(primaryKey("late_migration")).isEqualTo("PRIMARY KEY (" + LateEventInsert.KEY + ")");
        DatabasePreflight.check(connection);
        assertThat(insert("late_migration", ORDER)).as("the row from before, replayed").isZero();
        assertThat(insert("late_migration", VIEW)).isEqualTo(1);
        assertThat(rows("late_migration")).containsExactly("e-7 p1 ORDER 2 19.98", "e-7 p1 VIEW 0 0.00");
    }

    private static int insert(String database, LateEvent event) throws SQLException {
        LateEventInsert insert = new LateEventInsert();
        try (Connection db = POSTGRES.newConnection(database); PreparedStatement ps = db.prepareStatement(insert.query())) {
            insert.statement(ps, event);
            return ps.executeUpdate();
        }
    }

    private static List<String> rows(String database) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection db = POSTGRES.newConnection(database); Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("SELECT concat_ws(' ', event_id, product_id, kind, units, revenue)"
                        + " FROM late_events ORDER BY kind")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private static String primaryKey(String database) throws SQLException {
        try (Connection db = POSTGRES.newConnection(database); Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                        + " WHERE conrelid = 'late_events'::regclass AND contype = 'p'")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
