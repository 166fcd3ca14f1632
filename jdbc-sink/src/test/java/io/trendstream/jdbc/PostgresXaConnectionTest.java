package io.trendstream.jdbc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresXaConnectionTest {

    @Test
    void neverShowsItsPassword() {
        PostgresXaConnection connection = new PostgresXaConnection("jdbc:postgresql://db/trends", "trendstream", "s3cr3t");

        assertThat(connection.toString()).isEqualTo("PostgresXaConnection{jdbc:postgresql://db/trends, user=trendstream}");
    }
}
