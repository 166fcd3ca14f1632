package io.trendstream.sink;

import org.apache.flink.api.common.JobID;
import org.apache.flink.connector.jdbc.datasource.transactions.xa.domain.TransactionId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.Base64;
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
