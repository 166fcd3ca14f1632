package io.trendstream.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PostgresServerMainTest {

    @Test
    void parsesAllOptions() {
        PostgresServerMain.Options options = PostgresServerMain.Options.parse(new String[] {
                "--port", "5433", "--dir", ".local/postgres", "--database", "analytics", "--schema", "sql/",
                "--max-prepared-transactions", "8"});

        assertThat(options).isEqualTo(new PostgresServerMain.Options(
                5433, Path.of(".local/postgres"), "analytics", Optional.of(Path.of("sql/")), 8));
    }

    @Test
    void defaultsToTheTrendstreamDatabaseAndTheRepositorySchema() {
        PostgresServerMain.Options options = PostgresServerMain.Options.parse(
                new String[] {"--port", "5433", "--dir", ".local/postgres"});

        assertThat(options.database()).isEqualTo("trendstream");
        assertThat(options.schema()).isEmpty();
        assertThat(options.maxPreparedTransactions()).isEqualTo(64);
    }

    @Test
    void rejectsMissingAndMalformedOptions() {
        assertThatThrownBy(() -> PostgresServerMain.Options.parse(new String[] {"--dir", "x"}))
                .hasMessage("--port and --dir are required");
        assertThatThrownBy(() -> PostgresServerMain.Options.parse(new String[] {"--port", "abc", "--dir", "x"}))
                .hasMessage("--port needs a number, got abc");
        assertThatThrownBy(() -> PostgresServerMain.Options.parse(new String[] {"--port"}))
                .hasMessage("Missing value for --port");
        assertThatThrownBy(() -> PostgresServerMain.Options.parse(new String[] {"--host", "x"}))
                .hasMessage("Unknown option --host");
    }
}
