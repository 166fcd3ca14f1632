package io.trendstream.jdbc;

import io.trendstream.jdbc.internal.ChunkPreparer;
import io.trendstream.jdbc.internal.PreparedTransactionJanitor;
import io.trendstream.jdbc.internal.UnwrittenRowsSerializer;
import io.trendstream.jdbc.internal.XaJdbcCommitter;
import io.trendstream.jdbc.internal.XaJdbcWriter;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitableSerializer;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.Gauge;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Exactly-once (XA, two-phase commit) sink into PostgreSQL/TimescaleDB: the rows of a checkpoint are
 * written in one transaction, a batch at a time as they arrive, prepared at the checkpoint's barrier
 * ({@link XaJdbcWriter}) and committed when the checkpoint is complete, or on recovery from it
 * ({@link XaJdbcCommitter}).
 *
 * <p>It replaces the writer and committer of flink-connector-jdbc 4.0.0-2.0, keeping its statement
 * interface and its committable format (so committer state of earlier versions restores). That
 * connector's writer commits each transaction while the snapshot is taken, before the checkpoint is
 * complete; names transactions after Flink's job id, which changes with {@code flink run -s}, so
 * neither it nor a janitor can tell its own transactions from another job's; cannot recover
 * PostgreSQL's xids; and executes its batches while processing records even while the previous transaction is
 * still prepared, where a row it locked blocks the thread that would commit it.
 *
 * <p>Rows of one key must come from one subtask (a keyed input, as in the pipeline, where the sinks are chained
 * to the keyed window operator): the subtasks prepare their transactions of a checkpoint side by side, and only an
 * earlier checkpoint's transaction still prepared makes a pre-commit leave its rows for the next one.
 *
 * <p>Into a TimescaleDB hypertable, {@link #withHypertableChunks} keeps chunk creation and decompression out of the
 * transactions: a prepared transaction would keep their locks until its commit, and the other subtasks waiting.
 *
 * <p>No statement of the sink waits for a database lock longer than {@link #withLockTimeout its lock timeout}: a lock
 * held by a prepared transaction is released only by a commit that may itself wait for the waiting subtask's
 * pre-commit, a cycle PostgreSQL's deadlock detector cannot see. The timeout turns such a wait into a failover.
 *
 * <p>Transaction ids carry the pipeline id and the sink's name ({@link XaTransactionId}); on start,
 * one subtask of each sink rolls back the transactions of this pipeline and sink that the restored
 * checkpoint does not hold ({@link PreparedTransactionJanitor}).
 */
public final class ExactlyOnceJdbcSink<IN>
        implements Sink<IN>, SupportsWriterState<IN, List<IN>>, SupportsCommitter<JdbcCommitable> {
    private static final long serialVersionUID = 1L;

    /** How long a statement of the sink waits for a lock by default. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(60);

    private final String pipelineId;
    private final String name;
    private final JdbcQueryStatement<IN> statement;
    private final TypeInformation<IN> rowType;
    private final PostgresXaConnection connection;
    private final int batchSize;
    private final HypertableChunks<IN> chunks;
    private final Duration lockTimeout;

    private ExactlyOnceJdbcSink(String pipelineId, String name, JdbcQueryStatement<IN> statement,
            TypeInformation<IN> rowType, PostgresXaConnection connection, int batchSize, HypertableChunks<IN> chunks,
            Duration lockTimeout) {
        this.pipelineId = XaTransactionId.checkPipelineId(pipelineId);
        this.name = XaTransactionId.checkSinkName(name);
        this.statement = statement;
        this.rowType = rowType;
        this.connection = connection;
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, not " + batchSize);
        }
        this.batchSize = batchSize;
        this.chunks = chunks;
        this.lockTimeout = lockTimeout;
    }

    /**
     * @param pipelineId the pipeline's identity in the database: distinct between pipelines that share it,
     *     stable across restores and upgrades (jdbc.xa.pipeline-id)
     * @param name the sink's name, unique in the pipeline and stable across upgrades (it is part of its
     *     transaction ids); also its label in metrics, e.g. the table name
     * @param rowType the type of the rows, for the rows the writer's state may hold
     * @param batchSize rows per JDBC batch within a transaction
     */
    public static <IN> ExactlyOnceJdbcSink<IN> of(String pipelineId, String name, JdbcQueryStatement<IN> statement,
            TypeInformation<IN> rowType, PostgresXaConnection connection, int batchSize) {
        return new ExactlyOnceJdbcSink<>(pipelineId, name, statement, rowType, connection, batchSize, null,
                DEFAULT_LOCK_TIMEOUT);
    }

    /**
     * This sink, writing into a TimescaleDB hypertable: it prepares the chunks its rows go into (creates them, or
     * decompresses them) outside its XA transactions (see {@link HypertableChunks} for why). Where the table is not a
     * hypertable, that does nothing.
     */
    public ExactlyOnceJdbcSink<IN> withHypertableChunks(HypertableChunks<IN> chunks) {
        return new ExactlyOnceJdbcSink<>(pipelineId, name, statement, rowType, connection, batchSize,
                Objects.requireNonNull(chunks, "chunks"), lockTimeout);
    }

    /**
     * This sink, whose statements wait at most {@code timeout} for a database lock (PostgreSQL's {@code lock_timeout},
     * set on the sink's sessions; {@link #DEFAULT_LOCK_TIMEOUT} unless set). A wait that would otherwise never end, a
     * lock held by a transaction prepared for a checkpoint that cannot complete while this subtask waits, then fails
     * the job over instead of stalling its checkpoints; the restore rolls that transaction back and writes its rows
     * again. Make it longer than the longest lock the database's own maintenance holds on the tables (compression,
     * {@code VACUUM FULL}, schema changes), or each of them costs a failover.
     */
    public ExactlyOnceJdbcSink<IN> withLockTimeout(Duration timeout) {
        return new ExactlyOnceJdbcSink<>(pipelineId, name, statement, rowType, connection, batchSize, chunks,
                checkLockTimeout(timeout));
    }

    /**
     * What is wrong with {@code timeout} as a lock timeout, if anything: PostgreSQL's {@code lock_timeout} is whole
     * milliseconds up to {@code INT_MAX}, and 0 would mean no timeout.
     */
    public static Optional<String> lockTimeoutProblem(Duration timeout) {
        if (timeout.isNegative() || timeout.compareTo(Duration.ofMillis(1)) < 0
                || timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
            return Optional.of("must be from 1 ms to " + Integer.MAX_VALUE + " ms (PostgreSQL's lock_timeout, which"
                    + " cannot be switched off here)");
        }
        return Optional.empty();
    }

    private static Duration checkLockTimeout(Duration timeout) {
        lockTimeoutProblem(Objects.requireNonNull(timeout, "timeout")).ifPresent(problem -> {
            throw new IllegalArgumentException("The lock timeout " + problem + ", not " + timeout);
        });
        return timeout;
    }

    @Override
    public StatefulSinkWriter<IN, List<IN>> createWriter(WriterInitContext context) throws IOException {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<IN, List<IN>> restoreWriter(WriterInitContext context, Collection<List<IN>> unwritten) throws IOException {
        if (context.getTaskInfo().getIndexOfThisSubtask() == 0) {
            // One subtask per sink: the transactions of all its subtasks are in one database. No subtask prepares
            // anything before every subtask has started, since no checkpoint is triggered before.
            new PreparedTransactionJanitor(connection, pipelineId, name).rollBackAbandoned(context.getRestoredCheckpointId());
        }
        return new XaJdbcWriter<>(pipelineId, name, context.getTaskInfo().getIndexOfThisSubtask(), statement, connection,
                batchSize, context.isObjectReuseEnabled() ? context.createInputSerializer() : null,
                context.getRestoredCheckpointId().orElse(0L), unwritten,
                context.metricGroup().addGroup(JdbcSinkMetrics.GROUP).addGroup(JdbcSinkMetrics.SINK_LABEL, name)
                        .counter(JdbcSinkMetrics.ROWS_DEFERRED),
                lockTimeout, ChunkPreparer.of(chunks, statement, connection, lockTimeout));
    }

    @Override
    public SimpleVersionedSerializer<List<IN>> getWriterStateSerializer() {
        return new UnwrittenRowsSerializer<>(rowType.createSerializer(new SerializerConfigImpl()));
    }

    @Override
    public Committer<JdbcCommitable> createCommitter(CommitterInitContext context) {
        CommitLatency latency = new CommitLatency();
        context.metricGroup().addGroup(JdbcSinkMetrics.GROUP)
                .addGroup(JdbcSinkMetrics.SINK_LABEL, name)
                .gauge(JdbcSinkMetrics.COMMIT_LATENCY_MS, latency);
        return new XaJdbcCommitter(connection, millis -> latency.lastMillis = millis);
    }

    @Override
    public SimpleVersionedSerializer<JdbcCommitable> getCommittableSerializer() {
        return new JdbcCommitableSerializer();
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
