package io.trendstream.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresServerTest {

    private static final int MAX_PREPARED = 17; // not the default, so the setting demonstrably reaches the server

    private static PostgresServer server;

    @TempDir
    Path tempDir;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.builder().maxPreparedTransactions(MAX_PREPARED).fsync(false).build().start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void serverHasTheConfiguredMaxPreparedTransactions() throws SQLException {
        assertThat(query(server, "postgres", "SHOW max_prepared_transactions")).isEqualTo(String.valueOf(MAX_PREPARED));
        assertThat(query(server, "postgres", "SHOW listen_addresses")).isEqualTo("localhost");
        assertThat(query(server, "postgres", "SHOW server_encoding")).isEqualTo("UTF8");
        assertThat(query(server, "postgres", "SHOW fsync")).isEqualTo("off");
        assertThat(server.jdbcUrl("postgres")).isEqualTo("jdbc:postgresql://localhost:" + server.port() + "/postgres");
        assertThat(server.user()).isEqualTo("postgres");
    }

    @Test
    void preparedTransactionCommitsOnlyWhenCommitPreparedRuns() throws SQLException {
        server.createDatabase("two_phase");
        execute(server, "two_phase", "CREATE TABLE IF NOT EXISTS xa_probe (id int PRIMARY KEY)");
        try (Connection tx = server.connect("two_phase"); Statement st = tx.createStatement()) {
            st.execute("BEGIN");
            st.execute("INSERT INTO xa_probe VALUES (1)");
            st.execute("PREPARE TRANSACTION 'trendstream-probe-1'");
        }
        // The preparing session is gone, the transaction survives it, invisible until committed.
        assertThat(query(server, "two_phase", "SELECT string_agg(gid, ',') FROM pg_prepared_xacts"))
                .isEqualTo("trendstream-probe-1");
        assertThat(query(server, "two_phase", "SELECT count(*) FROM xa_probe")).isEqualTo("0");

        execute(server, "two_phase", "COMMIT PREPARED 'trendstream-probe-1'");

        assertThat(query(server, "two_phase", "SELECT count(*) FROM pg_prepared_xacts")).isEqualTo("0");
        assertThat(query(server, "two_phase", "SELECT string_agg(id::text, ',') FROM xa_probe")).isEqualTo("1");
    }

    @Test
    void createDatabaseIsIdempotent() throws SQLException {
        server.createDatabase("twice");
        server.createDatabase("twice");
        assertThat(query(server, "postgres", "SELECT count(*) FROM pg_database WHERE datname = 'twice'")).isEqualTo("1");
        assertThatThrownBy(() -> server.createDatabase("bad; DROP")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void restartOnTheSameDirectoryKeepsTheData() throws Exception {
        Path dataDir = accessibleDir().resolve("data");
        int port;
        try (PostgresServer first = PostgresServer.builder().dataDir(dataDir).fsync(false).build().start()) {
            port = first.port();
            execute(first, "postgres", "CREATE TABLE kept (v text)");
            execute(first, "postgres", "INSERT INTO kept VALUES ('survives restart')");
            first.stop();
            assertThat(first.isRunning()).isFalse();
            first.start(); // same instance again
            assertThat(first.port()).isEqualTo(port);
            assertThat(query(first, "postgres", "SELECT v FROM kept")).isEqualTo("survives restart");
        }
        assertThat(dataDir.resolve("PG_VERSION")).as("a chosen data dir is kept by close()").exists();

        try (PostgresServer second = PostgresServer.builder().dataDir(dataDir).fsync(false).build().start()) {
            assertThat(query(second, "postgres", "SELECT v FROM kept")).isEqualTo("survives restart");
        }
    }

    @Test
    void passwordIsRequiredWhenConfigured() throws SQLException {
        try (PostgresServer secured = PostgresServer.builder().password("s3cret-for-test").fsync(false).build().start()) {
            assertThat(secured.password()).contains("s3cret-for-test");
            assertThat(query(secured, "postgres", "SELECT current_user")).isEqualTo("postgres");
            assertThatThrownBy(() -> java.sql.DriverManager.getConnection(secured.jdbcUrl("postgres"), "postgres", "wrong"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
        }
    }

    @Test
    void temporaryDataDirIsDeletedOnClose() {
        PostgresServer temp = PostgresServer.builder().fsync(false).build().start();
        Path dir = temp.dataDir();
        assertThat(dir.resolve("PG_VERSION")).exists();
        temp.close();
        assertThat(dir).doesNotExist();
        assertThat(temp.isRunning()).isFalse();
    }

    @Test
    void takenPortFailsBeforeStartingWithAClearMessage() throws IOException {
        try (ServerSocket occupied = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = occupied.getLocalPort();
            PostgresServer clash = PostgresServer.builder().port(port).fsync(false).build();
            assertThatThrownBy(clash::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Port " + port + " on localhost is already in use")
                    .hasMessageContaining("choose another port (0 picks a free one)");
            assertThat(clash.isRunning()).isFalse();
        }
    }

    @Test
    void secondServerOnARunningDataDirIsRefused() {
        assertThatThrownBy(() -> PostgresServer.builder().dataDir(server.dataDir()).build().start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already running on data directory " + server.dataDir());
    }

    @Test
    void missingBinariesNameWhatWasSearchedAndWhatToInstall() throws IOException {
        Path empty = Files.createDirectory(tempDir.resolve("empty-bin"));

        assertThatThrownBy(() -> PostgresBinaries.locate(Map.of(PostgresBinaries.PG_BIN_ENV, empty.toString())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("initdb, pg_ctl, postgres")
                .hasMessageContaining("PG_BIN=" + empty)
                .hasMessageContaining("apt-get install -y postgresql");

        assertThatThrownBy(() -> PostgresServer.builder().binDir(empty).build().start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("apt-get install -y postgresql");
    }

    @Test
    void binariesAreFoundWithoutPgBinAndOffThePath() {
        PostgresBinaries found = PostgresBinaries.locate(Map.of("PATH", "/nonexistent"));
        assertThat(found.initdb()).isExecutable();
        assertThat(found.pgCtl()).isExecutable();
        assertThat(found.postgres()).isExecutable();
    }

    @Test
    void aServerStartedByDefaultRunsTheEngineTheInstallationOffers() throws SQLException {
        // No TimescaleDB on this machine's PostgreSQL: plain, told so (where it is installed, the same server preloads it)
        DatabaseEngine engine = server.engine();
        assertThat(engine).isEqualTo(DatabaseEngine.choose(Map.of(), PostgresBinaries.locate()));
        if (engine.kind() == DatabaseEngine.Kind.POSTGRESQL) {
            assertThat(query(server, "postgres", "SHOW trendstream.timescaledb")).isEqualTo("off");
        } else {
            assertThat(query(server, "postgres", "SHOW shared_preload_libraries")).contains("timescaledb");
        }
    }

    @Test
    void whereTheInstallationHasTheTimescaleLibraryTheServerStartsWithItPreloaded() throws IOException, SQLException {
        // An installation laid out like Debian's, whose programs are links to this machine's and whose lib/ has a
        // timescaledb.so: the server is told to preload 'timescaledb'. The real server resolves the links and loads
        // libraries from its own directory. Where this machine's PostgreSQL has TimescaleDB it starts with it
        // preloaded; elsewhere it refuses to start, and its own message shows that the preload was asked for and
        // that it is what a failed start reports.
        Path installation = accessibleDir().resolve("postgresql/15");
        Path bin = Files.createDirectories(installation.resolve("bin"));
        PostgresBinaries machine = PostgresBinaries.locate();
        for (Path program : java.util.List.of(machine.initdb(), machine.pgCtl(), machine.postgres())) {
            Files.createSymbolicLink(bin.resolve(program.getFileName()), program);
        }
        Files.createFile(Files.createDirectories(installation.resolve("lib")).resolve("timescaledb.so"));
        PostgresServer timescale = PostgresServer.builder().binDir(bin).fsync(false).build();

        if (machine.timescaledbLibrary().isPresent()) {
            try (PostgresServer started = timescale.start()) {
                assertThat(started.engine().kind()).isEqualTo(DatabaseEngine.Kind.TIMESCALEDB);
                assertThat(query(started, "postgres", "SHOW shared_preload_libraries")).contains("timescaledb");
            }
        } else {
            assertThatThrownBy(timescale::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("PostgreSQL failed to start")
                    .hasMessageContaining("FATAL:  could not access file \"timescaledb\"");
        }
    }

    @Test
    void timescaledbIsRefusedBeforeAnythingStartsWhereTheLibraryIsMissing() throws IOException {
        Path bin = Files.createDirectories(accessibleDir().resolve("plain/bin"));
        for (Path program : java.util.List.of(PostgresBinaries.locate().initdb(), PostgresBinaries.locate().pgCtl(),
                PostgresBinaries.locate().postgres())) {
            Files.createSymbolicLink(bin.resolve(program.getFileName()), program);
        }
        Path dataDir = tempDir.resolve("never-created");

        assertThatThrownBy(() -> PostgresServer.builder().binDir(bin).database("timescaledb").dataDir(dataDir).build().start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TRENDSTREAM_DATABASE=timescaledb");
        assertThat(dataDir).doesNotExist();
    }

    /** A directory the postgres OS user can traverse (JUnit's @TempDir is private to the JVM's user). */
    private Path accessibleDir() throws IOException {
        Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return tempDir;
    }

    static String query(PostgresServer pg, String database, String sql) throws SQLException {
        try (Connection c = pg.connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from: " + sql).isTrue();
            return rs.getString(1);
        }
    }

    static void execute(PostgresServer pg, String database, String sql) throws SQLException {
        try (Connection c = pg.connect(database); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
