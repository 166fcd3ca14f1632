package io.trendstream.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the project's database schema: every {@code *.sql} file of a directory (the repository's {@code sql/}),
 * in file-name order, each as one script in its own transaction. The scripts are written to be idempotent,
 * so applying them again is harmless.
 *
 * <p>A script whose first line is {@value #NO_TRANSACTION_MARKER} runs in autocommit instead: statements such as
 * TimescaleDB's {@code refresh_continuous_aggregate} refuse to run inside a transaction block. Such a script should
 * be a single statement, as {@code psql -f} (docker-compose's init) runs it the same way then.
 */
public final class DatabaseSchema {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseSchema.class);
    /** The schema directory's name at the repository root. */
    public static final String SQL_DIR = "sql";
    /** First line of a script that must run outside a transaction block. */
    public static final String NO_TRANSACTION_MARKER = "-- trendstream:no-transaction";

    private DatabaseSchema() {
    }

    /**
     * Runs each script of {@code sqlDir} in name order; each file commits on its own, or rolls back and fails.
     *
     * @return the scripts applied, in order
     * @throws SQLException naming the failing file
     */
    public static List<Path> apply(Connection connection, Path sqlDir) throws SQLException {
        List<Path> scripts = scripts(sqlDir);
        boolean autoCommit = connection.getAutoCommit();
        try {
            for (Path script : scripts) {
                applyScript(connection, script);
            }
        } finally {
            if (!connection.isClosed()) { // the server may have ended the session: keep the script's error
                connection.setAutoCommit(autoCommit);
            }
        }
        return scripts;
    }

    private static void applyScript(Connection connection, Path script) throws SQLException {
        String sql = read(script);
        boolean inTransaction = !runsOutsideTransaction(sql);
        connection.setAutoCommit(!inTransaction);
        try (Statement statement = connection.createStatement()) {
            statement.setEscapeProcessing(false); // plain PostgreSQL text: no JDBC {fn ...} escapes
            statement.execute(sql);
            if (inTransaction) {
                connection.commit();
            }
            LOG.info("Applied {}", script.getFileName());
        } catch (SQLException e) {
            SQLException failure = new SQLException("Applying " + script + " failed (SQLState " + e.getSQLState()
                    + "): " + e.getMessage(), e.getSQLState(), e);
            if (inTransaction && !connection.isClosed()) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    failure.addSuppressed(rollback); // never instead of the script's own error
                }
            }
            throw failure;
        }
    }

    /** Whether the script starts with {@value #NO_TRANSACTION_MARKER}. */
    static boolean runsOutsideTransaction(String sql) {
        return sql.lines().findFirst().map(String::strip).filter(NO_TRANSACTION_MARKER::equals).isPresent();
    }

    /** The {@code *.sql} files directly in {@code sqlDir}, sorted by file name. */
    public static List<Path> scripts(Path sqlDir) {
        if (!Files.isDirectory(sqlDir)) {
            throw new IllegalArgumentException("Schema directory " + sqlDir.toAbsolutePath() + " does not exist");
        }
        try (Stream<Path> files = Files.list(sqlDir)) {
            List<Path> scripts = files
                    .filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".sql"))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
            if (scripts.isEmpty()) {
                throw new IllegalArgumentException("Schema directory " + sqlDir.toAbsolutePath() + " has no .sql files");
            }
            return scripts;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + sqlDir, e);
        }
    }

    /** The repository's {@code sql/} directory, found by walking up from the working directory. */
    public static Path locateSqlDir() {
        return locateSqlDir(Path.of("").toAbsolutePath());
    }

    /**
     * Walks up from {@code start} until a {@code sql/} directory holding a {@code .sql} file is found; tests run
     * with a module directory as working directory, so the repository root is a parent.
     */
    public static Path locateSqlDir(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(SQL_DIR);
            if (Files.isDirectory(candidate) && hasSqlFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("No " + SQL_DIR + "/ directory with .sql files found in " + start.toAbsolutePath()
                + " or any parent. Run from inside the TrendStream repository or pass the schema directory explicitly.");
    }

    private static boolean hasSqlFile(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".sql"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path script) {
        try {
            return Files.readString(script, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + script, e);
        }
    }
}
