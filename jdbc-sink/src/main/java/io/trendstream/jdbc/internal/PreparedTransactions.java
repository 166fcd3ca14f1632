package io.trendstream.jdbc.internal;

import io.trendstream.jdbc.XaTransactionId;

import org.apache.flink.annotation.Internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The transactions of one sink of one pipeline that are prepared in the database, neither committed nor rolled back. */
@Internal
public final class PreparedTransactions {

    private PreparedTransactions() {}

    public static List<XaTransactionId> of(Connection db, String pipelineId, String sinkName) throws SQLException {
        List<XaTransactionId> prepared = new ArrayList<>();
        try (Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("SELECT gid FROM pg_prepared_xacts WHERE database = current_database()")) {
            while (rs.next()) {
                XaTransactionId.fromGid(rs.getString(1))
                        .filter(xid -> xid.belongsTo(pipelineId, sinkName))
                        .ifPresent(prepared::add);
            }
        }
        return prepared;
    }
}
