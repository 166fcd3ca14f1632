package io.trendstream.bench;

import java.util.Optional;
import java.util.OptionalLong;

/** A variant under measurement, as the measuring loop sees it. */
interface RunningVariant extends AutoCloseable {

    /** Input records read so far (valid or not, duplicates included); empty while not yet known. */
    OptionalLong recordsRead() throws Exception;

    /**
     * Records read whose processing has reached the window stage, for a time-boxed run's throughput: the same as
     * {@link #recordsRead()} where the window stage back-pressures the reading (Flink).
     */
    default OptionalLong recordsProcessed() throws Exception {
        return recordsRead();
    }

    /**
     * Asked once every record is read: whether all of the input has also reached the window stage. Flink's windows
     * back-pressure its sources, so for Flink this is always true; Kafka Streams' repartition topic decouples its
     * window stage from its input, which can lag far behind the reading. The measurement's "all read" waits for this,
     * so that events/s covers the whole topology.
     */
    default boolean drained() throws Exception {
        return true;
    }

    /**
     * Called on every poll while the measurement waits for the rows of windows that the complete input has closed.
     * Flink's watermarks close them without more input; Kafka Streams emits closed windows only while it processes
     * records, so its peer needs a record that changes nothing.
     */
    default void awaitingFinalRows(Dataset dataset) throws Exception {}

    /** The event time up to which windows may close (the window operator's watermark); empty if unknown. */
    OptionalLong closingWatermark() throws Exception;

    /** Checkpoint (or commit) statistics, where the variant has them. */
    Optional<FlinkRest.CheckpointStats> checkpoints() throws Exception;

    /** The database the variant writes window rows to; empty for the ceiling, which writes nothing. */
    Optional<String> database();

    /** Diagnostics for the report (appended to the verification), read before the variant is closed. */
    default Optional<String> notes() {
        return Optional.empty();
    }

    /** Fails the measurement early when the variant itself failed. */
    void checkAlive() throws Exception;

    @Override
    void close() throws Exception;
}
