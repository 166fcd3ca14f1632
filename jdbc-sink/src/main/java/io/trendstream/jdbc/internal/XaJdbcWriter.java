package io.trendstream.jdbc.internal;

import io.trendstream.jdbc.PostgresXaConnection;
import io.trendstream.jdbc.XaTransactionId;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;
import org.apache.flink.metrics.Counter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Writes the rows of each checkpoint in one XA transaction and prepares it before the checkpoint's
 * barrier; the committer commits it once the checkpoint is complete.
 *
 * <p>Rows are executed a batch at a time as they arrive, into the transaction of the next checkpoint, so that the
 * pre-commit has only the last batch to write: executing all of a checkpoint's rows there stalled the task for as
 * long as they took, and its inputs behind it (a catch-up writes tens of thousands of rows a checkpoint; about 1 s
 * each 10 s in the benchmark). But a prepared transaction keeps its row locks until it is committed, and the
 * committer runs in this task's thread: an upsert of a row whose previous upsert is prepared but not yet committed
 * would block the thread that is to commit it until the lock timeout fails the job over. So rows are
 * executed ahead only once no transaction of this sink from an earlier checkpoint is prepared; until then they are
 * held. When the pre-commit finds such a transaction still prepared (the barrier overtook that checkpoint's
 * completion notification, or the notification was lost), it writes nothing: the rows stay in this writer's state
 * and go into the next checkpoint's transaction. Only at end of input, where there is no next transaction, it writes
 * anyway: at worst the lock timeout fails the job over, and the restore commits the earlier transaction.
 *
 * <p>The session's lock timeout bounds every wait for a lock, also those this writer cannot foresee: a lock that
 * another subtask's transaction of the same checkpoint took and keeps while prepared (TimescaleDB's chunk creation
 * and partial compression, where a chunk changed after {@link ChunkPreparer} prepared it) would otherwise stall the
 * checkpoints for good, since that transaction is committed only once this subtask's pre-commit is done.
 *
 * <p>A transaction open between two barriers holds only rows of records read after the last checkpoint: if the job
 * fails, it is rolled back with its session, and the records are read again.
 */
@Internal
public final class XaJdbcWriter<IN> implements StatefulSinkWriter<IN, List<IN>>, CommittingSinkWriter<IN, JdbcCommitable> {
    private static final Logger LOG = LoggerFactory.getLogger(XaJdbcWriter.class);

    private final String pipelineId;
    private final String sinkName;
    private final int subtask;
    private final JdbcQueryStatement<IN> statement;
    private final PostgresXaConnection connection;
    private final int batchSize;
    private final TypeSerializer<IN> copier;
    private final Counter deferredRows;
    private final Duration lockTimeout;
    /** Prepares the hypertable chunks the rows go into before they go into a transaction; null if there are none. */
    private final ChunkPreparer<IN> chunks;

    /** Rows not executed yet. */
    private final List<IN> rows = new ArrayList<>();
    private long lastSnapshotId;
    private boolean endOfInput;
    private XAConnection xaConnection;
    /** The one handle of {@link #xaConnection}: a second {@code getConnection()} would roll back the first's work. */
    private Connection db;
    /**
     * The transaction rows are being executed into, and its statement; null while none is open. Opened only once no
     * earlier checkpoint's transaction was found prepared, and none can be prepared after that before its own.
     */
    private XaTransactionId open;
    private PreparedStatement openStatement;

    /**
     * @param copier copies each row as it arrives (with object reuse enabled); null if rows are not reused
     * @param restoredCheckpointId the checkpoint restored from, 0 on a fresh start
     * @param unwritten rows that the restored state holds and no transaction did
     * @param deferredRows counts the rows a pre-commit leaves for the next checkpoint (a row deferred twice, twice)
     * @param lockTimeout how long a statement waits for a lock before it fails (and the job fails over)
     * @param chunks prepares the hypertable chunks the rows go into outside the transactions; null if the table has none
     */
    public XaJdbcWriter(
            String pipelineId,
            String sinkName,
            int subtask,
            JdbcQueryStatement<IN> statement,
            PostgresXaConnection connection,
            int batchSize,
            TypeSerializer<IN> copier,
            long restoredCheckpointId,
            Collection<List<IN>> unwritten,
            Counter deferredRows,
            Duration lockTimeout,
            ChunkPreparer<IN> chunks) {
        this.pipelineId = XaTransactionId.checkPipelineId(pipelineId);
        this.sinkName = XaTransactionId.checkSinkName(sinkName);
        this.subtask = subtask;
        this.statement = statement;
        this.connection = connection;
        this.batchSize = batchSize;
        this.copier = copier;
        this.lastSnapshotId = restoredCheckpointId;
        this.deferredRows = deferredRows;
        this.lockTimeout = lockTimeout;
        this.chunks = chunks;
        unwritten.forEach(rows::addAll);
    }

    @Override
    public void write(IN element, Context context) throws IOException {
        rows.add(copier == null ? element : copier.copy(element));
        // Once a batch is full; while an earlier transaction is prepared, that is checked again each batch.
        if (rows.size() % batchSize == 0) {
            writeAhead();
        }
    }

    private void writeAhead() throws IOException {
        XaTransactionId xid = nextTransaction();
        try {
            if (open == null) {
                if (!earlierStillPrepared(xid).isEmpty()) {
                    return; // their rows' locks may be held: wait for the commit, or the pre-commit
                }
                begin(xid);
            }
            execute();
        } catch (SQLException | XAException | RuntimeException e) {
            abort(xid, e);
        }
    }

