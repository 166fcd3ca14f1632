package io.trendstream.jdbc;

import io.trendstream.stack.PostgresExtension;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink's end-to-end suite on plain PostgreSQL, whatever else the installation has (CI runs this). */
class PostgresExactlyOnceJdbcSinkITCase extends ExactlyOnceJdbcSinkTestBase {

    @RegisterExtension
    @Order(1)
    static final PostgresExtension POSTGRES = PostgresExtension.running("postgresql");

    @Override
    protected PostgresExtension postgres() {
        return POSTGRES;
    }
}
