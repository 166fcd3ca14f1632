package io.trendstream.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresExtensionTest {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    @Test
    void servesThePasswordProtectedDefaultDatabase() throws SQLException {
        assertThat(PG.jdbcUrl()).matches("jdbc:postgresql://localhost:\\d+/trendstream");
        assertThat(PG.user()).isEqualTo("postgres");
        assertThat(PG.password()).hasSize(36);
        assertThat(PG.toString()).doesNotContain(PG.password());
        try (Connection c = PG.newConnection()) {
            assertThat(single(c, "SELECT current_database()")).isEqualTo("trendstream");
            assertThat(single(c, "SHOW max_prepared_transactions")).isEqualTo("64");
        }
    }

    @Test
    void countsPreparedTransactionsUntilTheyAreResolved() throws SQLException {
        PG.createDatabase("prepared_count");
        try (Connection c = PG.newConnection("prepared_count"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS t (id int)");
            assertThat(PG.preparedTransactions()).isZero();
            st.execute("BEGIN");
            st.execute("INSERT INTO t VALUES (1)");
            st.execute("PREPARE TRANSACTION 'ext-probe'");
            assertThat(PG.preparedTransactions()).isEqualTo(1);
            st.execute("ROLLBACK PREPARED 'ext-probe'");
            assertThat(PG.preparedTransactions()).isZero();
            assertThat(single(c, "SELECT count(*) FROM t")).isEqualTo("0");
        }
    }

    @Test
    void appliesTheRepositorySchemaToADatabase() throws SQLException {
        PG.applySchema("with_schema");
        try (Connection c = PG.newConnection("with_schema")) {
            assertThat(single(c, "SELECT count(*) FROM pg_class WHERE relname IN "
                    + "('product_window_stats', 'trend_alerts', 'late_events', 'product_hourly_stats')")).isEqualTo("4");
        }
    }

    @Nested
    class NestedClasses {
        @Test
        void shareTheOuterServer() throws SQLException {
            try (Connection c = PG.newConnection()) {
                assertThat(single(c, "SELECT 1")).isEqualTo("1");
            }
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from: " + sql).isTrue();
            return rs.getString(1);
        }
    }
}
