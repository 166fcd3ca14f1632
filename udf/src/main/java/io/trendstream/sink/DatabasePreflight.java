package io.trendstream.sink;

import io.trendstream.jdbc.PostgresXaConnection;

import org.apache.flink.configuration.IllegalConfigurationException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Checks, before the job is submitted, that the database can take the exactly-once sinks: it is
 * reachable, accepts prepared transactions, and has the tables of {@code sql/}.
 */
public final class DatabasePreflight {

    static final List<String> TABLES = List.of(WindowAggregateUpsert.TABLE, TrendAlertUpsert.TABLE, LateEventInsert.TABLE);

    private DatabasePreflight() {}

    public static void check(PostgresXaConnection connection) {
        try (Connection db = connection.open(); Statement statement = db.createStatement()) {
            int maxPrepared;
            try (ResultSet rs = statement.executeQuery("SELECT current_setting('max_prepared_transactions')::int")) {
                rs.next();
                maxPrepared = rs.getInt(1);
            }
            if (maxPrepared <= 0) {
                throw new IllegalConfigurationException("PostgreSQL at " + connection.url()
                        + " has max_prepared_transactions = " + maxPrepared
                        + ", but the exactly-once sink commits in two phases and needs prepared transactions."
                        + " Set max_prepared_transactions to at least 3 x the job's parallelism (e.g. 64) in postgresql.conf,"
                        + " or start the server with -c max_prepared_transactions=64 (docker-compose does), then restart PostgreSQL.");
            }
            for (String table : TABLES) {
                if (!exists(statement, table)) {
                    throw new IllegalConfigurationException("Table " + table + " does not exist in " + connection.url()
                            + ". Apply the schema in sql/ first (see sql/README.md).");
                }
            }
            // In the order of sql/'s files, so a database of an earlier version is told about its oldest gap first.
            checkPrimaryKey(statement, connection, LateEventInsert.TABLE, LateEventInsert.KEY);
            if (!exists(statement, ProductUpsert.TABLE)) {
                throw new IllegalConfigurationException("Table " + ProductUpsert.TABLE + " (the product catalog) does not"
                        + " exist in " + connection.url() + ". Apply the schema in sql/ again: its later files add it"
                        + " (see sql/README.md).");
            }
            checkChunkDecompression(statement, connection);
        } catch (SQLException e) {
            throw new IllegalConfigurationException("Cannot connect to PostgreSQL at " + connection.url() + " as user '"
                    + connection.user() + "': " + e.getMessage()
                    + ". Check jdbc.url, that the server is running and reachable from here, and the credentials"
                    + " (TRENDSTREAM_JDBC_USER / TRENDSTREAM_JDBC_PASSWORD).", e);
        }
    }

    /**
     * On TimescaleDB the sinks decompress a compressed chunk before they write into it (a replay, a very old late
     * event) through sql/008's function: without it, or without the right to call it, such a row would fail the job
     * over and over.
     */
    private static void checkChunkDecompression(Statement statement, PostgresXaConnection connection) throws SQLException {
        if (!bool(statement, "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')")) {
            return;
        }
        if (!bool(statement, "SELECT to_regprocedure('" + SinkChunks.DECOMPRESS_FUNCTION + "(regclass)') IS NOT NULL")) {
            throw new IllegalConfigurationException("Function " + SinkChunks.DECOMPRESS_FUNCTION + " does not exist in "
                    + connection.url() + ". Apply the schema in sql/ again: its later files add it (see sql/README.md).");
        }
        if (!bool(statement, "SELECT has_function_privilege(current_user, '" + SinkChunks.DECOMPRESS_FUNCTION
                + "(regclass)', 'EXECUTE')")) {
            throw new IllegalConfigurationException("User '" + connection.user() + "' may not execute "
                    + SinkChunks.DECOMPRESS_FUNCTION + " in " + connection.url() + ": the sinks need it to write into"
                    + " compressed chunks. Run, as the tables' owner: GRANT " + SinkChunks.WRITER_ROLE + " TO "
                    + connection.user() + ";");
        }
    }

    private static boolean bool(Statement statement, String query) throws SQLException {
        try (ResultSet rs = statement.executeQuery(query)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static boolean exists(Statement statement, String table) throws SQLException {
        return bool(statement, "SELECT to_regclass('" + table + "') IS NOT NULL");
    }

    /** The conflict target of a sink's statement must be the table's primary key, or every write of it fails. */
    private static void checkPrimaryKey(Statement statement, PostgresXaConnection connection, String table, String key)
            throws SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                + " WHERE conrelid = to_regclass('" + table + "') AND contype = 'p'")) {
            String actual = rs.next() ? rs.getString(1) : "no primary key";
            if (!actual.equals("PRIMARY KEY (" + key + ")")) {
                throw new IllegalConfigurationException("Table " + table + " in " + connection.url() + " has " + actual
                        + ", but the job writes it keyed by (" + key + "). Apply the schema in sql/ again: its later"
                        + " files migrate the table (see sql/README.md).");
            }
        }
    }
}
