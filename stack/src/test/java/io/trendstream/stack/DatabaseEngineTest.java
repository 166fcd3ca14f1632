package io.trendstream.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.stack.DatabaseEngine.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TRENDSTREAM_DATABASE against an installation laid out in a directory (placeholder files, as on Debian). */
class DatabaseEngineTest {

    @TempDir
    Path tempDir;

    private Path lib;
    private PostgresBinaries binaries;

    @BeforeEach
    void installation() throws IOException {
        Path bin = Files.createDirectories(tempDir.resolve("postgresql/16/bin"));
        for (String program : new String[] {"initdb", "pg_ctl", "postgres"}) {
            Files.createFile(bin.resolve(program), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        lib = Files.createDirectories(tempDir.resolve("postgresql/16/lib"));
        binaries = PostgresBinaries.locate(Map.of("PG_BIN", bin.toString()));
    }

    @Test
    void autoRunsTimescaleDbWhereTheLibraryIsInstalledWithItPreloaded() throws IOException {
        Files.createFile(lib.resolve("timescaledb.so"));

        for (Map<String, String> env : java.util.List.of(Map.<String, String>of(), Map.of("TRENDSTREAM_DATABASE", "auto"))) {
            DatabaseEngine engine = DatabaseEngine.choose(env, binaries);
            assertThat(engine.kind()).isEqualTo(Kind.TIMESCALEDB);
            assertThat(engine.serverSettings()).containsEntry("shared_preload_libraries", "timescaledb")
                    .doesNotContainKey("trendstream.timescaledb");
            assertThat(engine.describe()).isEqualTo("TimescaleDB (timescaledb preloaded, library "
                    + lib.resolve("timescaledb.so") + ")");
        }
    }

    @Test
    void autoRunsPlainPostgresWithoutTheLibrary() {
        DatabaseEngine engine = DatabaseEngine.choose(Map.of(), binaries);

        assertThat(engine.kind()).isEqualTo(Kind.POSTGRESQL);
        assertThat(engine.serverSettings()).isEqualTo(Map.of("trendstream.timescaledb", "off"));
        assertThat(engine.describe()).isEqualTo("plain PostgreSQL (no timescaledb library installed)");
    }

    @Test
    void postgresqlForcesPlainPostgresWhereTimescaleIsInstalled() throws IOException {
        Files.createFile(lib.resolve("timescaledb.so"));

        DatabaseEngine engine = DatabaseEngine.choose(Map.of("TRENDSTREAM_DATABASE", "PostgreSQL"), binaries);

        assertThat(engine.kind()).isEqualTo(Kind.POSTGRESQL);
        assertThat(engine.serverSettings()).isEqualTo(Map.of("trendstream.timescaledb", "off"));
        assertThat(engine.describe()).contains("TRENDSTREAM_DATABASE=postgresql");
    }

    @Test
    void timescaledbWithoutTheLibraryFailsNamingTheSettingAndWhereItLooked() {
        assertThatThrownBy(() -> DatabaseEngine.choose(Map.of("TRENDSTREAM_DATABASE", "timescaledb"), binaries))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TRENDSTREAM_DATABASE=timescaledb")
                .hasMessageContaining(lib.toString());
    }

    @Test
    void anUnknownValueFailsNamingTheSetting() {
        assertThatThrownBy(() -> DatabaseEngine.choose(Map.of("TRENDSTREAM_DATABASE", "timescale"), binaries))
                .hasMessage("TRENDSTREAM_DATABASE must be auto, timescaledb or postgresql, not 'timescale'");
    }
}
