package io.trendstream.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search order; the programs here are placeholder files, only their presence matters to the lookup. */
class PostgresBinariesTest {

    @TempDir
    Path tempDir;

    @Test
    void pgBinWinsOverEverythingElse() throws IOException {
        Path bin = binDir("pinned", "initdb", "pg_ctl", "postgres");

        PostgresBinaries found = PostgresBinaries.locate(Map.of("PG_BIN", bin.toString(), "PATH", ""));

        assertThat(found.binDir()).isEqualTo(bin);
        assertThat(found.initdb()).isEqualTo(bin.resolve("initdb"));
        assertThat(found.pgCtl()).isEqualTo(bin.resolve("pg_ctl"));
        assertThat(found.postgres()).isEqualTo(bin.resolve("postgres"));
    }

    @Test
    void pgBinMissingAProgramFailsInsteadOfFallingBack() throws IOException {
        Path bin = binDir("partial", "initdb", "pg_ctl");

        assertThatThrownBy(() -> PostgresBinaries.locate(Map.of("PG_BIN", bin.toString())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PG_BIN=" + bin)
                .hasMessageContaining("unset PG_BIN or point it at the directory holding initdb, pg_ctl, postgres");
    }

    @Test
    void withoutPgBinTheInstalledServerIsFoundOrEveryPlaceSearchedIsNamed() {
        // Which branch runs depends on the machine: with Debian packages they win over an empty PATH.
        if (!PostgresBinaries.debianBinDirs().isEmpty()) {
            assertThat(PostgresBinaries.locate(Map.of("PATH", "")).binDir())
                    .isEqualTo(PostgresBinaries.debianBinDirs().get(0).toAbsolutePath());
            return;
        }
        assertThatThrownBy(() -> PostgresBinaries.locate(Map.of("PATH", tempDir.toString())))
                .hasMessageContaining("pg_config --bindir")
                .hasMessageContaining("/usr/lib/postgresql/*/bin")
                .hasMessageContaining("PATH (" + tempDir + ")")
                .hasMessageContaining("apt-get install -y postgresql");
    }

    @Test
    void debianDirectoriesAreNewestMajorFirst() {
        var dirs = PostgresBinaries.debianBinDirs();
        for (int i = 1; i < dirs.size(); i++) {
            double previous = Double.parseDouble(dirs.get(i - 1).getParent().getFileName().toString());
            double current = Double.parseDouble(dirs.get(i).getParent().getFileName().toString());
            assertThat(previous).isGreaterThan(current);
        }
    }

    @Test
    void theTimescaleLibraryIsFoundInTheSiblingLibDirectoryOfTheBinaries() throws IOException {
        // Debian's layout: /usr/lib/postgresql/16/{bin,lib}, TimescaleDB's package adds its libraries to lib/
        Path bin = binDir("16/bin", "initdb", "pg_ctl", "postgres");
        Path lib = Files.createDirectories(tempDir.resolve("16/lib"));
        PostgresBinaries binaries = PostgresBinaries.locate(Map.of("PG_BIN", bin.toString()));
        assertThat(binaries.libraryDirs()).containsExactly(lib, lib.resolve("postgresql"));
        assertThat(binaries.timescaledbLibrary()).isEmpty();

        Files.createFile(lib.resolve("timescaledb-2.26.0.so"));
        assertThat(binaries.timescaledbLibrary()).contains(lib.resolve("timescaledb-2.26.0.so"));

        Files.createFile(lib.resolve("timescaledb.so")); // the loader, which shared_preload_libraries names
        assertThat(binaries.timescaledbLibrary()).contains(lib.resolve("timescaledb.so"));
    }

    @Test
    void pgConfigNextToTheBinariesNamesTheLibraryDirectoryFirst() throws IOException {
        Path bin = binDir("custom/bin", "initdb", "pg_ctl", "postgres");
        Path pkglib = Files.createDirectories(tempDir.resolve("elsewhere/pkglib"));
        Files.writeString(bin.resolve("pg_config"), "#!/bin/sh\n[ \"$1\" = --pkglibdir ] && echo " + pkglib + "\n");
        Files.setPosixFilePermissions(bin.resolve("pg_config"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createFile(pkglib.resolve("timescaledb.so"));
        Path siblingLib = Files.createDirectories(tempDir.resolve("custom/lib"));
        Files.createFile(siblingLib.resolve("timescaledb.so"));

        PostgresBinaries binaries = PostgresBinaries.locate(Map.of("PG_BIN", bin.toString()));

        assertThat(binaries.libraryDirs()).containsExactly(pkglib, siblingLib, siblingLib.resolve("postgresql"));
        assertThat(binaries.timescaledbLibrary()).contains(pkglib.resolve("timescaledb.so"));
    }

    @Test
    void otherLibrariesAreNotTimescale() throws IOException {
        Path lib = Files.createDirectories(tempDir.resolve("lib"));
        Files.createFile(lib.resolve("plpgsql.so"));
        Files.createFile(lib.resolve("timescaledb.control")); // an extension's control file is not its library

        assertThat(PostgresBinaries.timescaledbLibrary(List.of(tempDir.resolve("missing"), lib))).isEmpty();
    }

    private Path binDir(String name, String... programs) throws IOException {
        Path dir = Files.createDirectories(tempDir.resolve(name));
        for (String program : programs) {
            Files.createFile(dir.resolve(program), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        return dir;
    }
}
