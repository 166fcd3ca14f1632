package io.trendstream.bench;

import io.trendstream.serialization.ConfluentAvro;
import io.trendstream.serialization.ConfluentAvroDeserializationSchema;
import io.trendstream.serialization.DecodingException;
import io.trendstream.serialization.SchemaRegistrySettings;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.util.Map;

/**
 * Kafka Streams serde (read side) for Confluent wire-format Avro: the Flink job's own deserializer
 * ({@link ConfluentAvroDeserializationSchema}), so that the peer decodes, and fails, as the job does.
 */
final class ConfluentAvroSerde<T extends SpecificRecordBase> implements Serde<T>, Deserializer<T> {
    private final ConfluentAvroDeserializationSchema<T> decoder;

    ConfluentAvroSerde(Class<T> type, SchemaRegistrySettings registry) {
        this.decoder = ConfluentAvro.forSpecificDeserialization(type, registry);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        try {
            return decode(data);
        } catch (IOException e) {
            throw new IllegalStateException(e); // only through the Serde interface; the peer calls decode()
        }
    }

    /**
     * One record; a record without value is not wire format. Fails as the job's deserializer does: classify with
     * {@link DecodingException#deadLetterReasonOf}.
     */
    T decode(byte[] data) throws IOException {
        return decoder.deserialize(data == null ? new byte[0] : data);
    }

    @Override
    public Serializer<T> serializer() {
        throw new UnsupportedOperationException("The peer only reads Confluent Avro");
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }
}
