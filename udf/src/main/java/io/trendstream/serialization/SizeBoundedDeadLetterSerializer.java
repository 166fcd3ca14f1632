package io.trendstream.serialization;

import io.trendstream.events.DeadLetter;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Writes dead letters to their topic, each within {@code maxRecordBytes} as the Kafka producer measures a record
 * against its {@code max.request.size} (the upper bound it computes before sending, which also bounds the batch the
 * broker checks against the topic's {@code max.message.bytes}). A record close to the topic's limit does not fit
 * whole into an envelope that adds a reason and coordinates, and a dead letter the producer refuses would fail the
 * job on every restart. So such an envelope keeps the beginning of the payload (and, if that is not enough, of the
 * key), cut to fit exactly, and says so: {@code truncated} is true, the original sizes stay, and the detail ends
 * with a note.
 */
public final class SizeBoundedDeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializationSchema<DeadLetter> valueSerializer;
    private final int maxRecordBytes;

    /**
     * @param maxRecordBytes the producer's {@code max.request.size}; at most the topic's {@code max.message.bytes}
     */
    public SizeBoundedDeadLetterSerializer(String topic, SerializationSchema<DeadLetter> valueSerializer, int maxRecordBytes) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.valueSerializer = Objects.requireNonNull(valueSerializer, "valueSerializer");
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) throws Exception {
        valueSerializer.open(context);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        byte[] value = valueSerializer.serialize(letter);
        if (recordSize(value) > maxRecordBytes) {
            value = valueSerializer.serialize(fitted(letter, value));
        }
        return new ProducerRecord<>(topic, null, timestamp == null || timestamp < 0 ? null : timestamp, null, value);
    }

    /** The size the producer checks against {@code max.request.size}: no key, no headers, as this sink sends. */
    public static int recordSize(byte[] value) {
        return AbstractRecords.estimateSizeInBytesUpperBound(
                RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE, null, value, Record.EMPTY_HEADERS);
    }

    /**
     * A copy of the letter whose payload, then key, is cut by what the record exceeds the limit. Cutting n bytes off
     * a field shrinks the record by at least n (its length prefix can only get shorter), so each step fits unless
     * the field was too short, and then the next field is cut.
     */
    private DeadLetter fitted(DeadLetter letter, byte[] whole) {
        DeadLetter fitted = DeadLetter.newBuilder(letter)
                .setOriginalKeySize(letter.getOriginalKeySize() != null ? letter.getOriginalKeySize() : length(letter.getKey()))
                .setOriginalPayloadSize(letter.getOriginalPayloadSize() != null
                        ? letter.getOriginalPayloadSize() : length(letter.getPayload()))
                .setTruncated(true)
                .setDetail(letter.getDetail() + " [truncated to fit the dead-letter record limit of " + maxRecordBytes + " bytes]")
                .build();
        byte[] value = valueSerializer.serialize(fitted);
        int excess = recordSize(value) - maxRecordBytes;
        while (excess > 0) {
            if (remaining(fitted.getPayload()) > 0) {
                fitted.setPayload(head(fitted.getPayload(), excess));
            } else if (remaining(fitted.getKey()) > 0) {
                fitted.setKey(head(fitted.getKey(), excess));
            } else {
                throw new IllegalStateException("A dead letter without key and payload is " + (excess + maxRecordBytes)
                        + " bytes, more than the limit of " + maxRecordBytes + " (whole: " + whole.length + " bytes)");
            }
            value = valueSerializer.serialize(fitted);
            excess = recordSize(value) - maxRecordBytes;
        }
        return fitted;
    }

    private static Integer length(ByteBuffer buffer) {
        return buffer == null ? null : buffer.remaining();
    }

    private static int remaining(ByteBuffer buffer) {
        return buffer == null ? 0 : buffer.remaining();
    }

    /** The buffer without its last {@code cut} bytes (empty if it is shorter). */
    private static ByteBuffer head(ByteBuffer buffer, int cut) {
        ByteBuffer head = buffer.duplicate();
        head.limit(head.position() + Math.max(0, head.remaining() - cut));
        return head.slice();
    }
}
