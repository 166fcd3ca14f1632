package io.trendstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.stack.DatabaseSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docker-compose's TimescaleDB applies sql/ through the postgres image's entrypoint, which runs every
 * {@code /docker-entrypoint-initdb.d/*} in glob order: {@code *.sh}, {@code *.sql} and compressed {@code *.sql.*}
 * files, each {@code .sql} with {@code psql -v ON_ERROR_STOP=1 -f} (autocommit), ignoring everything else. These tests
 * pin that this is exactly what the tests apply ({@link DatabaseSchema#scripts}, in TimescaleSchemaITCase and
 * SqlSchemaITCase), in the same order.
 */
class TimescaleInitScriptsTest {

    private static final String INIT_DIR = "/docker-entrypoint-initdb.d";

    @Test
    void theSqlDirectoryIsTheInitDirectoryOfATimescaleServerWithTheLibraryPreloaded() {
        Map<String, Object> db = Compose.load().service("timescaledb");
        assertThat(RepoFiles.list(db.get("volumes"))).contains("./sql:" + INIT_DIR + ":ro");
        assertThat(RepoFiles.list(db.get("command"))).containsSubsequence("-c", "shared_preload_libraries=timescaledb");
        assertThat(String.valueOf(db.get("image"))).startsWith("timescale/timescaledb:");
    }

    @Test
    void theEntrypointRunsExactlyTheScriptsTheTestsApplyInTheSameOrder() throws IOException {
        Path sql = RepoFiles.path("sql");
        List<String> runByEntrypoint;
        try (Stream<Path> files = Files.list(sql)) {
            runByEntrypoint = files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".sh") || n.endsWith(".sql") || n.matches(".*\\.sql\\.(gz|xz|zst)"))
                    .sorted() // the glob order; names below are plain ASCII, where every collation agrees
                    .toList();
        }
        List<String> appliedByTests = DatabaseSchema.scripts(sql).stream().map(f -> f.getFileName().toString()).toList();

        assertThat(runByEntrypoint).isEqualTo(appliedByTests);
        assertThat(appliedByTests).allMatch(n -> n.matches("\\d{3}_[a-z0-9_]+\\.sql"), "NNN_lowercase_name.sql")
                .startsWith("001_tables.sql");
    }

    @Test
    void aScriptThatMustRunOutsideATransactionIsOneStatement() throws IOException {
        // psql -f autocommits statement by statement, DatabaseSchema runs the marked file in autocommit: the same
        // only for one statement (several in one string would be one implicit transaction for the JDBC driver).
        for (Path script : DatabaseSchema.scripts(RepoFiles.path("sql"))) {
            String text = Files.readString(script);
            if (!text.startsWith(DatabaseSchema.NO_TRANSACTION_MARKER)) {
                continue;
            }
            String code = text.replaceAll("(?m)--.*$", "").strip();
            assertThat(code).as(script.getFileName().toString()).startsWith("DO $").endsWith("$;");
            String tag = code.substring(3, code.indexOf('$', 4) + 1);
            assertThat(code.indexOf(tag, 4 + tag.length())).as("%s: one DO block", script.getFileName())
                    .isEqualTo(code.length() - tag.length() - 1);
        }
    }
}
