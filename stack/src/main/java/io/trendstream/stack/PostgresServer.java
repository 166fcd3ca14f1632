package io.trendstream.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL server run from the locally installed binaries: {@code initdb} once, then
 * {@code pg_ctl start}/{@code stop}. Restarting on the same data directory keeps the data.
 *
 * <pre>{@code
 * try (PostgresServer pg = PostgresServer.builder().maxPreparedTransactions(64).fsync(false).build().start()) {
 *     pg.createDatabase("trendstream");
 *     String url = pg.jdbcUrl("trendstream");
 * }
 * }</pre>
 *
 * <p>When the JVM runs as root the server runs as the {@code postgres} OS user (initdb refuses root),
 * and the data directory is handed to that user.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final String HOST = "localhost";
    private static final String LOG_FILE = "server.log";

    private final Builder config;
    private final Optional<String> osUser;
    private final boolean tempDir;
    private Path dataDir;
    private int port;
    private boolean running;
    private PostgresBinaries binaries;
    private DatabaseEngine engine;
    private long logOffset; // the server log's size when this start began: what the server said since
    private Thread shutdownHook;

    private PostgresServer(Builder config) {
        this.config = config;
        this.osUser = config.osUser != null ? Optional.of(config.osUser)
                : "root".equals(System.getProperty("user.name")) ? Optional.of("postgres") : Optional.empty();
        this.tempDir = config.dataDir == null;
        this.dataDir = config.dataDir == null ? null : config.dataDir.toAbsolutePath().normalize();
        this.port = config.port;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Initialises the data directory if needed, starts the server and waits until it accepts connections.
     * Calling it on a running server does nothing.
     *
     * @throws IllegalStateException when the binaries are missing, the port is taken, or the server fails to start;
     *                               the message says what to check
     */
    public synchronized PostgresServer start() {
        if (running) {
            return this;
        }
        binaries = config.binDir != null
                ? PostgresBinaries.locate(Map.of(PostgresBinaries.PG_BIN_ENV, config.binDir.toString()))
                : PostgresBinaries.locate();
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        if (config.database != null) {
            env.put(DatabaseEngine.SETTING, config.database);
        }
        engine = DatabaseEngine.choose(env, binaries);
        try {
            if (dataDir == null) {
                dataDir = Files.createTempDirectory("trendstream-pg-");
            }
            // Checks before touching the directory, so a refused start leaves nothing behind.
            failIfAlreadyRunning();
            port = port == 0 ? freePort() : requireFreePort(port);
            prepareDataDir();
            if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
                initdb();
            }
            // From here on a server process may exist even if pg_ctl reports failure (e.g. its wait timed out).
            running = true;
            pgCtlStart();
            shutdownHook = new Thread(this::stopQuietly, "postgres-server-shutdown-" + port);
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            awaitConnectable();
        } catch (IOException | RuntimeException e) {
            RuntimeException failure = e instanceof IOException io
                    ? new UncheckedIOException("Could not prepare PostgreSQL data directory " + dataDir, io)
                    : (RuntimeException) e;
            abandonFailedStart(failure);
            throw failure;
        }
        LOG.info("PostgreSQL ({}) ready on {}: {} (data {}, max_prepared_transactions={})",
                binaries.binDir(), jdbcUrl("postgres"), engine.describe(), dataDir, config.maxPreparedTransactions);
        return this;
    }

    /** Leaves nothing behind after a failed start: no half-started server, no temp directory. */
    private void abandonFailedStart(Exception cause) {
        try {
            close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        if (tempDir) {
            dataDir = null;
            port = config.port;
        }
    }

    private void prepareDataDir() throws IOException {
        Files.createDirectories(dataDir);
        if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
            try (Stream<Path> entries = Files.list(dataDir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalStateException("PostgreSQL data directory " + dataDir
                            + " is not empty but not initialised either (no PG_VERSION). Use an empty or new directory.");
                }
            }
            if (osUser.isPresent()) {
                chown(dataDir, osUser.get());
            }
        }
    }

    private void failIfAlreadyRunning() {
        if (!Files.exists(dataDir.resolve("postmaster.pid"))) {
            return;
        }
        PostgresCommand.Result status = command(Duration.ofSeconds(30),
                List.of(binaries.pgCtl().toString(), "status", "-D", dataDir.toString())).run();
        if (status.succeeded()) {
            throw new IllegalStateException("A PostgreSQL server is already running on data directory " + dataDir
                    + " (" + status.output().strip().replace('\n', ' ') + "). Stop it with `"
                    + osUser.map(u -> "runuser -u " + u + " -- ").orElse("") + binaries.pgCtl()
                    + " stop -D " + dataDir + " -m fast` or use another directory.");
        }
    }

    private void initdb() throws IOException {
        List<String> args = new ArrayList<>(List.of(binaries.initdb().toString(),
                "-D", dataDir.toString(), "-U", config.user, "--encoding=UTF8", "--no-locale"));
        if (!config.fsync) {
            args.add("--no-sync"); // a throwaway server needs no durable initdb either
        }
        Path passwordFile = null;
        try {
            if (config.password != null) {
                // Passed as a file, never on the command line, so it shows neither in ps nor in logs.
                passwordFile = Files.createTempFile("trendstream-pg-pw-", ".txt",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(passwordFile, config.password + "\n", StandardCharsets.UTF_8);
                if (osUser.isPresent()) {
                    chown(passwordFile, osUser.get());
                }
                args.addAll(List.of("--auth=scram-sha-256", "--pwfile=" + passwordFile));
            } else {
                args.add("--auth=trust"); // only reachable from localhost: listen_addresses=localhost
            }
            LOG.info("Initialising PostgreSQL data directory {}", dataDir);
            command(Duration.ofMinutes(3), args).runOrThrow("Check that " + dataDir + " and its parents are accessible"
                    + osUser.map(u -> " by the OS user `" + u + "`").orElse("") + " and that the disk is not full.");
        } finally {
            if (passwordFile != null) {
                Files.deleteIfExists(passwordFile);
            }
        }
    }

    private void pgCtlStart() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("port", Integer.toString(port));
        settings.put("listen_addresses", HOST);
        settings.put("unix_socket_directories", dataDir.toString());
        settings.put("max_prepared_transactions", Integer.toString(config.maxPreparedTransactions));
        if (!config.fsync) {
            settings.put("fsync", "off");
        }
        settings.putAll(engine.serverSettings());
        settings.putAll(config.settings);
        StringBuilder options = new StringBuilder();
        // pg_ctl hands -o to a shell, so every -c pair is shell-quoted.
        settings.forEach((name, value) -> options.append(" -c ").append(shellQuote(name + "=" + value)));
        Duration timeout = config.startupTimeout;
        Path logFile = logFile();
        logOffset = logSize();
        LOG.info("Starting PostgreSQL on port {} as {} (log {})", port, engine.describe(), logFile);
        PostgresCommand.Result result = command(timeout.plusSeconds(30), List.of(binaries.pgCtl().toString(), "start",
                "-w", "-t", Long.toString(Math.max(1, timeout.toSeconds())), "-D", dataDir.toString(),
                "-l", logFile.toString(), "-o", options.toString().strip())).run();
        if (!result.succeeded()) {
            throw new IllegalStateException("PostgreSQL failed to start on port " + port + " from " + dataDir
                    + " (pg_ctl exit code " + result.exitCode() + "). Check the server log " + logFile
                    + ".\npg_ctl output:\n" + result.output().strip() + "\nServer log (tail):\n" + logTail());
        }
    }

    private void awaitConnectable() {
        long deadline = System.nanoTime() + config.startupTimeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection ignored = connect("postgres")) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            pause(Duration.ofMillis(100));
        }
        throw new IllegalStateException("PostgreSQL on port " + port + " did not accept connections within "
                + config.startupTimeout + ". Check the server log " + logFile() + ".\n" + logTail(), last);
    }

    /** Stops the server ({@code pg_ctl stop -m fast}); the data directory is kept, so {@link #start()} resumes it. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        if (!Files.exists(dataDir.resolve("postmaster.pid"))) { // the server already exited (or never came up)
            running = false;
            removeShutdownHook();
            return;
        }
        PostgresCommand.Result result = command(Duration.ofSeconds(90), List.of(
                binaries.pgCtl().toString(),
                "stop", "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "60")).run();
        running = false;
        removeShutdownHook();
        if (!result.succeeded()) {
            throw new IllegalStateException("pg_ctl stop failed for " + dataDir + " (exit code " + result.exitCode()
                    + "): " + result.output().strip() + ". Check the server log " + logFile());
        }
        LOG.info("Stopped PostgreSQL on port {}", port);
    }

    /** Stops the server and deletes the data directory if it was a temporary one. */
    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            if (tempDir && dataDir != null) {
                deleteRecursively(dataDir);
            }
        }
    }

    private void stopQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.warn("Could not stop PostgreSQL on port {} at JVM shutdown", port, e);
        }
    }

    private void removeShutdownHook() {
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs anyway and finds the server stopped
            }
        }
        shutdownHook = null;
    }

    /** Creates the database unless it exists. */
    public void createDatabase(String name) {
        String database = identifier(name);
        try (Connection connection = connect("postgres");
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE \"" + database + "\" ENCODING 'UTF8'");
            }
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) { // duplicate_database: created concurrently, which is fine
                throw new IllegalStateException("Could not create database " + database + " on port " + port, e);
            }
        }
    }

    /** A new connection to the given database as {@link #user()}. */
    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", config.user);
        if (config.password != null) {
            props.setProperty("password", config.password);
        }
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    public String jdbcUrl(String database) {
        if (port == 0) {
            throw new IllegalStateException("The port is chosen at start(): start the server first");
        }
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + identifier(database);
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** The database superuser the server was initialised with. */
    public String user() {
        return config.user;
    }

    /** The superuser's password, or empty when localhost connections are trusted. */
    public Optional<String> password() {
        return Optional.ofNullable(config.password);
    }

    public int maxPreparedTransactions() {
        return config.maxPreparedTransactions;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return dataDir.resolve(LOG_FILE);
    }

    public synchronized boolean isRunning() {
        return running;
    }

    private PostgresCommand command(Duration timeout, List<String> args) {
        return PostgresCommand.of(osUser, timeout, args);
    }

    /** The database this server runs (chosen at {@link #start()}). */
    public DatabaseEngine engine() {
        if (engine == null) {
            throw new IllegalStateException("The database engine is chosen at start(): start the server first");
        }
        return engine;
    }

    /**
     * The server's own ERROR/FATAL/PANIC lines (with their DETAIL and HINT) logged since the last {@link #start()}:
     * a client often sees only "This connection has been closed" where the server said why.
     */
    public List<String> serverMessages() {
        return serverMessages(".*");
    }

    /** {@link #serverMessages()} of one session, by its backend pid ({@code pg_backend_pid()}; log_line_prefix %p). */
    public List<String> serverMessages(int backendPid) {
        return serverMessages(".*\\[" + backendPid + "\\] ");
    }

    private List<String> serverMessages(String prefix) {
        try {
            List<String> lines = new String(tail(logFile(), logOffset), StandardCharsets.UTF_8).lines()
                    .filter(l -> l.matches(prefix + ".*\\b(ERROR|FATAL|PANIC|DETAIL|HINT):.*")).toList();
            return lines.subList(Math.max(0, lines.size() - 20), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }

    private static byte[] tail(Path file, long offset) throws IOException {
        try (var channel = Files.newByteChannel(file)) {
            channel.position(Math.min(offset, channel.size()));
            return java.nio.channels.Channels.newInputStream(channel).readAllBytes();
        }
    }

    private long logSize() {
        try {
            return Files.exists(logFile()) ? Files.size(logFile()) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "<no server log at " + logFile() + ">";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static int requireFreePort(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("Port " + port + " on localhost is already in use, so PostgreSQL cannot "
                    + "listen on it. Stop whatever listens there (see `ss -ltnp 'sport = :" + port + "'`) or choose "
                    + "another port (0 picks a free one).", e);
        }
    }

    private static void chown(Path path, String user) throws IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        try {
            view.setOwner(lookup.lookupPrincipalByName(user));
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(user);
            view.setGroup(group);
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            throw new IllegalStateException("The OS user or group `" + user + "` does not exist. It is created by "
                    + "`apt-get install -y postgresql`; PostgreSQL refuses to run as root.", e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("Could not delete temporary PostgreSQL directory {}", root, e);
        }
    }

    private static String shellQuote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private static String identifier(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("Not a plain SQL identifier (letters, digits, _; max 63): " + name);
        }
        return name;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis()); // poll interval of a deadline-bounded readiness loop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for PostgreSQL", e);
        }
    }

    @Override
    public String toString() {
        return "PostgresServer[port=" + port + ", dataDir=" + dataDir + ", running=" + running + "]";
    }

    /** Configures a {@link PostgresServer}; every setting has a usable default. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private int maxPreparedTransactions = 64;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private String user = "postgres";
        private String password;
        private boolean fsync = true;
        private Path binDir;
        private String osUser;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private String database;

        private Builder() {
        }

        /** Data directory; initialised on first start, reused afterwards. Default: a temp dir deleted on close. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** TCP port on localhost; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        /** Needed by XA (two-phase commit) clients such as the Flink JDBC exactly-once sink; default 64. */
        public Builder maxPreparedTransactions(int maxPreparedTransactions) {
            if (maxPreparedTransactions < 0) {
                throw new IllegalArgumentException("maxPreparedTransactions must be >= 0: " + maxPreparedTransactions);
            }
            this.maxPreparedTransactions = maxPreparedTransactions;
            return this;
        }

        /** Any other server setting, passed as {@code -c name=value}. */
        public Builder setting(String name, String value) {
            if (name == null || !SETTING_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Not a PostgreSQL setting name: " + name);
            }
            settings.put(name, Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Superuser name given to initdb; default {@code postgres}. */
        public Builder user(String user) {
            this.user = identifier(user);
            return this;
        }

        /** Requires this password (scram-sha-256) instead of trusting localhost. Applies when initdb runs. */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /** {@code false} turns fsync off: much faster, and fine for throwaway test servers. Default true. */
        public Builder fsync(boolean fsync) {
            this.fsync = fsync;
            return this;
        }

        /** Directory holding initdb/pg_ctl/postgres, like {@code PG_BIN}; default: {@link PostgresBinaries#locate()}. */
        public Builder binDir(Path binDir) {
            this.binDir = Objects.requireNonNull(binDir, "binDir");
            return this;
        }

        /** OS user to run the server as; default {@code postgres} when the JVM runs as root, else the JVM's user. */
        public Builder osUser(String osUser) {
            this.osUser = Objects.requireNonNull(osUser, "osUser");
            return this;
        }

        /** How long start() waits for the server to accept connections; default 60 s. */
        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = Objects.requireNonNull(startupTimeout, "startupTimeout");
            return this;
        }

        /**
         * {@code auto}, {@code timescaledb} or {@code postgresql} (see {@link DatabaseEngine}); default: the
         * environment variable {@value DatabaseEngine#SETTING}, else {@code auto}.
         */
        public Builder database(String database) {
            this.database = Objects.requireNonNull(database, "database");
            return this;
        }

        public PostgresServer build() {
            return new PostgresServer(copy()); // later changes to this builder do not reach the server
        }

        private Builder copy() {
            Builder copy = new Builder();
            copy.dataDir = dataDir;
            copy.port = port;
            copy.maxPreparedTransactions = maxPreparedTransactions;
            copy.settings.putAll(settings);
            copy.user = user;
            copy.password = password;
            copy.fsync = fsync;
            copy.binDir = binDir;
            copy.osUser = osUser;
            copy.startupTimeout = startupTimeout;
            copy.database = database;
            return copy;
        }
    }
}
