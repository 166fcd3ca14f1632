package io.trendstream.jobs;

import io.trendstream.jdbc.PostgresXaConnection;
import io.trendstream.sink.DatabasePreflight;
import io.trendstream.stack.PostgresServer;

import org.apache.flink.configuration.IllegalConfigurationException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Before submission, the job tells a database that cannot take it how to fix it. */
class DatabasePreflightITCase {

    @Test
    void aServerWithoutPreparedTransactionsIsRefusedWithTheFix() {
        try (PostgresServer server = PostgresServer.builder().port(0).maxPreparedTransactions(0).build().start()) {
            PostgresXaConnection connection = new PostgresXaConnection(
                    server.jdbcUrl("postgres"), server.user(), server.password().orElse(null));

            assertThatThrownBy(() -> DatabasePreflight.check(connection))
                    .isInstanceOf(IllegalConfigurationException.class)
                    .hasMessageContaining("max_prepared_transactions = 0")
                    .hasMessageContaining("-c max_prepared_transactions=64");
        }
    }

    @Test
    void anUnreachableDatabaseNamesTheSettingToCheck() {
        PostgresXaConnection nowhere = new PostgresXaConnection("jdbc:postgresql://127.0.0.1:1/none", "trendstream", null);

        assertThatThrownBy(() -> DatabasePreflight.check(nowhere))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageContaining("Cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/none")
                .hasMessageContaining("jdbc.url");
    }
}
