package io.trendstream.bench;

import io.trendstream.records.DeadLetterReason;
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
 * ({@link ConfluentAvroDeserializationSchema}), so that the peer decodes as the job does. Throws {@link DecodingException}
 * with the job's dead-letter reason, so that the caller can route the record to the DLQ, and a plain
 * {@link IOException} when the registry cannot be asked.
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

    /** One record: a record without value is not wire format; a body Avro cannot read is undecodable. */
    T decode(byte[] data) throws IOException {
        try {
            return decoder.deserialize(data == null ? new byte[0] : data);
        } catch (DecodingException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (DecodingException.deadLetterReasonOf(e).isEmpty()) {
                throw e; // the registry, not the record
            }
            throw new DecodingException(DeadLetterReason.UNDECODABLE, "Undecodable Avro body: " + e.getMessage(), e);
        }
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
