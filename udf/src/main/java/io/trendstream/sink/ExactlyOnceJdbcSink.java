package io.trendstream.sink;

import io.trendstream.metrics.PipelineMetrics;

import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.JdbcExactlyOnceOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriter;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;
import org.apache.flink.connector.jdbc.datasource.transactions.xa.domain.TransactionId;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.util.function.SerializableSupplier;

import javax.sql.XADataSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JDBC connector's exactly-once (XA, two-phase commit) sink, made safe to operate on PostgreSQL:
 *
 * <ul>
 *   <li>After end of input Flink no longer asks the writer to pre-commit before a snapshot, and the
 *       connector's writer then fails with "currentXid not null"; {@link CheckpointAlignedJdbcWriter}
 *       pre-commits itself in that case.
 *   <li>The connector refuses more than one writer state, which is what a subtask gets when the job
 *       is restored with a lower parallelism; the states are merged here.
 *   <li>The connector's recovery cannot match PostgreSQL's recovered xids (it only recognises its own
 *       Xid class and job id), so transactions prepared for a checkpoint that never completed would
 *       stay prepared, holding locks and blocking VACUUM; {@link PreparedTransactionJanitor} rolls
 *       them back on start.
 *   <li>The connector names XA transactions after job, subtask and checkpoint only, so two such sinks
 *       in one job collide in PostgreSQL; {@link SinkScopedWriterContext} gives each sink its own ids.
 *   <li>With one XA transaction per connection, the connector's writer keeps writing on its first
 *       connection while later transactions run on others, losing those rows; {@link StatementRebinder}
 *       moves its statements to each new transaction's connection.
 *   <li>Publishes the duration of the last XA commit as a metric.
 * </ul>
 *
 * <p>Settings the connector requires on PostgreSQL are fixed here: {@code maxRetries} 0, one XA
 * transaction per connection.
 */
public final class ExactlyOnceJdbcSink<IN>
        implements Sink<IN>, SupportsWriterState<IN, JdbcWriterState>, SupportsCommitter<JdbcCommitable> {
    private static final long serialVersionUID = 1L;

    private final JdbcSink<IN> delegate;
    private final PostgresXaConnection connection;
    private final String name;

    private ExactlyOnceJdbcSink(JdbcSink<IN> delegate, PostgresXaConnection connection, String name) {
        this.delegate = delegate;
        this.connection = connection;
        this.name = name;
    }

    /**
     * @param name the sink's name, unique in the job and stable across upgrades (it is part of its
     *     transaction ids); also its label in metrics, e.g. the table name
     * @param batchSize rows per JDBC batch within a transaction
     */
    public static <IN> ExactlyOnceJdbcSink<IN> of(
            String name, JdbcQueryStatement<IN> statement, PostgresXaConnection connection, int batchSize) {
        JdbcSink<IN> sink = JdbcSink.<IN>builder()
                .withQueryStatement(statement)
                .withExecutionOptions(JdbcExecutionOptions.builder()
                        .withBatchSize(batchSize)
                        .withBatchIntervalMs(0) // transactions are flushed at checkpoints
                        .withMaxRetries(0) // required in exactly-once mode (FLINK-22311)
                        .build())
                .buildExactlyOnce(
                        JdbcExactlyOnceOptions.builder()
                                .withTransactionPerConnection(true) // PostgreSQL: one XA transaction per connection
                                .build(),
                        (SerializableSupplier<XADataSource>) connection::createXaDataSource);
        return new ExactlyOnceJdbcSink<>(sink, connection, name);
    }

    @Override
    public SinkWriter<IN> createWriter(WriterInitContext context) throws IOException {
        cleanUpAbandonedTransactions(context);
        return aligned(delegate.createWriter(new SinkScopedWriterContext(context, name)));
    }

    @Override
    public CheckpointAlignedJdbcWriter<IN> restoreWriter(WriterInitContext context, Collection<JdbcWriterState> states)
            throws IOException {
        cleanUpAbandonedTransactions(context);
        return aligned(delegate.restoreWriter(new SinkScopedWriterContext(context, name), mergeForLowerParallelism(states)));
    }

    private static <IN> CheckpointAlignedJdbcWriter<IN> aligned(JdbcWriter<IN> writer) {
        return new CheckpointAlignedJdbcWriter<>(writer, StatementRebinder.of(writer)::rebind);
    }

    /** One subtask per sink cleans up; transactions are global to the database, not per subtask. */
    private void cleanUpAbandonedTransactions(WriterInitContext context) throws IOException {
        if (context.getTaskInfo().getIndexOfThisSubtask() == 0) {
            new PreparedTransactionJanitor(connection).rollBackAbandoned(context.getRestoredCheckpointId());
        }
    }

    static Collection<JdbcWriterState> mergeForLowerParallelism(Collection<JdbcWriterState> states) {
        if (states.size() <= 1) {
            return states;
        }
        List<TransactionId> prepared = new ArrayList<>();
        List<TransactionId> hanging = new ArrayList<>();
        for (JdbcWriterState state : states) {
            prepared.addAll(state.getPrepared());
            hanging.addAll(state.getHanging());
        }
        return List.of(JdbcWriterState.of(prepared, hanging));
    }

    @Override
    public SimpleVersionedSerializer<JdbcWriterState> getWriterStateSerializer() {
        return delegate.getWriterStateSerializer();
    }

    @Override
    public Committer<JdbcCommitable> createCommitter(CommitterInitContext context) throws IOException {
        Committer<JdbcCommitable> committer = delegate.createCommitter(context);
        CommitLatency latency = new CommitLatency();
        context.metricGroup().addGroup(PipelineMetrics.GROUP)
                .addGroup(PipelineMetrics.SINK_LABEL, name)
                .gauge(PipelineMetrics.SINK_COMMIT_LATENCY_MS, latency);
        return new Committer<>() {
            @Override
            public void commit(Collection<CommitRequest<JdbcCommitable>> requests) throws IOException, InterruptedException {
                long start = System.nanoTime();
                committer.commit(requests);
                if (!requests.isEmpty()) {
                    latency.lastMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }
            }

            @Override
            public void close() throws Exception {
                committer.close();
            }
        };
    }

    @Override
    public SimpleVersionedSerializer<JdbcCommitable> getCommittableSerializer() {
        return delegate.getCommittableSerializer();
    }

    /** Duration of the last commit that had something to commit. */
    private static final class CommitLatency implements Gauge<Long> {
        volatile long lastMillis;

        @Override
        public Long getValue() {
            return lastMillis;
        }
    }
}
