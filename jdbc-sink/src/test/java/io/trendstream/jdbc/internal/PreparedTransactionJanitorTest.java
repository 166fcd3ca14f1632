package io.trendstream.jdbc.internal;

import io.trendstream.jdbc.FakeDatabase;
import io.trendstream.jdbc.PostgresXaConnection;
import io.trendstream.jdbc.XaTransactionId;

import org.apache.flink.api.common.JobID;
import org.apache.flink.connector.jdbc.datasource.transactions.xa.domain.TransactionId;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which prepared transactions a starting sink rolls back: only its own pipeline's and its own sink's, never a restored checkpoint's. */
class PreparedTransactionJanitorTest {

    private static final String PIPELINE = "orders-analytics";
    private static final String SINK = "product_window_stats";

    private static String ours(int subtask, long checkpointId) {
        return new XaTransactionId(PIPELINE, SINK, subtask, checkpointId).gid();
    }

    private static List<XaTransactionId> rollBack(FakeDatabase db, OptionalLong restored) throws Exception {
        return new PreparedTransactionJanitor(db.connection("u", "p"), PIPELINE, SINK).rollBackAbandoned(restored);
    }

    private static List<String> gids(List<XaTransactionId> xids) {
        return xids.stream().map(XaTransactionId::gid).toList();
    }

    @Test
    void restoredFromCheckpointNRollsBackOnlyTransactionsPreparedForLaterCheckpoints() throws Exception {
        FakeDatabase db = new FakeDatabase();
        // Checkpoint 5 completed but its commit never happened: the restored state commits it.
        db.preparedGids.addAll(List.of(ours(0, 4), ours(1, 5), ours(0, 6), ours(1, 7)));

        assertThat(gids(rollBack(db, OptionalLong.of(5)))).containsExactly(ours(0, 6), ours(1, 7));
        assertThat(db.preparedGids).containsExactly(ours(0, 4), ours(1, 5));
    }

    @Test
    void aFreshStartRollsBackEveryTransactionOfThePipelinesSink() throws Exception {
        FakeDatabase db = new FakeDatabase();
        db.preparedGids.addAll(List.of(ours(0, 1), ours(3, 12)));

        assertThat(gids(rollBack(db, OptionalLong.empty()))).containsExactly(ours(0, 1), ours(3, 12));
        assertThat(db.preparedGids).isEmpty();
    }

    @Test
    void neverTouchesAnotherPipelinesAnotherSinksOrAnotherApplicationsTransactions() throws Exception {
        FakeDatabase db = new FakeDatabase();
        String otherPipeline = new XaTransactionId("orders-analytics-green", SINK, 0, 9).gid();
        String otherSink = new XaTransactionId(PIPELINE, "late_events", 0, 9).gid();
        TransactionId connectorXid = TransactionId.create(new JobID().getBytes(), 0, 1).withBranch(9);
        String connectorFormat = connectorXid.getFormatId() + "_" + Base64.getEncoder().encodeToString(connectorXid.getGlobalTransactionId())
                + "_" + Base64.getEncoder().encodeToString(connectorXid.getBranchQualifier());
        db.preparedGids.addAll(List.of(otherPipeline, otherSink, connectorFormat, "my-app-tx-17"));

        assertThat(rollBack(db, OptionalLong.empty())).isEmpty();
        assertThat(rollBack(db, OptionalLong.of(3))).isEmpty();
        assertThat(db.preparedGids).containsExactly(otherPipeline, otherSink, connectorFormat, "my-app-tx-17");
    }

    @Test
    void skipsATransactionRolledBackBySomeoneElseFirstAndGoesOn() throws Exception {
        FakeDatabase db = new FakeDatabase();
        db.preparedGids.addAll(List.of(ours(0, 8), ours(1, 8)));
        db.gidsFailingToRollBack.add(ours(0, 8));

        assertThat(gids(rollBack(db, OptionalLong.of(7)))).containsExactly(ours(1, 8));
    }

    @Test
    void anUnreachableDatabaseFailsTheCleanUpNamingTheUrlButNotThePassword() {
        String unreachable = "jdbc:postgresql://127.0.0.1:1/trends"; // nothing listens on port 1
        PostgresXaConnection connection = new PostgresXaConnection(unreachable, "trend-user", "s3cr3t-Pa55");

        assertThatThrownBy(() -> new PreparedTransactionJanitor(connection, "trendstream", "late_events")
                        .rollBackAbandoned(OptionalLong.of(3)))
                .isInstanceOf(IOException.class)
                .hasMessage("Could not clean up prepared transactions in " + unreachable
                        + ": check that the database is reachable and the user may read pg_prepared_xacts")
                .message().doesNotContain("s3cr3t");
    }

    @Test
    void touchesNothingWhenNoTransactionIsPrepared() throws Exception {
        FakeDatabase db = new FakeDatabase();

        assertThat(rollBack(db, OptionalLong.of(1))).isEmpty();
        assertThat(db.executed).containsExactly("SELECT gid FROM pg_prepared_xacts WHERE database = current_database()");
    }
}
