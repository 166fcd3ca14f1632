package io.trendstream.jdbc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.transaction.xa.Xid;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sink's XA transaction ids, and how they are read back from PostgreSQL's global ids. */
class XaTransactionIdTest {

    /** The gid PostgreSQL's JDBC driver gives an Xid: formatId_base64(gtrid)_base64(bqual). */
    private static String gid(int formatId, byte[] gtrid, byte[] bqual) {
        return formatId + "_" + Base64.getEncoder().encodeToString(gtrid) + "_" + Base64.getEncoder().encodeToString(bqual);
    }

    @ParameterizedTest
    @ValueSource(longs = {0L, 1L, 42L, 1L << 40, Long.MAX_VALUE})
    void readsBackWhatItWrites(long checkpointId) {
        XaTransactionId xid = new XaTransactionId("trendstream-blue", "product_window_stats", 3, checkpointId);

        assertThat(xid.gid()).isEqualTo(gid(xid.getFormatId(), xid.getGlobalTransactionId(), xid.getBranchQualifier()));
        assertThat(XaTransactionId.fromGid(xid.gid())).contains(xid);
        Xid restored = new Xid() { // as a committable restores it: another Xid class with the same contents
            public int getFormatId() {
                return xid.getFormatId();
            }

            public byte[] getGlobalTransactionId() {
                return xid.getGlobalTransactionId();
            }

            public byte[] getBranchQualifier() {
                return xid.getBranchQualifier();
            }
        };
        assertThat(XaTransactionId.fromXid(restored)).contains(xid);
    }

    @Test
    void thePipelineIsTheGlobalIdAndTheSinkPartOfTheBranch() {
        XaTransactionId xid = new XaTransactionId("prod", "late_events", 1, 7);

        assertThat(xid.belongsTo("prod", "late_events")).isTrue();
        assertThat(xid.belongsTo("staging", "late_events")).isFalse();
        assertThat(xid.belongsTo("prod", "trend_alerts")).isFalse();
        assertThat(xid).isNotEqualTo(new XaTransactionId("prod", "late_events", 2, 7))
                .isNotEqualTo(new XaTransactionId("prod", "late_events", 1, 8));
    }

    @Test
    void pipelineIdsFitAnXaGlobalTransactionId() {
        assertThat(XaTransactionId.pipelineIdProblem("trendstream")).isEmpty();
        assertThat(XaTransactionId.pipelineIdProblem("x".repeat(64))).isEmpty();
        assertThat(XaTransactionId.pipelineIdProblem("é".repeat(32))).isEmpty();
        assertThat(XaTransactionId.pipelineIdProblem("x".repeat(65)))
                .contains("must be at most 64 bytes in UTF-8 (an XA global transaction id), not 65");
        assertThat(XaTransactionId.pipelineIdProblem("é".repeat(33))).isPresent();
        assertThat(XaTransactionId.pipelineIdProblem("")).contains("must not be empty");
        assertThat(XaTransactionId.pipelineIdProblem("  ")).contains("must not be empty");
        assertThat(XaTransactionId.pipelineIdProblem(null)).contains("must not be empty");
        assertThat(XaTransactionId.pipelineIdProblem(" blue")).isPresent();
        assertThat(XaTransactionId.pipelineIdProblem("blue\n")).isPresent();
        assertThatThrownBy(() -> new XaTransactionId("", "late_events", 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new XaTransactionId("p", "s".repeat(53), 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new XaTransactionId("x".repeat(64), "s".repeat(52), 0, 1).gid()).hasSizeLessThan(200); // PostgreSQL's gid limit
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 202, -1, 4660})
    void ignoresTransactionsOfOtherFormats(int formatId) {
        byte[] bqual = ByteBuffer.allocate(20).putInt(0).putLong(4).put("sink".getBytes()).array();
        assertThat(XaTransactionId.fromGid(gid(formatId, "p".getBytes(), bqual))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "_",
            "__",
            "not a gid",
            "1414744664",
            "1414744664_",
            "1414744664_cA==",
            "1414744664_cA==_",
            "1414744664_cA==_AAAAAAAAAAAAAAAA", // no sink name
            "1414744664__AAAAAAAAAAAAAAAAcw==", // no pipeline id
            "1414744664_cA==_!!not-base64!!",
            "1414744664_cA==_AAAAAAAAAAAAAAAAcw==_extra",
            "99999999999_cA==_AAAAAAAAAAAAAAAAcw==",
            "my-application-transaction"})
    void ignoresMalformedGlobalIds(String gid) {
        assertThat(XaTransactionId.fromGid(gid)).isEqualTo(Optional.empty());
    }
}
