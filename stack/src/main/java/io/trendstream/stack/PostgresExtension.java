package io.trendstream.stack;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension running a private PostgreSQL for one test class (shared by its {@code @Nested} classes):
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresExtension PG = new PostgresExtension();
 * }</pre>
 *
 * The server has {@code max_prepared_transactions=64} (XA sinks need it), fsync off, a random password, and an empty
 * database {@value #DEFAULT_DATABASE}; call {@link #applySchema(String)} for the project's tables.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {

    public static final String DEFAULT_DATABASE = "trendstream";
    public static final int MAX_PREPARED_TRANSACTIONS = 64;

    private final String password = randomPassword();
    private final String database;
    private PostgresServer server;
    private int users; // nested test classes run beforeAll/afterAll again: start once, stop after the last

    /** The database {@value DatabaseEngine#SETTING} chooses (default auto: TimescaleDB where it is installed). */
    public PostgresExtension() {
        this(null);
    }

    private PostgresExtension(String database) {
        this.database = database;
    }

    /** A server that runs the given database ({@code auto}, {@code timescaledb}, {@code postgresql}) whatever the environment says. */
    public static PostgresExtension running(String database) {
        return new PostgresExtension(java.util.Objects.requireNonNull(database, "database"));
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (users++ > 0) {
            return;
        }
        PostgresServer.Builder builder = PostgresServer.builder()
                .maxPreparedTransactions(MAX_PREPARED_TRANSACTIONS)
                .password(password)
                .fsync(false);
        if (database != null) {
            builder.database(database);
        }
        server = builder.build();
        try {
            server.start();
            server.createDatabase(DEFAULT_DATABASE);
        } catch (RuntimeException e) {
            users = 0;
            server.close();
            server = null;
            throw e;
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (users == 0) {
            return; // beforeAll failed and already cleaned up; JUnit calls afterAll anyway
        }
        if (--users > 0 || server == null) {
            return;
        }
        try {
            server.close();
        } finally {
            server = null;
        }
    }

    /** The running server, for anything not covered here. */
    public synchronized PostgresServer server() {
        if (server == null) {
            throw new IllegalStateException("PostgresExtension is not started: register it as "
                    + "`@RegisterExtension static final PostgresExtension PG = new PostgresExtension();` "
                    + "(a static field, so beforeAll runs) and use it from tests, not from field initialisers.");
        }
        return server;
    }

    /** JDBC URL of the default database {@value #DEFAULT_DATABASE}. */
    public String jdbcUrl() {
        return jdbcUrl(DEFAULT_DATABASE);
    }

    public String jdbcUrl(String database) {
        return server().jdbcUrl(database);
    }

    public String user() {
        return server().user();
    }

    public String password() {
        return password;
    }

    /** A new connection to {@value #DEFAULT_DATABASE}; the caller closes it. */
    public Connection newConnection() throws SQLException {
        return newConnection(DEFAULT_DATABASE);
    }

    public Connection newConnection(String database) throws SQLException {
        return server().connect(database);
    }

    /** Creates the database unless it exists, e.g. one per test class or test for isolation. */
    public void createDatabase(String name) {
        server().createDatabase(name);
    }

    /** Creates the database if needed and applies the repository's {@code sql/} schema to it. */
    public void applySchema(String database) throws SQLException {
        applySchema(database, DatabaseSchema.locateSqlDir());
    }

    /**
     * Creates the database if needed and applies the scripts of {@code sqlDir}; a failure carries what the server
     * logged (its own ERROR/FATAL lines), not only what the client saw.
     */
    public void applySchema(String database, java.nio.file.Path sqlDir) throws SQLException {
        createDatabase(database);
        int backendPid = -1;
        try (Connection connection = newConnection(database)) {
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                backendPid = rs.getInt(1);
            }
            DatabaseSchema.apply(connection, sqlDir);
        } catch (SQLException e) {
            java.util.List<String> said = backendPid > 0 ? server().serverMessages(backendPid) : server().serverMessages();
            if (said.isEmpty()) {
                throw e;
            }
            throw new SQLException(e.getMessage() + "\nThe server said (" + server().logFile() + "):\n  "
                    + String.join("\n  ", said), e.getSQLState(), e);
        }
    }

    /** Prepared (two-phase) transactions not yet committed or rolled back, across all databases. */
    public int preparedTransactions() throws SQLException {
        try (Connection connection = server().connect("postgres");
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_prepared_xacts")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString() {
        // never the password
        return "PostgresExtension[" + server + "]";
    }
}
