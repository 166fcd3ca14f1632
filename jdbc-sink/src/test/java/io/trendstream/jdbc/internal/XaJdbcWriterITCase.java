package io.trendstream.jdbc.internal;

import io.trendstream.jdbc.ExactlyOnceJdbcSink;
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

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The writer on its own, on a real database: when it executes rows ahead of the barrier, and what it does when its
 * previous transaction is still prepared.
 */
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
        try (XaJdbcWriter<Long> writer = writer(0, connection, 10, deferred);
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
        try (XaJdbcWriter<Long> first = writer(1, connection, 10, deferred);
                XaJdbcWriter<Long> second = writer(0,
                        new PostgresXaConnection(POSTGRES.jdbcUrl(database), POSTGRES.user(), POSTGRES.password()), 10, deferred);
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

    @Test
    void executesEachFullBatchAheadOfTheBarrierOnceNoEarlierTransactionIsPrepared() throws Exception {
        SimpleCounter deferred = new SimpleCounter();
        try (XaJdbcWriter<Long> writer = writer(0, connection, 2, deferred);
                XaJdbcCommitter committer = new XaJdbcCommitter(connection, millis -> {})) {
            write(writer, 0);
            assertThat(openTransactionsThatWrote()).as("half a batch is held").isZero();
            write(writer, 1);
            assertThat(openTransactionsThatWrote()).as("a full batch is executed at once").isEqualTo(1);
            write(writer, 2);
            Collection<JdbcCommitable> first = writer.prepareCommit();
            assertThat(writer.snapshotState(1)).isEmpty();
            assertThat(openTransactionsThatWrote()).isZero();
            assertThat(POSTGRES.preparedTransactions()).isEqualTo(1);

            // Checkpoint 1's transaction is prepared, holding its rows' locks: nothing is executed ahead of it.
            write(writer, 3, 4, 5, 6);
            assertThat(openTransactionsThatWrote()).isZero();
            committer.commit(requests(first));
            write(writer, 7, 8);
            assertThat(openTransactionsThatWrote()).as("once it is committed, the held rows go too").isEqualTo(1);
            Collection<JdbcCommitable> second = writer.prepareCommit();
            assertThat(writer.snapshotState(2)).isEmpty();
            committer.commit(requests(second));
        }
        assertThat(numbers()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(deferred.getCount()).isZero();
        assertThat(POSTGRES.preparedTransactions()).isZero();
    }

    @Test
    void aBatchThatFailsAheadOfTheBarrierRollsBackItsTransactionAndFailsTheWriter() throws Exception {
        try (XaJdbcWriter<Long> writer = writer(0, connection, 2, new SimpleCounter())) {
            write(writer, 0, 1);
            assertThat(openTransactionsThatWrote()).isEqualTo(1);
            writer.write(2L, null);
            assertThatThrownBy(() -> writer.write(2L, null)) // the primary key refuses the second 2
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(SINK)
                    .hasMessageNotContaining("lock timeout");
        }
        assertThat(openTransactionsThatWrote()).isZero();
        assertThat(POSTGRES.preparedTransactions()).isZero();
        assertThat(numbers()).as("what the transaction held is rolled back; the records are read again").isEmpty();
    }

    /**
     * A lock the writer cannot foresee, held by a transaction that does not end, as a lock of another subtask's
     * prepared transaction is held until a checkpoint completes that waits for this writer: the writer gives up after
     * its lock timeout and fails (the job fails over), instead of waiting for ever and its checkpoints with it.
     */
    @Test
    void aLockThatIsNeverReleasedFailsTheWriterAfterTheLockTimeoutInsteadOfHoldingItForEver() throws Exception {
        try (Connection holder = POSTGRES.newConnection(database); Statement lock = holder.createStatement()) {
            holder.setAutoCommit(false);
            lock.execute("LOCK TABLE numbers IN EXCLUSIVE MODE");
            XaJdbcWriter<Long> writer = writer(0, connection, 2, new SimpleCounter(), Duration.ofSeconds(1));
            try {
                writer.write(0L, null);
                assertTimeoutPreemptively(Duration.ofMinutes(1), () -> assertThatThrownBy(() -> writer.write(1L, null))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining(SINK)
                        .hasMessageContaining("waited longer than the sink's lock timeout (1000 ms)")
                        .cause().isInstanceOfSatisfying(SQLException.class,
                                e -> assertThat(e.getSQLState()).as("lock_not_available").isEqualTo("55P03")));
            } finally {
                holder.rollback(); // first: a writer still waiting could not be closed
                writer.close();
            }
        }
        assertThat(openTransactionsThatWrote()).isZero();
        assertThat(POSTGRES.preparedTransactions()).isZero();
        assertThat(numbers()).isEmpty();
    }

    /** Sessions on the test's database inside a transaction that has written something. */
    private long openTransactionsThatWrote() throws SQLException {
        try (Connection db = POSTGRES.newConnection(database); Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A fresh writer (no restored checkpoint, nothing unwritten) of subtask {@code subtask} into the numbers table. */
    private static XaJdbcWriter<Long> writer(int subtask, PostgresXaConnection connection, int batchSize, SimpleCounter deferred) {
        return writer(subtask, connection, batchSize, deferred, ExactlyOnceJdbcSink.DEFAULT_LOCK_TIMEOUT);
    }

    private static XaJdbcWriter<Long> writer(int subtask, PostgresXaConnection connection, int batchSize,
            SimpleCounter deferred, Duration lockTimeout) {
        return new XaJdbcWriter<>(PIPELINE, SINK, subtask, new InsertNumber("numbers"), connection, batchSize, null, 0,
                List.of(), deferred, lockTimeout, null);
    }

    private static void write(XaJdbcWriter<Long> writer, long... values) throws IOException {
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
