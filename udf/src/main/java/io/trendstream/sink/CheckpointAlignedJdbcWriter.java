package io.trendstream.sink;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * Keeps the JDBC writer's XA transactions aligned with checkpoints. The connector's writer starts a
 * new transaction in {@code snapshotState} and relies on {@code prepareCommit} having ended the
 * previous one. Flink calls {@code prepareCommit} before every snapshot except after end of input
 * (bounded sources, stop-with-savepoint with drain), where a second snapshot then fails with
 * "currentXid not null". This writer pre-commits itself when a snapshot was not preceded by a
 * pre-commit. After end of input there is nothing left to write, so that pre-commit yields no
 * committable.
 */
public final class CheckpointAlignedJdbcWriter<IN>
        implements StatefulSinkWriter<IN, JdbcWriterState>, CommittingSinkWriter<IN, JdbcCommitable> {

    private final StatefulSinkWriter<IN, JdbcWriterState> stateful;
    private final CommittingSinkWriter<IN, JdbcCommitable> committing;
    private final TransactionStarted onTransactionStarted;
    private boolean preparedSinceLastSnapshot;

    /** What to do once the writer has started a new transaction. */
    @FunctionalInterface
    interface TransactionStarted {
        void run() throws IOException;
    }

    /**
     * @param writer the connector's writer, which is both stateful and committing
     * @param onTransactionStarted called after each snapshot, when the writer has started its next transaction
     */
    public <W extends StatefulSinkWriter<IN, JdbcWriterState> & CommittingSinkWriter<IN, JdbcCommitable>>
            CheckpointAlignedJdbcWriter(W writer, TransactionStarted onTransactionStarted) {
        this.stateful = writer;
        this.committing = writer;
        this.onTransactionStarted = onTransactionStarted;
    }

    @Override
    public void write(IN element, Context context) throws IOException, InterruptedException {
        stateful.write(element, context);
    }

    @Override
    public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
        stateful.writeWatermark(watermark);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        stateful.flush(endOfInput);
    }

    @Override
    public Collection<JdbcCommitable> prepareCommit() throws IOException, InterruptedException {
        preparedSinceLastSnapshot = true;
        return committing.prepareCommit();
    }

    @Override
    public List<JdbcWriterState> snapshotState(long checkpointId) throws IOException {
        if (!preparedSinceLastSnapshot) {
            try {
                Collection<JdbcCommitable> unexpected = committing.prepareCommit();
                if (!unexpected.isEmpty()) {
                    throw new IllegalStateException(
                            "Records were written after end of input without a pre-commit; they would be lost: " + unexpected);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while pre-committing before checkpoint " + checkpointId, e);
            }
        }
        preparedSinceLastSnapshot = false;
        List<JdbcWriterState> state = stateful.snapshotState(checkpointId);
        onTransactionStarted.run();
        return state;
    }

    @Override
    public void close() throws Exception {
        stateful.close();
    }
}
