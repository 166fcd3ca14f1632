package io.trendstream.sink;

import io.trendstream.jdbc.FakeDatabase;
import io.trendstream.jdbc.PostgresXaConnection;

import org.apache.flink.configuration.IllegalConfigurationException;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An unreachable database is reported before the job starts, naming where and as whom, never the password. */
class DatabasePreflightTest {

    /** Nothing listens on port 1: the connection is refused at once. */
    private static final String UNREACHABLE = "jdbc:postgresql://127.0.0.1:1/trends";
    private static final PostgresXaConnection CONNECTION = new PostgresXaConnection(UNREACHABLE, "trend-user", "s3cr3t-Pa55");

    private static FakeDatabase readyDatabase() {
        FakeDatabase db = new FakeDatabase();
        db.tables.addAll(List.of("product_window_stats", "trend_alerts", "late_events", "products"));
        db.primaryKeys.put("late_events", "PRIMARY KEY (event_id, kind, product_id, event_time)");
        return db;
    }

    @Test
    void passesWhenPreparedTransactionsAreEnabledAndTheTablesExist() {
        FakeDatabase db = readyDatabase();

        DatabasePreflight.check(db.connection("trend-user", "pw"));

        assertThat(db.connections).singleElement().satisfies(info -> {
            assertThat(info.getProperty("user")).isEqualTo("trend-user");
            assertThat(info.getProperty("password")).isEqualTo("pw");
        });
    }

    @Test
    void connectsWithoutPasswordWhenNoneIsSet() {
        FakeDatabase db = readyDatabase();

        DatabasePreflight.check(db.connection("trend-user", null));

        assertThat(db.connections).singleElement()
                .satisfies(info -> assertThat(info.getProperty("password")).isNull());
    }

    @Test
    void refusesADatabaseWithoutPreparedTransactions() {
        FakeDatabase db = readyDatabase();
        db.maxPreparedTransactions = 0;

        assertThatThrownBy(() -> DatabasePreflight.check(db.connection("trend-user", "pw")))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageStartingWith("PostgreSQL at " + db.url() + " has max_prepared_transactions = 0, but the "
                        + "exactly-once sink commits in two phases and needs prepared transactions.");
    }

    @Test
    void refusesADatabaseWithoutOneOfTheTables() {
        FakeDatabase db = readyDatabase();
        db.tables.remove("trend_alerts");

        assertThatThrownBy(() -> DatabasePreflight.check(db.connection("trend-user", "pw")))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessage("Table trend_alerts does not exist in " + db.url() + ". Apply the schema in sql/ first "
                        + "(see sql/README.md).");
    }

    @Test
    void refusesADatabaseWithoutTheCatalogTable() {
        FakeDatabase db = readyDatabase();
        db.tables.remove("products"); // a database migrated before sql/006

        assertThatThrownBy(() -> DatabasePreflight.check(db.connection("trend-user", "pw")))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessage("Table products (the product catalog) does not exist in " + db.url() + ". Apply the"
                        + " schema in sql/ again: its later files add it (see sql/README.md).");
    }

    @Test
    void onTimescaleDbPassesWhenTheUserMayDecompressChunks() {
        FakeDatabase db = readyDatabase();
        db.timescaledb = true;

        DatabasePreflight.check(db.connection("trend-user", "pw"));

        assertThat(db.executed).contains("SELECT has_function_privilege(current_user, '"
                + SinkChunks.DECOMPRESS_FUNCTION + "(regclass)', 'EXECUTE')");
    }

    @Test
    void onTimescaleDbRefusesAUserThatMayNotDecompressChunksWithTheGrant() {
        FakeDatabase db = readyDatabase();
        db.timescaledb = true;
        db.mayDecompress = false;

        assertThatThrownBy(() -> DatabasePreflight.check(db.connection("trend-user", "pw")))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessage("User 'trend-user' may not execute decompress_chunk_for_write in " + db.url() + ": the sinks"
                        + " need it to write into compressed chunks. Run, as the tables' owner: GRANT trendstream_writer"
                        + " TO trend-user;");
    }

    @Test
    void onTimescaleDbRefusesADatabaseWithoutTheDecompressionFunction() {
        FakeDatabase db = readyDatabase();
        db.timescaledb = true;
        db.decompressFunction = false; // a database set up before sql/008

        assertThatThrownBy(() -> DatabasePreflight.check(db.connection("trend-user", "pw")))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessage("Function decompress_chunk_for_write does not exist in " + db.url() + ". Apply the schema in"
                        + " sql/ again: its later files add it (see sql/README.md).");
    }

    @Test
    void onPlainPostgreSqlTheDecompressionFunctionIsNotNeeded() {
        FakeDatabase db = readyDatabase();
        db.decompressFunction = false;
        db.mayDecompress = false;

        DatabasePreflight.check(db.connection("trend-user", "pw"));
    }

    @Test
    void refusesALateEventsTableKeyedWithoutTheKindOfEvent() {
        FakeDatabase db = readyDatabase();
        db.primaryKeys.put("late_events", "PRIMARY KEY (event_id, product_id, event_time)"); // before sql/005

        assertThatThrownBy(() -> DatabasePreflight.check(db.connection("trend-user", "pw")))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessage("Table late_events in " + db.url() + " has PRIMARY KEY (event_id, product_id, event_time), but"
                        + " the job writes it keyed by (event_id, kind, product_id, event_time). Apply the schema in sql/"
                        + " again: its later files migrate the table (see sql/README.md).");
    }

    @Test
    void anUnreachableDatabaseFailsThePreflightNamingUrlAndUserButNotThePassword() {
        assertThatThrownBy(() -> DatabasePreflight.check(CONNECTION))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageStartingWith("Cannot connect to PostgreSQL at " + UNREACHABLE + " as user 'trend-user': ")
                .hasMessageContaining("TRENDSTREAM_JDBC_USER / TRENDSTREAM_JDBC_PASSWORD")
                .message().doesNotContain("s3cr3t");
    }
}
