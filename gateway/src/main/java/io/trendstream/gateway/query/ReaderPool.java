package io.trendstream.gateway.query;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.trendstream.gateway.GatewayConfig;
import io.trendstream.gateway.GatewayOptions;

import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The query API's pooled, read-only connections (HikariCP). Every connection switches to the read-only role of
 * {@code sql/007_query_reader.sql} before its first use, so queries run with that role's rights whatever the login
 * role may do (a dedicated login that is only a member of it is better still: gateway/README.md), and its
 * transactions are read-only, so PostgreSQL refuses a write even if the role could.
 */
public final class ReaderPool implements AutoCloseable {

    /** The role of sql/007_query_reader.sql. */
    public static final String READER_ROLE = "trendstream_reader";

    private final HikariDataSource dataSource;

    /**
     * @param password may be null (trust or peer authentication); never logged
     * @param statementTimeout longest a query may run before PostgreSQL cancels it
     */
    public ReaderPool(String jdbcUrl, String user, String password, int maxConnections, Duration statementTimeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("gateway-query");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(maxConnections);
        config.setMinimumIdle(1);
        config.setAutoCommit(true);
        // Read-only by the session's default, not by the driver's setReadOnly, which PgJDBC applies only to
        // transactions it opens itself (readOnlyMode=transaction), not to autocommit statements.
        config.setConnectionInitSql("SET ROLE " + READER_ROLE + "; SET default_transaction_read_only = on; "
                + "SET statement_timeout = " + statementTimeout.toMillis());
        // Fail a request, not the gateway's start, while the database is away (/health/ready reports it).
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
        dataSource = new HikariDataSource(config);
    }

    /** The pool of a running gateway: gateway.query.* settings, falling back to the job's jdbc.user/password. */
    public static ReaderPool create(GatewayConfig config) {
        String user = Optional.ofNullable(config.get(GatewayOptions.QUERY_JDBC_USER)).orElse(config.jdbcUser());
        String password = Optional.ofNullable(config.get(GatewayOptions.QUERY_JDBC_PASSWORD))
                .or(config::jdbcPassword).orElse(null);
        return new ReaderPool(config.jdbcUrl(), user, password, config.get(GatewayOptions.QUERY_POOL_SIZE),
                config.get(GatewayOptions.QUERY_STATEMENT_TIMEOUT));
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