    @Override
    public void flush(boolean endOfInput) {
        this.endOfInput |= endOfInput;
    }

    @Override
    public Collection<JdbcCommitable> prepareCommit() throws IOException {
        if (rows.isEmpty() && open == null) {
            return List.of();
        }
        // The transaction belongs to the checkpoint after the last snapshot: at most that checkpoint's id, and
        // above any checkpoint that completed before it, which is what the janitor needs.
        XaTransactionId xid = nextTransaction();
        try {
            if (open == null) {
                List<XaTransactionId> stillPrepared = earlierStillPrepared(xid);
                if (!stillPrepared.isEmpty() && !endOfInput) {
                    LOG.info("{}: deferred {} row(s) to the next checkpoint: the earlier transaction(s) {} are prepared but not"
                            + " committed yet, and may hold the rows' locks", sinkName, rows.size(), stillPrepared);
                    deferredRows.inc(rows.size());
                    return List.of();
                }
                begin(xid);
            }
            execute();
            openStatement.close();
            XAResource resource = xaConnection.getXAResource();
            resource.end(xid, XAResource.TMSUCCESS);
            open = null;
            resource.prepare(xid);
        } catch (SQLException | XAException | RuntimeException e) {
            abort(xid, e);
        }
        return List.of(JdbcCommitable.of(xid));
    }

    /**
     * Only earlier checkpoints' transactions can hold this subtask's rows: the other subtasks' transactions of this same
     * checkpoint, prepared a moment before at the same barrier, hold rows of other keys (the input is keyed) and are
     * committed with this one. Waiting for them deferred rows a whole checkpoint interval, whenever another subtask's
     * pre-commit happened to run first.
     */
    private List<XaTransactionId> earlierStillPrepared(XaTransactionId xid) throws SQLException {
        return PreparedTransactions.of(handle(), pipelineId, sinkName).stream()
                .filter(prepared -> prepared.checkpointId() < xid.checkpointId())
                .toList();
    }

    private XaTransactionId nextTransaction() {
        return new XaTransactionId(pipelineId, sinkName, subtask, lastSnapshotId + 1);
    }

    private void begin(XaTransactionId xid) throws SQLException, XAException {
        Connection handle = handle();
        xaConnection.getXAResource().start(xid, XAResource.TMNOFLAGS);
        open = xid;
        openStatement = handle.prepareStatement(statement.query());
        if (chunks != null) {
            chunks.newTransaction();
        }
    }

    /** Executes the rows held into the open transaction. */
    private void execute() throws SQLException {
        if (chunks != null) {
            chunks.prepareChunksFor(rows);
        }
        int batched = 0;
        for (IN row : rows) {
            statement.statement(openStatement, row);
            openStatement.addBatch();
            if (++batched == batchSize) {
                openStatement.executeBatch();
                batched = 0;
            }
        }
        if (batched > 0) {
            openStatement.executeBatch();
        }
        rows.clear();
    }

    /** Rolls back the open transaction, if any, drops the session and fails: the job restarts from its last checkpoint. */
    private void abort(XaTransactionId xid, Exception failure) throws IOException {
        if (open != null) {
            try {
                XAResource resource = xaConnection.getXAResource();
                resource.end(open, XAResource.TMFAIL);
                resource.rollback(open);
            } catch (XAException | SQLException rollbackFailure) {
                failure.addSuppressed(rollbackFailure);
            }
            open = null;
        }
        closeConnection();
        throw new IOException("Could not write the rows of " + xid + (isLockTimeout(failure)
                ? ": a statement waited longer than the sink's lock timeout (" + lockTimeout.toMillis() + " ms) for a"
                        + " lock another transaction holds (pg_locks shows which); the job fails over and writes them again"
                : ""), failure);
    }

    /** PostgreSQL's lock_not_available, which lock_timeout raises, anywhere in the failure's SQL exceptions. */
    private static boolean isLockTimeout(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            for (SQLException e = cause instanceof SQLException sql ? sql : null; e != null; e = e.getNextException()) {
                if ("55P03".equals(e.getSQLState())) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public List<List<IN>> snapshotState(long checkpointId) {
        if (open != null) {
            // The pre-commit before each snapshot prepares the open transaction or, deferring, never opened one.
            throw new IllegalStateException("A transaction is open at the snapshot of checkpoint " + checkpointId + ": " + open);
        }
        lastSnapshotId = checkpointId;
        return rows.isEmpty() ? List.of() : List.of(List.copyOf(rows));
    }

    private Connection handle() throws SQLException {
        if (xaConnection == null) {
            xaConnection = connection.createXaDataSource().getXAConnection();
            db = xaConnection.getConnection();
            SessionLockTimeout.set(db, lockTimeout);
        }
        return db;
    }

    private void closeConnection() {
        if (xaConnection != null) {
            try {
                xaConnection.close(); // a transaction that was not prepared is rolled back with its session
            } catch (SQLException e) {
                LOG.debug("Could not close the connection of sink {}", sinkName, e);
            }
            xaConnection = null;
            db = null;
            openStatement = null;
        }
        if (chunks != null) {
            chunks.close();
        }
    }

    @Override
    public void close() {
        closeConnection();
    }
}
