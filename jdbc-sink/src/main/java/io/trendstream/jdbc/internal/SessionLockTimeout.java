package io.trendstream.jdbc.internal;

import org.apache.flink.annotation.Internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** The sink's lock timeout, set on each session it opens: the writer's XA connection and the chunk preparer's. */
@Internal
final class SessionLockTimeout {
    private SessionLockTimeout() {}

    /**
     * Sets PostgreSQL's {@code lock_timeout} for the session. Run outside a transaction (autocommit), so that it
     * outlives each of the session's transactions.
     */
    static void set(Connection session, Duration timeout) throws SQLException {
        try (Statement statement = session.createStatement()) {
            statement.execute("SET lock_timeout = " + timeout.toMillis());
        }
    }
}
