package io.trendstream.sink;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.apache.flink.connector.jdbc.datasource.transactions.xa.domain.TransactionId;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The writer keeps the connector's XA transactions aligned with checkpoints: every snapshot is
 * preceded by exactly one pre-commit, even after end of input when Flink no longer pre-commits.
 */
class CheckpointAlignedJdbcWriterTest {

    private static final TransactionId TX = TransactionId.create(new JobID().getBytes(), 0, 1);

    /**
     * Behaves like the JDBC connector's exactly-once writer: it has a transaction open from creation,
     * a pre-commit prepares it (returning a committable if records were written), and a snapshot
     * opens the next one, failing with "currentXid not null" if the previous one was not prepared.
     */
    static final class FakeJdbcWriter
            implements StatefulSinkWriter<String, JdbcWriterState>, CommittingSinkWriter<String, JdbcCommitable> {
        final List<String> calls = new ArrayList<>();
        final List<JdbcWriterState> state = List.of(JdbcWriterState.of(List.of(TX.withBranch(1)), List.of()));
        boolean transactionOpen = true;
        boolean pendingRecords;
        long branch;
        boolean interruptPrepare;

        @Override
        public void write(String element, Context context) {
            calls.add("write " + element);
            pendingRecords = true;
        }

        @Override
        public void writeWatermark(Watermark watermark) {
            calls.add("writeWatermark " + watermark.getTimestamp());
        }

        @Override
        public void flush(boolean endOfInput) {
            calls.add("flush " + endOfInput);
        }

        @Override
        public Collection<JdbcCommitable> prepareCommit() throws InterruptedException {
            calls.add("prepareCommit");
            if (interruptPrepare) {
                throw new InterruptedException("interrupted");
            }
            if (!transactionOpen) {
                throw new IllegalStateException("no transaction to prepare");
            }
            transactionOpen = false;
            if (!pendingRecords) {
                return List.of();
            }
            pendingRecords = false;
            return List.of(JdbcCommitable.of(TX.withBranch(branch)));
        }

        @Override
        public List<JdbcWriterState> snapshotState(long checkpointId) {
            calls.add("snapshotState " + checkpointId);
            if (transactionOpen) {
                throw new IllegalStateException("currentXid not null");
            }
            transactionOpen = true;
            branch = checkpointId;
            return state;
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    private static final SinkWriter.Context CONTEXT = new SinkWriter.Context() {
        @Override
        public long currentWatermark() {
            return 0;
        }

        @Override
        public Long timestamp() {
            return null;
        }
    };

    private final FakeJdbcWriter connector = new FakeJdbcWriter();
    private final List<Long> transactionsStartedAfterSnapshot = new ArrayList<>();
    private final CheckpointAlignedJdbcWriter<String> writer = new CheckpointAlignedJdbcWriter<>(
            connector, () -> transactionsStartedAfterSnapshot.add((long) connector.calls.size()));

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void theFakeConnectorFailsOnASecondSnapshotWithoutPreCommitLikeTheRealOne() {
        connector.transactionOpen = false;
        connector.snapshotState(1);

        assertThatThrownBy(() -> connector.snapshotState(2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("currentXid not null");
    }

    @Test
    void passesTheNormalPreCommitThenSnapshotSequenceThroughUntouched() throws Exception {
        writer.write("a", CONTEXT);
        Collection<JdbcCommitable> committables = writer.prepareCommit();
        List<JdbcWriterState> state = writer.snapshotState(1);

        assertThat(connector.calls).containsExactly("write a", "prepareCommit", "snapshotState 1");
        assertThat(transactionsStartedAfterSnapshot).as("statements re-bound once, after the snapshot").containsExactly(3L);
        assertThat(committables).singleElement()
                .satisfies(c -> assertThat(c.getXid()).isEqualTo(TX.withBranch(0)));
        assertThat(state).isSameAs(connector.state);
    }

    @Test
    void preCommitsExactlyOncePerSnapshotOverManyCheckpoints() throws Exception {
        for (long checkpoint = 1; checkpoint <= 3; checkpoint++) {
            writer.write("r" + checkpoint, CONTEXT);
            writer.flush(false);
            writer.prepareCommit();
            writer.snapshotState(checkpoint);
        }

        assertThat(connector.calls).containsExactly(
                "write r1", "flush false", "prepareCommit", "snapshotState 1",
                "write r2", "flush false", "prepareCommit", "snapshotState 2",
                "write r3", "flush false", "prepareCommit", "snapshotState 3");
    }

    @Test
    void preCommitsItselfWhenASnapshotIsNotPrecededByAPreCommit() throws Exception {
        // end of input: Flink flushes and pre-commits once, then takes further snapshots without pre-commits
        writer.write("last", CONTEXT);
        writer.flush(true);
        writer.prepareCommit();
        writer.snapshotState(5);

        List<JdbcWriterState> second = writer.snapshotState(6);
        writer.snapshotState(7);

        assertThat(connector.calls).containsExactly(
                "write last", "flush true", "prepareCommit", "snapshotState 5",
                "prepareCommit", "snapshotState 6",
                "prepareCommit", "snapshotState 7");
        assertThat(second).isSameAs(connector.state);
    }

    @Test
    void preCommitsItselfBeforeTheFirstSnapshotOfAFreshWriter() throws Exception {
        writer.snapshotState(1);

        assertThat(connector.calls).containsExactly("prepareCommit", "snapshotState 1");
    }

    @Test
    void refusesToSnapshotWhenItsOwnPreCommitFindsRecordsThatWouldBeLost() throws Exception {
        writer.prepareCommit();
        writer.snapshotState(1);
        writer.write("written after end of input", CONTEXT);

        assertThatThrownBy(() -> writer.snapshotState(2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Records were written after end of input without a pre-commit; they would be lost: ");
        assertThat(connector.calls).containsExactly(
                "prepareCommit", "snapshotState 1", "write written after end of input", "prepareCommit");
    }

    @Test
    void anInterruptedPreCommitFailsTheSnapshotAndKeepsTheInterrupt() {
        connector.interruptPrepare = true;

        assertThatThrownBy(() -> writer.snapshotState(3))
                .isInstanceOf(IOException.class)
                .hasMessage("Interrupted while pre-committing before checkpoint 3")
                .hasCauseInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(connector.calls).containsExactly("prepareCommit");
    }

    @Test
    void delegatesWritesWatermarksFlushesAndClose() throws Exception {
        writer.write("x", CONTEXT);
        writer.writeWatermark(new Watermark(42));
        writer.flush(true);
        writer.close();

        assertThat(connector.calls).containsExactly("write x", "writeWatermark 42", "flush true", "close");
    }
}
