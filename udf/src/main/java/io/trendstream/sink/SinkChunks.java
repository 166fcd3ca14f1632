package io.trendstream.sink;

import io.trendstream.jdbc.HypertableChunks;

import org.apache.flink.util.function.SerializableFunction;

/**
 * How the job's XA sinks prepare the chunks of its hypertables (sql/002) outside their transactions: compressed chunks
 * are decompressed by sql/008's {@value #DECOMPRESS_FUNCTION}, which the job's role may call as a member of
 * {@value #WRITER_ROLE} without owning the tables.
 */
public final class SinkChunks {

    /** sql/008: decompresses a chunk of the job's hypertables as their owner. */
    public static final String DECOMPRESS_FUNCTION = "decompress_chunk_for_write";
    /** sql/008: the role that may call {@link #DECOMPRESS_FUNCTION}. */
    public static final String WRITER_ROLE = "trendstream_writer";

    private SinkChunks() {}

    /**
     * @param table one of the job's hypertables
     * @param timeMillis a row's value of the table's time column, epoch milliseconds
     */
    public static <T> HypertableChunks<T> of(String table, SerializableFunction<T, Long> timeMillis) {
        return HypertableChunks.of(table, timeMillis).decompressingWith(DECOMPRESS_FUNCTION);
    }
}
