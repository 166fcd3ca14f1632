package io.trendstream.jdbc.internal;

import io.trendstream.jdbc.PostgresXaConnection;
import io.trendstream.jdbc.XaTransactionId;

import org.apache.flink.annotation.Internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Rolls back the XA transactions that an earlier run of one sink of this pipeline prepared for a
 * checkpoint that the restored state does not contain. Their records are replayed from the restored
 * checkpoint, so their only effect would be locks held forever and a blocked VACUUM.
 *
 * <p>Restored from checkpoint N, the transactions prepared for checkpoints up to N are in N's state
 * and are committed by the sink's committer, even when the commit notification was lost: those are
 * never touched. Transactions prepared for a later checkpoint are abandoned. Without a restored
 * checkpoint (a fresh start), every prepared transaction of the sink is abandoned. Other pipelines'
 * transactions, other sinks' and other applications' are never touched: they are told apart by the
 * pipeline id and sink name in their ids ({@link XaTransactionId}).
 */
@Internal
public final class PreparedTransactionJanitor {
    private static final Logger LOG = LoggerFactory.getLogger(PreparedTransactionJanitor.class);

    private final PostgresXaConnection connection;
    private final String pipelineId;
    private final String sinkName;

    public PreparedTransactionJanitor(PostgresXaConnection connection, String pipelineId, String sinkName) {
        this.connection = connection;
        this.pipelineId = XaTransactionId.checkPipelineId(pipelineId);
        this.sinkName = XaTransactionId.checkSinkName(sinkName);
    }

    /** @return the transactions rolled back */
    public List<XaTransactionId> rollBackAbandoned(OptionalLong restoredCheckpointId) throws IOException {
        List<XaTransactionId> rolledBack = new ArrayList<>();
        try (Connection db = connection.open(); Statement statement = db.createStatement()) {
            for (XaTransactionId xid : PreparedTransactions.of(db, pipelineId, sinkName)) {
                if (restoredCheckpointId.isEmpty() || xid.checkpointId() > restoredCheckpointId.getAsLong()) {
                    try {
                        statement.execute("ROLLBACK PREPARED '" + xid.gid() + "'");
                        rolledBack.add(xid);
                    } catch (SQLException e) {
                        // Rolled back by someone else in the meantime; nothing is left to do.
                        LOG.debug("Could not roll back {}: {}", xid, e.getMessage());
                    }
                }
            }
        } catch (SQLException e) {
            throw new IOException("Could not clean up prepared transactions in " + connection.url()
                    + ": check that the database is reachable and the user may read pg_prepared_xacts", e);
        }
        if (!rolledBack.isEmpty()) {
            LOG.warn("Rolled back {} prepared transaction(s) of pipeline '{}', sink {} abandoned by an earlier run"
                    + " (restored checkpoint: {}): {}", rolledBack.size(), pipelineId, sinkName, restoredCheckpointId, rolledBack);
        }
        return rolledBack;
    }
}
