package io.trendstream.generator;

/**
 * Where generated records go. The generator calls {@link #commit()} at its commit points; records sent since the
 * previous commit become visible together (for Kafka: one transaction).
 */
public interface RecordSink extends AutoCloseable {

    /** Sends one record. Neither array is changed afterwards by the caller, so a sink may keep them. */
    void send(String topic, byte[] key, byte[] value);

    /** Makes everything sent so far durable and visible; throws if any of it could not be written. */
    void commit();

    /** Releases resources; records sent after the last {@link #commit()} are discarded. */
    @Override
    void close();
}
