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
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Writes the rows of each checkpoint in one XA transaction and prepares it before the checkpoint's
 * barrier; the committer commits it once the checkpoint is complete.
 *
 * <p>Rows are held in memory until the pre-commit and executed there, never while records are being
 * processed. A prepared transaction keeps its row locks until it is committed, and the committer
 * runs in this task's thread: an upsert of a row whose previous upsert is prepared but not yet
 * committed would block the thread that is to commit it, for ever (PostgreSQL's lock_timeout is off
 * by default). So when the pre-commit finds a transaction of this sink from an earlier checkpoint still
 * prepared (the barrier overtook that checkpoint's completion notification, or the notification was lost), it
 * writes nothing now: the rows stay in this writer's state and go into the next checkpoint's
 * transaction. Only at end of input, where there is no next transaction, it writes anyway, with a
 * lock timeout, so that at worst the job fails over and the restore commits the earlier transaction.
 */
@Internal
public final class XaJdbcWriter<IN> implements StatefulSinkWriter<IN, List<IN>>, CommittingSinkWriter<IN, JdbcCommitable> {
    private static final Logger LOG = LoggerFactory.getLogger(XaJdbcWriter.class);

    /** How long the transaction written at end of input waits for a row lock before it fails. */
    static final String END_OF_INPUT_LOCK_TIMEOUT = "60s";

    private final String pipelineId;
    private final String sinkName;
    private final int subtask;
    private final JdbcQueryStatement<IN> statement;
    private final PostgresXaConnection connection;
    private final int batchSize;
    private final TypeSerializer<IN> copier;
    private final Counter deferredRows;

    private final List<IN> rows = new ArrayList<>();
    private long lastSnapshotId;
    private boolean endOfInput;
    private XAConnection xaConnection;

    /**
     * @param copier copies each row as it arrives (with object reuse enabled); null if rows are not reused
     * @param restoredCheckpointId the checkpoint restored from, 0 on a fresh start
     * @param unwritten rows that the restored state holds and no transaction did
     * @param deferredRows counts the rows a pre-commit leaves for the next checkpoint (a row deferred twice, twice)
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
            Counter deferredRows) {
        this.pipelineId = XaTransactionId.checkPipelineId(pipelineId);
        this.sinkName = XaTransactionId.checkSinkName(sinkName);
        this.subtask = subtask;
        this.statement = statement;
        this.connection = connection;
        this.batchSize = batchSize;
        this.copier = copier;
        this.lastSnapshotId = restoredCheckpointId;
        this.deferredRows = deferredRows;
        unwritten.forEach(rows::addAll);
    }

    @Override
    public void write(IN element, Context context) {
        rows.add(copier == null ? element : copier.copy(element));
    }

    @Override
    public void flush(boolean endOfInput) {
        this.endOfInput |= endOfInput;
    }

    @Override
    public Collection<JdbcCommitable> prepareCommit() throws IOException {
        if (rows.isEmpty()) {
            return List.of();
        }
        // The transaction belongs to the checkpoint after the last snapshot: at most that checkpoint's id, and
        // above any checkpoint that completed before it, which is what the janitor needs.
        XaTransactionId xid = new XaTransactionId(pipelineId, sinkName, subtask, lastSnapshotId + 1);
        try {
            Connection db = xaConnection().getConnection();
            // Only earlier checkpoints' transactions can hold this subtask's rows: the other subtasks' transactions of
            // this same checkpoint, prepared a moment before at the same barrier, hold rows of other keys (the input is
            // keyed) and are committed with this one. Waiting for them deferred rows a whole checkpoint interval,
            // whenever another subtask's pre-commit happened to run first.
            List<XaTransactionId> stillPrepared = PreparedTransactions.of(db, pipelineId, sinkName).stream()
                    .filter(prepared -> prepared.checkpointId() < xid.checkpointId())
                    .toList();
            if (!stillPrepared.isEmpty() && !endOfInput) {
                LOG.info("{}: deferred {} row(s) to the next checkpoint: the earlier transaction(s) {} are prepared but not"
                        + " committed yet, and may hold the rows' locks", sinkName, rows.size(), stillPrepared);
                deferredRows.inc(rows.size());
                return List.of();
            }
            writeAndPrepare(xid, db, !stillPrepared.isEmpty());
        } catch (SQLException | XAException e) {
            closeConnection();
            throw new IOException("Could not write " + rows.size() + " row(s) in " + xid, e);
        }
        rows.clear();
        return List.of(JdbcCommitable.of(xid));
    }

    private void writeAndPrepare(XaTransactionId xid, Connection db, boolean lockTimeout) throws SQLException, XAException {
        XAResource resource = xaConnection.getXAResource();
        resource.start(xid, XAResource.TMNOFLAGS);
        try {
            if (lockTimeout) {
                try (Statement timeout = db.createStatement()) {
                    timeout.execute("SET LOCAL lock_timeout = '" + END_OF_INPUT_LOCK_TIMEOUT + "'");
                }
            }
            try (PreparedStatement ps = db.prepareStatement(statement.query())) {
                int batched = 0;
                for (IN row : rows) {
                    statement.statement(ps, row);
                    ps.addBatch();
                    if (++batched == batchSize) {
                        ps.executeBatch();
                        batched = 0;
                    }
                }
                if (batched > 0) {
                    ps.executeBatch();
                }
            }
        } catch (SQLException | RuntimeException e) {
            try {
                resource.end(xid, XAResource.TMFAIL);
                resource.rollback(xid);
            } catch (XAException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
        resource.end(xid, XAResource.TMSUCCESS);
        resource.prepare(xid);
    }

    @Override
    public List<List<IN>> snapshotState(long checkpointId) {
        lastSnapshotId = checkpointId;
        return rows.isEmpty() ? List.of() : List.of(List.copyOf(rows));
    }

    private XAConnection xaConnection() throws SQLException {
        if (xaConnection == null) {
            xaConnection = connection.createXaDataSource().getXAConnection();
        }
        return xaConnection;
    }

    private void closeConnection() {
        if (xaConnection != null) {
            try {
                xaConnection.close(); // a transaction that was not prepared is rolled back with its session
            } catch (SQLException e) {
                LOG.debug("Could not close the connection of sink {}", sinkName, e);
            }
            xaConnection = null;
        }
    }

    @Override
    public void close() {
        closeConnection();
    }
}
