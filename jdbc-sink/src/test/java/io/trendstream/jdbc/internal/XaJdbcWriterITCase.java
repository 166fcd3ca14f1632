package io.trendstream.jdbc.internal;

import io.trendstream.jdbc.InsertNumber;
import io.trendstream.jdbc.PostgresXaConnection;
import io.trendstream.jdbc.XaTransactionId;
import io.trendstream.stack.PostgresExtension;

import org.apache.flink.api.connector.sink2.Committer.CommitRequest;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.metrics.SimpleCounter;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer on its own, on a real database: what it does when its previous transaction is still prepared. */
class XaJdbcWriterITCase {

    @RegisterExtension
    static final PostgresExtension POSTGRES = PostgresExtension.running("postgresql");

    private static final String PIPELINE = "writer-it";
    private static final String SINK = "numbers";

    private String database;
    private PostgresXaConnection connection;

    @BeforeEach
    void createDatabase() throws SQLException {
        database = "writer" + UUID.randomUUID().toString().substring(0, 8);
        POSTGRES.createDatabase(database);
        try (Connection db = POSTGRES.newConnection(database); Statement statement = db.createStatement()) {
            statement.execute("CREATE TABLE numbers (n bigint PRIMARY KEY)");
        }
        connection = new PostgresXaConnection(POSTGRES.jdbcUrl(database), POSTGRES.user(), POSTGRES.password());
    }

    @Test
    void rowsDeferredWhileItsPreviousTransactionIsPreparedAreCountedAndWrittenWithTheNextCheckpoint() throws Exception {
        SimpleCounter deferred = new SimpleCounter();
        try (XaJdbcWriter<Long> writer = new XaJdbcWriter<>(PIPELINE, SINK, 0, new InsertNumber("numbers"), connection, 10,
                        null, 0, List.of(), deferred);
                XaJdbcCommitter committer = new XaJdbcCommitter(connection, millis -> {})) {
            write(writer, 0, 1, 2);
            Collection<JdbcCommitable> first = writer.prepareCommit();
            writer.snapshotState(1);
            assertThat(first).hasSize(1);

            // The barrier of checkpoint 2 comes before checkpoint 1's completion: its rows wait.
            write(writer, 3, 4);
            assertThat(writer.prepareCommit()).isEmpty();
            assertThat(writer.snapshotState(2)).containsExactly(List.of(3L, 4L));
            assertThat(deferred.getCount()).isEqualTo(2);

            committer.commit(requests(first));
            write(writer, 5);
            Collection<JdbcCommitable> third = writer.prepareCommit();
            writer.snapshotState(3);
            assertThat(third).hasSize(1);
            assertThat(deferred.getCount()).as("nothing deferred once the earlier transaction is committed").isEqualTo(2);
            committer.commit(requests(third));
        }
        assertThat(numbers()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(POSTGRES.preparedTransactions()).isZero();
    }

    @Test
    void anotherSubtasksTransactionOfTheSameCheckpointDefersNothing() throws Exception {
        SimpleCounter deferred = new SimpleCounter();
        try (XaJdbcWriter<Long> first = new XaJdbcWriter<>(PIPELINE, SINK, 1, new InsertNumber("numbers"), connection, 10,
                        null, 0, List.of(), deferred);
                XaJdbcWriter<Long> second = new XaJdbcWriter<>(PIPELINE, SINK, 0, new InsertNumber("numbers"),
                        new PostgresXaConnection(POSTGRES.jdbcUrl(database), POSTGRES.user(), POSTGRES.password()), 10,
                        null, 0, List.of(), deferred);
                XaJdbcCommitter committer = new XaJdbcCommitter(connection, millis -> {})) {
            // Both subtasks reach checkpoint 1's barrier; subtask 1's pre-commit happens to run first.
            write(first, 1, 3);
            write(second, 0, 2);
            Collection<JdbcCommitable> firstPrepared = first.prepareCommit();
            Collection<JdbcCommitable> secondPrepared = second.prepareCommit();

            assertThat(secondPrepared).as("subtask 0 wrote its rows into checkpoint 1 too").hasSize(1);
            assertThat(deferred.getCount()).isZero();
            committer.commit(requests(firstPrepared));
            committer.commit(requests(secondPrepared));
        }
        assertThat(numbers()).containsExactly(0L, 1L, 2L, 3L);
        assertThat(POSTGRES.preparedTransactions()).isZero();
    }

    private static void write(XaJdbcWriter<Long> writer, long... values) {
        for (long value : values) {
            writer.write(value, null); // the writer reads nothing from the context
        }
    }

    private static List<CommitRequest<JdbcCommitable>> requests(Collection<JdbcCommitable> committables) {
        return committables.stream().<CommitRequest<JdbcCommitable>>map(Request::new).toList();
    }

    private List<Long> numbers() throws SQLException {
        List<Long> numbers = new ArrayList<>();
        try (Connection db = POSTGRES.newConnection(database); Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("SELECT n FROM numbers ORDER BY n")) {
            while (rs.next()) {
                numbers.add(rs.getLong(1));
            }
        }
        return numbers;
    }

    /** A commit request that must succeed at once. */
    private record Request(JdbcCommitable getCommittable) implements CommitRequest<JdbcCommitable> {
        @Override
        public int getNumberOfRetries() {
            return 0;
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            throw new AssertionError("commit failed", t);
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            throw new AssertionError("commit failed", t);
        }

        @Override
        public void retryLater() {
            throw new AssertionError("commit to be retried: " + XaTransactionId.fromXid(getCommittable.getXid()));
        }

        @Override
        public void updateAndRetryLater(JdbcCommitable committable) {
            retryLater();
        }

        @Override
        public void signalAlreadyCommitted() {
            throw new AssertionError("already committed: " + XaTransactionId.fromXid(getCommittable.getXid()));
        }
    }
}
