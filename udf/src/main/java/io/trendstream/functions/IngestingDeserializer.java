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
 * was read from; it never fails the job. A schema registry that cannot be reached or refuses access
 * is not the record's fault: that error propagates, so the job restarts instead of dead-lettering
 * everything.
 */
public final class IngestingDeserializer<T> implements KafkaRecordDeserializationSchema<Ingested<T>> {
    private static final long serialVersionUID = 1L;

    /**
     * Longest detail of a dead letter, in chars. Details quote at most a short excerpt of a field, but a decoder's
     * exception message is not ours to bound.
     */
    static final int MAX_DETAIL_LENGTH = 1_000;

    private final DeserializationSchema<T> decoder;
    private final EventRules<T> rules;
    private final TypeInformation<Ingested<T>> producedType;
    private final Clock clock;

    /**
     * @param decoder decodes a record's value; it must carry nothing of one record into the next, so that a record
     *     that fails half-way spoils none after it ({@link io.trendstream.serialization.ConfluentAvroDeserializationSchema}
     *     decodes each record from its own bytes). It is kept after a failure: a fresh one would need a registry
     *     client of its own, and a registry request, per dead letter.
     */
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
            Optional<DeadLetterReason> reason = DecodingException.deadLetterReasonOf(e);
            if (reason.isEmpty()) {
                throw e; // the registry failed, not the record: restart rather than dead-letter everything
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
        if (failure instanceof DecodingException decoding) {
            return failure.getMessage() != null ? failure.getMessage() : decoding.reason().name();
        }
        String type = failure.getClass().getSimpleName();
        return failure.getMessage() == null ? type : type + ": " + failure.getMessage();
    }

    /** The dead letter of {@code record}: its raw key and value, where it was read from, and why. */
    static <T> Ingested<T> deadLetter(ConsumerRecord<byte[], byte[]> record, DeadLetterReason reason, String detail) {
        return Ingested.failed(DeadLetter.newBuilder()
                .setReason(reason.name())
                .setDetail(detail == null ? reason.name() : abbreviate(detail))
                .setSourceTopic(record.topic())
                .setSourcePartition(record.partition())
                .setSourceOffset(record.offset())
                .setSourceTimestamp(Instant.ofEpochMilli(Math.max(0L, record.timestamp())))
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setPayload(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .setOriginalKeySize(record.key() == null ? null : record.key().length)
                .setOriginalPayloadSize(record.value() == null ? null : record.value().length)
                .setTruncated(false)
                .build());
    }

    private static String abbreviate(String detail) {
        if (detail.length() <= MAX_DETAIL_LENGTH) {
            return detail;
        }
        int end = MAX_DETAIL_LENGTH - 1;
        if (Character.isHighSurrogate(detail.charAt(end - 1))) {
            end--; // never split a surrogate pair
        }
        return detail.substring(0, end) + "…";
    }

    @Override
    public TypeInformation<Ingested<T>> getProducedType() {
        return producedType;
    }
}
