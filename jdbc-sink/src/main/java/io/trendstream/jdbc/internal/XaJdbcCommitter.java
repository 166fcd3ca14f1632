package io.trendstream.jdbc.internal;

import io.trendstream.jdbc.PostgresXaConnection;
import io.trendstream.jdbc.XaTransactionId;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Collection;
import java.util.function.LongConsumer;

/**
 * Commits the transactions of completed checkpoints by their ids, on a connection of its own:
 * PostgreSQL commits a prepared transaction from any session. Flink hands it the transactions of a
 * checkpoint once the checkpoint is complete, and again after a restore from that checkpoint if the
 * commit did not happen before (a lost notification, a failure in between): so a transaction that is
 * no longer prepared was committed by an earlier attempt. The janitor never rolls back a transaction
 * of a checkpoint that a restored state holds, and other pipelines' janitors never touch ours.
 */
@Internal
public final class XaJdbcCommitter implements Committer<JdbcCommitable> {
    private static final Logger LOG = LoggerFactory.getLogger(XaJdbcCommitter.class);

    private final PostgresXaConnection connection;
    private final LongConsumer commitMillis;
    private XAConnection xaConnection;

    public XaJdbcCommitter(PostgresXaConnection connection, LongConsumer commitMillis) {
        this.connection = connection;
        this.commitMillis = commitMillis;
    }

    @Override
    public void commit(Collection<CommitRequest<JdbcCommitable>> requests) throws IOException {
        long start = System.nanoTime();
        for (CommitRequest<JdbcCommitable> request : requests) {
            Xid xid = request.getCommittable().getXid();
            try {
                resource().commit(xid, false);
            } catch (XAException e) {
                if (e.errorCode == XAException.XAER_NOTA) {
                    LOG.info("{} is not prepared (any more): committed by an earlier attempt", describe(xid));
                    request.signalAlreadyCommitted();
                } else if (e.errorCode == XAException.XAER_RMFAIL || e.errorCode == XAException.XAER_RMERR) {
                    LOG.warn("Could not commit {}, will retry: {}", describe(xid), e.getMessage());
                    closeConnection();
                    request.retryLater();
                } else {
                    throw new IOException("Could not commit " + describe(xid) + " (XA error " + e.errorCode + ")", e);
                }
            } catch (SQLException e) {
                LOG.warn("Could not connect to commit {}, will retry: {}", describe(xid), e.getMessage());
                closeConnection();
                request.retryLater();
            }
        }
        if (!requests.isEmpty()) {
            commitMillis.accept((System.nanoTime() - start) / 1_000_000);
        }
    }

    private static String describe(Xid xid) {
        return XaTransactionId.fromXid(xid).map(Object::toString)
                .orElse("XA transaction of format " + xid.getFormatId() + " (not this sink's)");
    }

    private XAResource resource() throws SQLException {
        if (xaConnection == null) {
            xaConnection = connection.createXaDataSource().getXAConnection();
        }
        return xaConnection.getXAResource();
    }

    private void closeConnection() {
        if (xaConnection != null) {
            try {
                xaConnection.close();
            } catch (SQLException e) {
                LOG.debug("Could not close the committer's connection", e);
            }
            xaConnection = null;
        }
    }

    @Override
    public void close() {
        closeConnection();
    }
}
