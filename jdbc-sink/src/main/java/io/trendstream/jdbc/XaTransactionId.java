package io.trendstream.jdbc;

import javax.transaction.xa.Xid;

import java.io.Serializable;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The XA transaction id of one transaction of the exactly-once JDBC sink: which pipeline and sink
 * prepared it, in which subtask, for which checkpoint. The pipeline identity is the global
 * transaction id, so two pipelines on one database never share an id and each recognises its own
 * transactions among everything prepared in the database; the sink name tells the sinks of one
 * pipeline apart. Neither depends on Flink's job id, so the ids survive {@code flink run -s} and
 * upgrades.
 *
 * <ul>
 *   <li>format id: {@value #FORMAT_ID} ("TSJX"), so other applications' transactions are never mistaken for ours
 *   <li>global transaction id: the pipeline id in UTF-8 (1 to {@value Xid#MAXGTRIDSIZE} bytes)
 *   <li>branch qualifier: int subtask, long checkpoint id (big-endian), then the sink name in UTF-8
 * </ul>
 */
public final class XaTransactionId implements Xid, Serializable {
    private static final long serialVersionUID = 1L;

    static final int FORMAT_ID = 0x54534A58;
    private static final int BRANCH_HEADER = Integer.BYTES + Long.BYTES;
    static final int MAX_SINK_NAME_BYTES = Xid.MAXBQUALSIZE - BRANCH_HEADER;

    private final String pipelineId;
    private final String sinkName;
    private final int subtask;
    private final long checkpointId;

    public XaTransactionId(String pipelineId, String sinkName, int subtask, long checkpointId) {
        this.pipelineId = checkPipelineId(pipelineId);
        this.sinkName = checkSinkName(sinkName);
        this.subtask = subtask;
        this.checkpointId = checkpointId;
    }

    /** Why a pipeline id cannot name XA transactions, or empty if it can. */
    public static Optional<String> pipelineIdProblem(String pipelineId) {
        if (pipelineId == null || pipelineId.isBlank()) {
            return Optional.of("must not be empty");
        }
        if (!pipelineId.strip().equals(pipelineId) || pipelineId.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("must not start or end with spaces or contain control characters");
        }
        int bytes = pipelineId.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > Xid.MAXGTRIDSIZE) {
            return Optional.of("must be at most " + Xid.MAXGTRIDSIZE + " bytes in UTF-8 (an XA global transaction id), not " + bytes);
        }
        return Optional.empty();
    }

    public static String checkPipelineId(String pipelineId) {
        pipelineIdProblem(pipelineId).ifPresent(problem -> {
            throw new IllegalArgumentException("XA pipeline id '" + pipelineId + "' " + problem);
        });
        return pipelineId;
    }

    public static String checkSinkName(String sinkName) {
        if (sinkName == null || sinkName.isEmpty() || sinkName.getBytes(StandardCharsets.UTF_8).length > MAX_SINK_NAME_BYTES) {
            throw new IllegalArgumentException(
                    "Sink name '" + sinkName + "' must have 1 to " + MAX_SINK_NAME_BYTES + " bytes in UTF-8");
        }
        return sinkName;
    }

    /**
     * Parses PostgreSQL's global id of a prepared transaction ({@code pg_prepared_xacts.gid}), which its
     * JDBC driver writes as {@code formatId_base64(gtrid)_base64(bqual)}; empty for transactions in any
     * other format (other applications, the JDBC connector's own format 202).
     */
    public static Optional<XaTransactionId> fromGid(String gid) {
        String[] parts = gid.split("_", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            return parse(Integer.parseInt(parts[0]), Base64.getDecoder().decode(parts[1]), Base64.getDecoder().decode(parts[2]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Reads any Xid, e.g. one restored from a committable; empty if it is not in this format. */
    public static Optional<XaTransactionId> fromXid(Xid xid) {
        return xid instanceof XaTransactionId ours ? Optional.of(ours)
                : parse(xid.getFormatId(), xid.getGlobalTransactionId(), xid.getBranchQualifier());
    }

    private static Optional<XaTransactionId> parse(int formatId, byte[] globalTransactionId, byte[] branchQualifier) {
        if (formatId != FORMAT_ID) {
            return Optional.empty();
        }
        try {
            ByteBuffer branch = ByteBuffer.wrap(branchQualifier);
            int subtask = branch.getInt();
            long checkpointId = branch.getLong();
            byte[] sinkName = new byte[branch.remaining()];
            branch.get(sinkName);
            return Optional.of(new XaTransactionId(new String(globalTransactionId, StandardCharsets.UTF_8),
                    new String(sinkName, StandardCharsets.UTF_8), subtask, checkpointId));
        } catch (IllegalArgumentException | BufferUnderflowException e) {
            return Optional.empty();
        }
    }

    /** PostgreSQL's global id of this transaction, as its JDBC driver writes it. */
    public String gid() {
        Base64.Encoder base64 = Base64.getEncoder();
        return FORMAT_ID + "_" + base64.encodeToString(getGlobalTransactionId()) + "_" + base64.encodeToString(getBranchQualifier());
    }

    public boolean belongsTo(String pipelineId, String sinkName) {
        return this.pipelineId.equals(pipelineId) && this.sinkName.equals(sinkName);
    }

    public String pipelineId() {
        return pipelineId;
    }

    public String sinkName() {
        return sinkName;
    }

    public int subtask() {
        return subtask;
    }

    /** The checkpoint whose state holds this transaction for commit. */
    public long checkpointId() {
        return checkpointId;
    }

    @Override
    public int getFormatId() {
        return FORMAT_ID;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return pipelineId.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] getBranchQualifier() {
        byte[] name = sinkName.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(BRANCH_HEADER + name.length).putInt(subtask).putLong(checkpointId).put(name).array();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof XaTransactionId other && pipelineId.equals(other.pipelineId) && sinkName.equals(other.sinkName)
                && subtask == other.subtask && checkpointId == other.checkpointId;
    }

    @Override
    public int hashCode() {
        return Objects.hash(pipelineId, sinkName, subtask, checkpointId);
    }

    @Override
    public String toString() {
        return "XA transaction of pipeline '" + pipelineId + "', sink " + sinkName + ", subtask " + subtask
                + ", checkpoint " + checkpointId;
    }
}
