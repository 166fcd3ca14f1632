package io.trendstream.sink;

import org.apache.flink.api.common.JobID;
import org.apache.flink.connector.jdbc.datasource.transactions.xa.domain.TransactionId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the checkpoint id from PostgreSQL's global id of a prepared transaction of the Flink JDBC
 * connector: {@code formatId_base64(gtrid)_base64(bqual)}, with format id 202 and
 * bqual = int numberOfSubtasks + long checkpointId, big-endian.
 */
class PreparedTransactionJanitorTest {

    private static final Base64.Encoder BASE64 = Base64.getEncoder();
    private static final byte[] GTRID = ByteBuffer.allocate(20).put(new JobID().getBytes()).putInt(3).array();

    /** The gid PostgreSQL's JDBC driver gives an Xid. */
    private static String gid(int formatId, byte[] gtrid, byte[] bqual) {
        return formatId + "_" + BASE64.encodeToString(gtrid) + "_" + BASE64.encodeToString(bqual);
    }

    private static byte[] bqual(int subtasks, long checkpointId) {
        return ByteBuffer.allocate(Integer.BYTES + Long.BYTES).putInt(subtasks).putLong(checkpointId).array();
    }

    // ------------------------------------------------------------------ rolling back

    private static String connectorGid(int subtask, long checkpointId) {
        TransactionId xid = TransactionId.create(JOB, subtask, 2).withBranch(checkpointId);
        return gid(xid.getFormatId(), xid.getGlobalTransactionId(), xid.getBranchQualifier());
    }

    private static final byte[] JOB = new JobID().getBytes();

    @Test
    void restoredFromCheckpointNRollsBackTheConnectorsTransactionsStartedAtOrAfterN() throws Exception {
        FakeDatabase db = new FakeDatabase();
        String committedByRestoredState = connectorGid(0, 4); // prepared for checkpoint 5, which the state commits
        String abandoned5 = connectorGid(0, 5);
        String abandoned6 = connectorGid(1, 6);
        String otherApplication = gid(1, GTRID, bqual(1, 9));
        db.preparedGids.addAll(List.of(committedByRestoredState, abandoned5, otherApplication, abandoned6));

        List<String> rolledBack = new PreparedTransactionJanitor(db.connection("u", "p")).rollBackAbandoned(OptionalLong.of(5));

        assertThat(rolledBack).containsExactly(abandoned5, abandoned6);
        assertThat(db.preparedGids).containsExactly(committedByRestoredState, otherApplication);
    }

    @Test
    void withoutRestoredCheckpointRollsBackEveryConnectorTransaction() throws Exception {
        FakeDatabase db = new FakeDatabase();
        String otherApplication = "my-app-tx-17";
        db.preparedGids.addAll(List.of(connectorGid(0, 0), otherApplication, connectorGid(1, 12)));

        List<String> rolledBack = new PreparedTransactionJanitor(db.connection("u", "p")).rollBackAbandoned(OptionalLong.empty());

        assertThat(rolledBack).containsExactly(connectorGid(0, 0), connectorGid(1, 12));
        assertThat(db.preparedGids).containsExactly(otherApplication);
    }

    @Test
    void skipsATransactionAnotherSubtaskRolledBackFirstAndGoesOn() throws Exception {
        FakeDatabase db = new FakeDatabase();
        db.preparedGids.addAll(List.of(connectorGid(0, 7), connectorGid(1, 7)));
        db.gidsFailingToRollBack.add(connectorGid(0, 7));

        List<String> rolledBack = new PreparedTransactionJanitor(db.connection("u", "p")).rollBackAbandoned(OptionalLong.of(7));

        assertThat(rolledBack).containsExactly(connectorGid(1, 7));
    }

    @Test
    void touchesNothingWhenNoTransactionIsPrepared() throws Exception {
        FakeDatabase db = new FakeDatabase();

        assertThat(new PreparedTransactionJanitor(db.connection("u", "p")).rollBackAbandoned(OptionalLong.of(1))).isEmpty();
        assertThat(db.executed).containsExactly("SELECT gid FROM pg_prepared_xacts WHERE database = current_database()");
    }

    // ------------------------------------------------------------------ reading global ids

    @ParameterizedTest
    @ValueSource(longs = {0L, 1L, 42L, 1L << 40, Long.MAX_VALUE})
    void readsTheCheckpointIdOfAFlinkBranch(long checkpointId) {
        String gid = gid(202, GTRID, bqual(4, checkpointId));

        assertThat(PreparedTransactionJanitor.flinkBranchCheckpoint(gid)).isEqualTo(OptionalLong.of(checkpointId));
    }

    @Test
    void readsTheCheckpointIdOfTheConnectorsOwnTransactionIds() {
        TransactionId xid = TransactionId.create(new JobID().getBytes(), 2, 8).withBranch(1234L);
        String gid = gid(xid.getFormatId(), xid.getGlobalTransactionId(), xid.getBranchQualifier());

        assertThat(PreparedTransactionJanitor.flinkBranchCheckpoint(gid)).isEqualTo(OptionalLong.of(1234L));
    }

    @Test
    void ignoresBytesAfterTheCheckpointId() {
        byte[] longer = ByteBuffer.allocate(13).putInt(1).putLong(9L).put((byte) 0).array();

        assertThat(PreparedTransactionJanitor.flinkBranchCheckpoint(gid(202, GTRID, longer))).isEqualTo(OptionalLong.of(9L));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 201, 203, -1, 4660})
    void ignoresTransactionsOfOtherFormats(int formatId) {
        assertThat(PreparedTransactionJanitor.flinkBranchCheckpoint(gid(formatId, GTRID, bqual(4, 42))))
                .isEmpty();
    }

    @Test
    void ignoresABranchTooShortForACheckpointId() {
        byte[] shortBranch = ByteBuffer.allocate(11).putInt(4).array();

        assertThat(PreparedTransactionJanitor.flinkBranchCheckpoint(gid(202, GTRID, shortBranch))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "_",
            "__",
            "not a gid",
            "202",
            "202_",
            "202_AAAA",
            "202_AAAA_",
            "abc_AAAA_AAAAAAAAAAAAAAAA",
            "202_AAAA_!!not-base64!!",
            "202_AAAA_AAAAAAAAAAAAAAAA_extra",
            "99999999999_AAAA_AAAAAAAAAAAAAAAA",
            "my-application-transaction"})
    void ignoresMalformedGlobalIds(String gid) {
        assertThat(PreparedTransactionJanitor.flinkBranchCheckpoint(gid)).isEmpty();
    }
}
