package io.trendstream.stack;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a local PostgreSQL in the foreground for development, with the schema applied:
 *
 * <pre>
 * java -cp ... io.trendstream.stack.PostgresServerMain --port 5433 --dir .local/postgres [--database trendstream] [--schema sql/]
 * </pre>
 *
 * Ctrl-C (or SIGTERM) stops the server; the data directory is kept for the next run. The environment variable
 * {@value DatabaseEngine#SETTING} ({@code auto}, {@code timescaledb}, {@code postgresql}) chooses TimescaleDB or plain
 * PostgreSQL (see {@link DatabaseEngine}); the line {@code Database: ...} says which runs.
 */
public final class PostgresServerMain {

    static final String USAGE = "Usage: PostgresServerMain --port 5433 --dir .local/postgres "
            + "[--database trendstream] [--schema sql/] [--max-prepared-transactions 64]";

    private PostgresServerMain() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        PostgresServer server = PostgresServer.builder()
                .port(options.port)
                .dataDir(options.dir)
                .maxPreparedTransactions(options.maxPreparedTransactions)
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } finally {
                stopped.countDown();
            }
        }, "postgres-main-shutdown"));
        Path schema;
        try {
            server.start();
            System.out.println("Database: " + server.engine().describe());
        } catch (Exception e) {
            System.err.println("PostgreSQL could not be started: " + e.getMessage());
            System.exit(1); // the shutdown hook stops a half-started server
            return;
        }
        try {
            server.createDatabase(options.database);
            schema = options.schema.orElseGet(DatabaseSchema::locateSqlDir);
            try (Connection connection = server.connect(options.database)) {
                DatabaseSchema.apply(connection, schema);
            }
        } catch (Exception e) {
            // The client's view ("This connection has been closed") is no reason; the server's log has it.
            System.err.println("PostgreSQL started, but the schema could not be applied: " + e.getMessage());
            List<String> said = server.serverMessages();
            System.err.println(said.isEmpty() ? "The server logged no error (" + server.logFile() + ")."
                    : "The server said (" + server.logFile() + "):\n  " + String.join("\n  ", said));
            System.exit(1);
            return;
        }
        System.out.println("User " + server.user() + ", schema from " + schema + ", data in " + server.dataDir()
                + ", log " + server.logFile() + ". Ctrl-C stops the server.");
        // Exactly this line, last: scripts wait for it and take the URL from it.
        System.out.println("PostgreSQL ready on " + server.jdbcUrl(options.database));
        stopped.await(); // until the shutdown hook has stopped the server
    }

    /** Command-line options. */
    record Options(int port, Path dir, String database, Optional<Path> schema, int maxPreparedTransactions) {

        static Options parse(String[] args) {
            Integer port = null;
            Path dir = null;
            String database = "trendstream";
            Optional<Path> schema = Optional.empty();
            int maxPrepared = 64;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("Missing value for " + name);
                }
                String value = args[++i];
                switch (name) {
                    case "--port" -> port = parseInt(name, value);
                    case "--dir" -> dir = Path.of(value);
                    case "--database" -> database = value;
                    case "--schema" -> schema = Optional.of(Path.of(value));
                    case "--max-prepared-transactions" -> maxPrepared = parseInt(name, value);
                    default -> throw new IllegalArgumentException("Unknown option " + name);
                }
            }
            if (port == null || dir == null) {
                throw new IllegalArgumentException("--port and --dir are required");
            }
            return new Options(port, dir, database, schema, maxPrepared);
        }

        private static int parseInt(String name, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " needs a number, got " + value);
            }
        }
    }
}
