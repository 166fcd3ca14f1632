package io.trendstream.sink;

import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriter;
import org.apache.flink.connector.jdbc.internal.JdbcOutputFormat;

import java.io.IOException;
import java.lang.reflect.Field;

/**
 * Points the JDBC writer's prepared statements at the connection of its current XA transaction.
 *
 * <p>With one XA transaction per connection (what PostgreSQL needs), every transaction the writer
 * starts may run on another pooled connection. The connector's Sink V2 writer prepares its
 * statements once, on the first connection, and keeps executing them there, whichever connection
 * the current transaction runs on. The connector's legacy sink re-prepared its statements after
 * each transaction start; the Sink V2 writer does not, and keeps its output format private, hence
 * the reflection (pinned connector version; a changed field fails the writer at start, loudly).
 * {@code ExactlyOnceJdbcSinkITCase} checks that rows become visible only with their checkpoint.
 */
final class StatementRebinder {
    private final JdbcOutputFormat<?, ?, ?> output;

    private StatementRebinder(JdbcOutputFormat<?, ?, ?> output) {
        this.output = output;
    }

    static StatementRebinder of(JdbcWriter<?> writer) {
        try {
            Field field = JdbcWriter.class.getDeclaredField("jdbcOutput");
            field.setAccessible(true);
            return new StatementRebinder((JdbcOutputFormat<?, ?, ?>) field.get(writer));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("This version of the JDBC connector's writer has no output format where"
                    + " expected; the exactly-once sink cannot run on it safely", e);
        }
    }

    /** After the writer started a transaction: prepare the statements on that transaction's connection. */
    void rebind() throws IOException {
        try {
            output.updateExecutor(false);
        } catch (Exception e) {
            throw new IOException("Could not prepare the JDBC statements on the new transaction's connection", e);
        }
    }
}
