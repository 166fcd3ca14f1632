package io.trendstream.serialization;

import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.formats.avro.RegistryAvroSerializationSchema;

/**
 * Flink (de)serialization schemas for Avro specific records in Confluent's wire format, backed by a
 * Confluent-compatible schema registry.
 *
 * <pre>{@code
 * KafkaSource.<OrderEvent>builder()
 *         .setValueOnlyDeserializer(ConfluentAvro.forSpecificDeserialization(OrderEvent.class, settings))
 * }</pre>
 *
 * Decoding failures surface as {@link DecodingException} (dead-letter them by {@link DecodingException#reason()});
 * any other {@link java.io.IOException} means the registry is unavailable.
 */
public final class ConfluentAvro {

    private ConfluentAvro() {
    }

    /** Reads records written with any registered schema that resolves to {@code type}'s schema. */
    public static <T extends SpecificRecord> ConfluentAvroDeserializationSchema<T> forSpecificDeserialization(
            Class<T> type, SchemaRegistrySettings settings) {
        return new ConfluentAvroDeserializationSchema<>(type,
                ConfluentSchemaCoderProvider.forReading(settings, SpecificData.get().getSchema(type)));
    }

    /** Writes records with {@code type}'s schema, registering it under {@code subject} when needed. */
    public static <T extends SpecificRecord> RegistryAvroSerializationSchema<T> forSpecificSerialization(
            Class<T> type, String subject, SchemaRegistrySettings settings) {
        return forSpecificSerialization(type, subject, settings, true);
    }

    /**
     * Writes records with {@code type}'s schema under {@code subject}.
     *
     * @param autoRegister false to require the schema to be registered beforehand (e.g. by a deployment step)
     */
    public static <T extends SpecificRecord> RegistryAvroSerializationSchema<T> forSpecificSerialization(
            Class<T> type, String subject, SchemaRegistrySettings settings, boolean autoRegister) {
        return RegistryAvroSerializationSchema.forSpecific(
                type, ConfluentSchemaCoderProvider.forWriting(subject, settings, autoRegister));
    }

    /** Confluent's TopicNameStrategy for record values: {@code <topic>-value}. */
    public static String topicValueSubject(String topic) {
        return topic + "-value";
    }
}
