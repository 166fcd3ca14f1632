package io.trendstream.functions;

import io.trendstream.events.DeadLetter;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.records.Ingested;
import io.trendstream.serialization.DecodingException;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Decodes and validates one Kafka record. A record that cannot be decoded, or that breaks the
 * event's rules, becomes a dead letter that keeps the raw key and value, the reason, and where it
 * was read from; it never fails the job. A schema registry that cannot be reached is not the
 * record's fault: that error propagates, so the job restarts instead of dead-lettering everything.
 */
public final class IngestingDeserializer<T> implements KafkaRecordDeserializationSchema<Ingested<T>> {
    private static final long serialVersionUID = 1L;

    private final DeserializationSchema<T> decoder;
    private final EventRules<T> rules;
    private final TypeInformation<Ingested<T>> producedType;
    private final Clock clock;

    public IngestingDeserializer(
            DeserializationSchema<T> decoder, EventRules<T> rules, TypeInformation<Ingested<T>> producedType, Clock clock) {
        this.decoder = decoder;
        this.rules = rules;
        this.producedType = producedType;
        this.clock = clock;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        decoder.open(context);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested<T>> out) throws IOException {
        out.collect(ingest(record));
    }

    Ingested<T> ingest(ConsumerRecord<byte[], byte[]> record) throws IOException {
        byte[] value = record.value();
        if (value == null || value.length == 0) {
            return deadLetter(record, DeadLetterReason.EMPTY_RECORD, "record has no value");
        }
        T event;
        try {
            event = decoder.deserialize(value);
        } catch (IOException | RuntimeException e) {
            // Empty: the registry failed (unreachable, refusing access); the record is not at fault.
            Optional<DeadLetterReason> reason = DecodingException.deadLetterReasonOf(e);
            if (reason.isEmpty()) {
                throw e;
            }
            return deadLetter(record, reason.get(), describe(e));
        }
        if (event == null) {
            return deadLetter(record, DeadLetterReason.UNDECODABLE, "record decoded to nothing");
        }
        Rejection rejection = rules.validate(event, clock.millis());
        if (rejection != null) {
            return deadLetter(record, rejection.reason(), rejection.detail());
        }
        return Ingested.of(event, rules.eventTime(event));
    }

    private static String describe(Throwable failure) {
        return failure instanceof DecodingException || failure.getMessage() == null
                ? String.valueOf(failure.getMessage()) : failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    private Ingested<T> deadLetter(ConsumerRecord<byte[], byte[]> record, DeadLetterReason reason, String detail) {
        return Ingested.failed(DeadLetter.newBuilder()
                .setReason(reason.name())
                .setDetail(detail == null ? reason.name() : detail)
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setSourceTimestamp(Instant.ofEpochMilli(Math.max(0L, record.timestamp())))
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setPayload(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .build());
    }

    @Override
    public TypeInformation<Ingested<T>> getProducedType() {
        return producedType;
    }
}
