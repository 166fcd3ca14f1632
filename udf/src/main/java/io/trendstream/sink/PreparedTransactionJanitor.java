package io.trendstream.sink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;

/**
 * Rolls back the XA transactions that a previous run of the JDBC sink prepared for a checkpoint
 * that never completed. Their records are replayed from the restored checkpoint, so their only
 * effect would be locks held forever and a blocked VACUUM.
 *
 * <p>The connector names a transaction's branch after the checkpoint it was started after. Restored
 * from checkpoint N, the transactions that N's state commits have branches below N; every prepared
 * transaction of the connector with a branch of N or more belongs to work after N and is abandoned.
 * Without a restored checkpoint, every such prepared transaction is abandoned. Only transactions of
 * the Flink JDBC connector's XA format in this database are touched; one pipeline per database is
 * assumed.
 */
public final class PreparedTransactionJanitor {
    private static final Logger LOG = LoggerFactory.getLogger(PreparedTransactionJanitor.class);

    /** The format id of the Flink JDBC connector's transaction ids. */
    static final int FLINK_JDBC_FORMAT_ID = 202;

    private final PostgresXaConnection connection;

    public PreparedTransactionJanitor(PostgresXaConnection connection) {
        this.connection = connection;
    }

    /** @return the global ids of the transactions rolled back */
    public List<String> rollBackAbandoned(OptionalLong restoredCheckpointId) throws IOException {
        List<String> rolledBack = new ArrayList<>();
        try (Connection db = connection.open(); Statement statement = db.createStatement()) {
            List<String> candidates = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery(
                    "SELECT gid FROM pg_prepared_xacts WHERE database = current_database()")) {
                while (rs.next()) {
                    candidates.add(rs.getString(1));
                }
            }
            for (String gid : candidates) {
                OptionalLong branch = flinkBranchCheckpoint(gid);
                if (branch.isPresent()
                        && (restoredCheckpointId.isEmpty() || branch.getAsLong() >= restoredCheckpointId.getAsLong())) {
                    try {
                        statement.execute("ROLLBACK PREPARED '" + gid.replace("'", "''") + "'");
                        rolledBack.add(gid);
                    } catch (SQLException e) {
                        // Another subtask or sink may have rolled it back first.
                        LOG.debug("Could not roll back prepared transaction {}: {}", gid, e.getMessage());
                    }
                }
            }
        } catch (SQLException e) {
            throw new IOException("Could not clean up prepared transactions in " + connection.url()
                    + ": check that the database is reachable and the user may read pg_prepared_xacts", e);
        }
        if (!rolledBack.isEmpty()) {
            LOG.warn("Rolled back {} prepared transaction(s) abandoned by an earlier run (restored checkpoint: {})",
                    rolledBack.size(), restoredCheckpointId);
        }
        return rolledBack;
    }

    /**
     * The checkpoint id in a Flink JDBC connector transaction's branch qualifier, from PostgreSQL's
     * global id {@code formatId_base64(gtrid)_base64(bqual)}; empty for any other transaction.
     */
    public static OptionalLong flinkBranchCheckpoint(String gid) {
        String[] parts = gid.split("_");
        if (parts.length != 3) {
            return OptionalLong.empty();
        }
        try {
            if (Integer.parseInt(parts[0]) != FLINK_JDBC_FORMAT_ID) {
                return OptionalLong.empty();
            }
            byte[] branch = Base64.getDecoder().decode(parts[2]);
            if (branch.length < Integer.BYTES + Long.BYTES) {
                return OptionalLong.empty();
            }
            ByteBuffer buffer = ByteBuffer.wrap(branch);
            buffer.getInt(); // number of subtasks
            return OptionalLong.of(buffer.getLong());
        } catch (IllegalArgumentException e) {
            return OptionalLong.empty();
        }
    }
}
