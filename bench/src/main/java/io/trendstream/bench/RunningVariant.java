package io.trendstream.bench;

import java.util.Optional;
import java.util.OptionalLong;

/** A variant under measurement, as the measuring loop sees it. */
interface RunningVariant extends AutoCloseable {

    /** Input records read so far (valid or not, duplicates included); empty while not yet known. */
    OptionalLong recordsRead() throws Exception;

    /** The event time up to which windows may close (the window operator's watermark); empty if unknown. */
    OptionalLong closingWatermark() throws Exception;

    /** Checkpoint (or commit) statistics, where the variant has them. */
    Optional<FlinkRest.CheckpointStats> checkpoints() throws Exception;

    /** The database the variant writes window rows to; empty for the ceiling, which writes nothing. */
    Optional<String> database();

    /** Fails the measurement early when the variant itself failed. */
    void checkAlive() throws Exception;

    @Override
    void close() throws Exception;
}
