package io.trendstream.bench;

import io.trendstream.records.DeadLetterReason;
import io.trendstream.serialization.ConfluentSchemaCoder;
import io.trendstream.serialization.DecodingException;
import io.trendstream.serialization.SchemaRegistryClient;
import io.trendstream.serialization.SchemaRegistrySettings;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Kafka Streams serde (read side) for Confluent wire-format Avro, on the project's own {@link ConfluentSchemaCoder}
 * and {@link SchemaRegistryClient}, as the Flink job's deserializer uses them. Throws {@link DecodingException}
 * with the job's dead-letter reason, so that the caller can route the record to the DLQ.
 */
final class ConfluentAvroSerde<T extends SpecificRecordBase> implements Serde<T>, Deserializer<T> {
    private final Schema readerSchema;
    private final ConfluentSchemaCoder coder;
    private final Map<Schema, SpecificDatumReader<T>> readers = new HashMap<>();
    private BinaryDecoder decoder;

    ConfluentAvroSerde(Class<T> type, SchemaRegistrySettings registry) {
        this.readerSchema = schemaOf(type);
        this.coder = new ConfluentSchemaCoder(new SchemaRegistryClient(registry), null, false);
    }

    private static Schema schemaOf(Class<?> type) {
        try {
            return (Schema) type.getMethod("getClassSchema").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(type + " is not a generated Avro class", e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        try {
            return decode(data);
        } catch (IOException e) {
            throw new IllegalStateException(e); // only through the Serde interface; the peer calls decode()
        }
    }

    /** One record; the schema client caches schemas by id, readers are cached by writer schema. */
    T decode(byte[] data) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(data == null ? new byte[0] : data);
        Schema writer = coder.readSchema(in);
        SpecificDatumReader<T> reader = readers.computeIfAbsent(writer, w -> new SpecificDatumReader<>(w, readerSchema));
        decoder = DecoderFactory.get().binaryDecoder(in, decoder);
        try {
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
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
