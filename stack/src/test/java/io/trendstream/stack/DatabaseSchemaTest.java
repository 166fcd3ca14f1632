package io.trendstream.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseSchemaTest {

    @TempDir
    Path tempDir;

    @Test
    void scriptsAreTheSqlFilesInNameOrder() throws IOException {
        Path sql = Files.createDirectory(tempDir.resolve("sql"));
        Files.writeString(sql.resolve("010_later.sql"), "SELECT 1;");
        Files.writeString(sql.resolve("002_first.sql"), "SELECT 1;");
        Files.writeString(sql.resolve("README.md"), "not a script");

        assertThat(DatabaseSchema.scripts(sql)).extracting(p -> p.getFileName().toString())
                .containsExactly("002_first.sql", "010_later.sql");
    }

    @Test
    void locatesSqlDirInAParentDirectory() throws IOException {
        Path sql = Files.createDirectory(tempDir.resolve("sql"));
        Files.writeString(sql.resolve("001_tables.sql"), "SELECT 1;");
        Path module = Files.createDirectories(tempDir.resolve("stack/src/test"));

        assertThat(DatabaseSchema.locateSqlDir(module)).isEqualTo(sql);
    }

    @Test
    void skipsSqlDirsWithoutScripts() throws IOException {
        Files.createDirectories(tempDir.resolve("repo/module/sql")); // empty: not the schema
        Path sql = Files.createDirectories(tempDir.resolve("repo/sql"));
        Files.writeString(sql.resolve("001_tables.sql"), "SELECT 1;");

        assertThat(DatabaseSchema.locateSqlDir(tempDir.resolve("repo/module"))).isEqualTo(sql);
    }

    @Test
    void locatesTheRepositorySchemaFromTheModuleDirectory() {
        Path sql = DatabaseSchema.locateSqlDir();
        assertThat(sql.resolve("001_tables.sql")).exists();
    }

    @Test
    void emptySchemaDirIsAnError() throws IOException {
        Path sql = Files.createDirectory(tempDir.resolve("sql"));
        assertThatThrownBy(() -> DatabaseSchema.scripts(sql))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no .sql files");
    }

    @Test
    void aScriptRunsOutsideATransactionOnlyWhenItsFirstLineIsTheMarker() {
        assertThat(DatabaseSchema.runsOutsideTransaction("-- trendstream:no-transaction\nDO $$ BEGIN END $$;")).isTrue();
        assertThat(DatabaseSchema.runsOutsideTransaction("-- trendstream:no-transaction  \r\nSELECT 1;")).isTrue();
        assertThat(DatabaseSchema.runsOutsideTransaction("-- other comment\n-- trendstream:no-transaction\n")).isFalse();
        assertThat(DatabaseSchema.runsOutsideTransaction("SELECT 1; -- trendstream:no-transaction")).isFalse();
        assertThat(DatabaseSchema.runsOutsideTransaction("")).isFalse();
    }
}
