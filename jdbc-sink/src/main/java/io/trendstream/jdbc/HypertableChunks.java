package io.trendstream.jdbc;

import org.apache.flink.util.function.SerializableFunction;

import java.io.Serializable;
import java.util.Objects;

/**
 * The TimescaleDB hypertable a sink writes, and where each row falls on its time dimension: with it, the sink prepares
 * the chunks its rows go into outside its XA transactions.
 *
 * <p>Why: TimescaleDB serialises chunk creation with a lock on the hypertable that the creating transaction holds
 * until it ends, and a prepared transaction ends only when it is committed. A chunk created inside the sink's
 * transaction would keep every other transaction that needs a new chunk of the table waiting until the checkpoint's
 * commit, while that commit waits for the other subtasks' pre-commits: when two subtasks write the first rows of a
 * new day into one checkpoint, the checkpoint never completes. A row written into a compressed chunk does the same
 * with the chunk's catalog entry (marked partially compressed). So before rows go into a transaction, the chunks they
 * need are created, and the compressed ones decompressed, each in a short transaction of its own
 * ({@code internal.ChunkPreparer}).
 *
 * <p>On plain PostgreSQL, or where the table is not a hypertable, this does nothing.
 *
 * @param <IN> the sink's rows
 */
public final class HypertableChunks<IN> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** TimescaleDB's own: it needs the hypertable's owner. */
    public static final String DEFAULT_DECOMPRESS_FUNCTION = "decompress_chunk";

    private final String table;
    private final SerializableFunction<IN, Long> partitionValue;
    private final String decompressFunction;

    private HypertableChunks(String table, SerializableFunction<IN, Long> partitionValue, String decompressFunction) {
        this.table = Objects.requireNonNull(table, "table");
        this.partitionValue = Objects.requireNonNull(partitionValue, "partitionValue");
        if (!decompressFunction.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
            throw new IllegalArgumentException("Not a function name: " + decompressFunction);
        }
        this.decompressFunction = decompressFunction;
    }

    /**
     * @param table the hypertable the sink's statement writes, as the statement names it
     * @param partitionValue a row's value of the hypertable's time dimension: epoch milliseconds for a time column
     *     ({@code timestamptz}, {@code timestamp}, {@code date}), the value itself for an integer column
     */
    public static <IN> HypertableChunks<IN> of(String table, SerializableFunction<IN, Long> partitionValue) {
        return new HypertableChunks<>(table, partitionValue, DEFAULT_DECOMPRESS_FUNCTION);
    }

    /**
     * These chunks, decompressed by {@code function(chunk regclass)} instead of TimescaleDB's {@code decompress_chunk},
     * which needs the hypertable's owner: e.g. a {@code SECURITY DEFINER} function of the owner's that the sink's
     * role may execute.
     */
    public HypertableChunks<IN> decompressingWith(String function) {
        return new HypertableChunks<>(table, partitionValue, function);
    }

    public String table() {
        return table;
    }

    public long partitionValue(IN row) {
        return partitionValue.apply(row);
    }

    public String decompressFunction() {
        return decompressFunction;
    }

    @Override
    public String toString() {
        return "HypertableChunks{" + table + ", decompressed by " + decompressFunction + "}";
    }
}
