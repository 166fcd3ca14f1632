package io.trendstream.jdbc;

import io.trendstream.stack.PostgresExtension;

import org.apache.flink.core.execution.JobClient;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sink's end-to-end suite on TimescaleDB: a private server with the timescaledb library preloaded, the
 * repository's sql/ applied (its tables are hypertables), and the suite's tables turned into hypertables with small
 * chunks, so that the sink's prepared transactions create chunks and hold locks on them.
 *
 * <p>Runs only when asked for ({@code mvn -pl jdbc-sink -am verify -Ptimescaledb}): this machine's PostgreSQL has no
 * TimescaleDB, and CI's neither. Asked for, it fails when TimescaleDB is missing, never skips.
 */
class TimescaleDbExactlyOnceJdbcSinkITCase extends ExactlyOnceJdbcSinkTestBase {

    /** Rows per chunk of the suite's tables: every checkpoint's transaction creates chunks. */
    private static final int CHUNK = 10;

    @RegisterExtension
    @Order(1)
    static final PostgresExtension TIMESCALEDB = PostgresExtension.running("timescaledb");

    @Override
    protected PostgresExtension postgres() {
        return TIMESCALEDB;
    }

    @Override
    protected void prepareDatabase(String database) throws SQLException {
        TIMESCALEDB.applySchema(database);
        assertThat(hypertables(database)).as("sql/ on TimescaleDB")
                .contains("late_events", "product_window_stats", "trend_alerts");
    }

    @Override
    protected void createTable(Statement statement, String table, String columns, String key) throws SQLException {
        super.createTable(statement, table, columns, key);
        statement.execute("SELECT create_hypertable('" + table + "', by_range('" + key + "', " + CHUNK + "))");
        assertThat(hypertables(database)).contains(table);
    }

    @Override
    protected void compressPartitions(String table) throws SQLException {
        try (Connection db = TIMESCALEDB.newConnection(database); Statement statement = db.createStatement()) {
            statement.execute("ALTER TABLE " + table + " SET (timescaledb.compress)");
            try (ResultSet rs = statement.executeQuery("SELECT count(compress_chunk(c)) FROM show_chunks('" + table + "') c")) {
                rs.next();
                assertThat(rs.getLong(1)).as("compressed chunks of %s", table).isPositive();
            }
        }
    }

    /**
     * TimescaleDB's compression policy runs when it likes: it may compress a chunk after the sink prepared it and
     * before the rows go in. Two subtasks' rows then go into one compressed chunk inside their transactions, and the
     * second waits for the first's commit, which waits for the second. Here the decompression misses on purpose until
     * the job has failed over once: the sink's lock timeout must end the wait, and the restore writes every row once.
     */
    @Test
    void aChunkCompressedAfterTheSinkPreparedItCostsAFailoverNotTheCheckpoints() throws Exception {
        long rows = 400;
        try (Connection db = TIMESCALEDB.newConnection(database); Statement statement = db.createStatement()) {
            statement.execute("INSERT INTO numbers SELECT n FROM generate_series(0, " + (rows - 1) + ") n WHERE n % 2 = 0");
            statement.execute("CREATE TABLE decompression_misses (missing boolean NOT NULL)");
            statement.execute("INSERT INTO decompression_misses VALUES (true)");
            // As if the policy compressed the chunk again right after: the sink believes it decompressed.
            statement.execute("CREATE FUNCTION decompress_or_miss(chunk regclass) RETURNS void LANGUAGE plpgsql AS $$"
                    + " BEGIN IF NOT (SELECT missing FROM decompression_misses) THEN"
                    + " PERFORM decompress_chunk(chunk, true); END IF; END $$");
        }
        compressPartitions("numbers");

        JobClient job = startWritingWithTwoSubtasks(i -> 2 * i + 1, rows / 2,
                numbersSinkDecompressingWith("decompress_or_miss").withLockTimeout(Duration.ofSeconds(2)), 100);
        try {
            await().atMost(Duration.ofMinutes(1)).until(() -> CountAttempts.ATTEMPTS.get() >= 2);
        } finally {
            try (Connection db = TIMESCALEDB.newConnection(database); Statement statement = db.createStatement()) {
                statement.execute("UPDATE decompression_misses SET missing = false");
            }
        }
        job.getJobExecutionResult().get(1, TimeUnit.MINUTES);

        assertExactly("numbers", rows);
        assertThat(TIMESCALEDB.preparedTransactions()).isZero();
    }

    private static List<String> hypertables(String database) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection db = TIMESCALEDB.newConnection(database); Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("SELECT hypertable_name FROM timescaledb_information.hypertables")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
