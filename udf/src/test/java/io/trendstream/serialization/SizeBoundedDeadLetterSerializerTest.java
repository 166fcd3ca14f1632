package io.trendstream.serialization;

import io.trendstream.events.DeadLetter;

import org.apache.flink.api.common.serialization.SerializationSchema;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every dead letter fits the producer's {@code max.request.size} as the producer measures it; one that would not
 * keeps the beginning of the original bytes, cut to fill the limit, and says so.
 */
class SizeBoundedDeadLetterSerializerTest {

    private static final String TOPIC = "dead-letters";
    /** Kafka's default {@code max.request.size}. */
    private static final int LIMIT = 1_048_576;
    /**
     * The largest value (without key) a broker with the default {@code max.message.bytes} of 1,048,588 accepts: its
     * batch is the value plus 72 bytes of batch and record overhead.
     */
    private static final int LARGEST_VALUE_A_TOPIC_ACCEPTS = 1_048_516;

    private final SizeBoundedDeadLetterSerializer serializer =
            new SizeBoundedDeadLetterSerializer(TOPIC, new ConfluentFrame(), LIMIT);

    /** Confluent's wire format with a fixed schema id, without a registry. */
    static final class ConfluentFrame implements SerializationSchema<DeadLetter> {
        @Override
        public byte[] serialize(DeadLetter letter) {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(new byte[] {0, 0, 0, 0, 1});
                BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
                new SpecificDatumWriter<>(DeadLetter.class).write(letter, encoder);
                encoder.flush();
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static DeadLetter letter(byte[] key, byte[] payload) {
        return DeadLetter.newBuilder()
                .setReason("NOT_WIRE_FORMAT")
                .setDetail("Not Confluent wire format: magic byte is 114, expected 0")
                .setSourceTopic("orders")
                .setSourcePartition(1)
                .setSourceOffset(4_711)
                .setSourceTimestamp(Instant.parse("2026-11-22T10:00:00Z"))
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setPayload(payload == null ? null : ByteBuffer.wrap(payload))
                .setOriginalKeySize(key == null ? null : key.length)
                .setOriginalPayloadSize(payload == null ? null : payload.length)
                .build();
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static DeadLetter decode(byte[] value) throws IOException {
        return new SpecificDatumReader<>(DeadLetter.class)
                .read(null, DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private static int sizeWithPayload(int length) {
        return SizeBoundedDeadLetterSerializer.recordSize(new ConfluentFrame().serialize(letter(null, new byte[length])));
    }

    @Test
    void aDeadLetterThatFitsIsWrittenWholeWithoutKeyOrTimestamp() throws Exception {
        DeadLetter letter = letter("k".getBytes(), randomBytes(1_000));

        ProducerRecord<byte[], byte[]> record = serializer.serialize(letter, null, null);

        assertThat(record.topic()).isEqualTo(TOPIC);
        assertThat(record.key()).isNull();
        assertThat(record.timestamp()).isNull();
        assertThat(record.value()).isEqualTo(new ConfluentFrame().serialize(letter));
        assertThat(decode(record.value()).getTruncated()).isFalse();
    }

    @Test
    void aDeadLetterOfExactlyTheLimitIsWrittenWholeAndOneByteMoreIsCut() throws Exception {
        int fits = LIMIT;
        while (sizeWithPayload(fits) > LIMIT) {
            fits--;
        }
        assertThat(sizeWithPayload(fits)).as("no length prefix boundary in between").isEqualTo(LIMIT);

        ProducerRecord<byte[], byte[]> whole = serializer.serialize(letter(null, randomBytes(fits)), null, null);
        ProducerRecord<byte[], byte[]> cut = serializer.serialize(letter(null, randomBytes(fits + 1)), null, null);

        assertThat(decode(whole.value()).getTruncated()).isFalse();
        assertThat(decode(whole.value()).getPayload().remaining()).isEqualTo(fits);
        assertThat(decode(cut.value()).getTruncated()).isTrue();
        assertThat(SizeBoundedDeadLetterSerializer.recordSize(cut.value())).isEqualTo(LIMIT);
    }

    /** 1,048,500: the garbage value of the issue; then what a topic accepts by default; then a topic allowing 10 MB. */
    @ParameterizedTest
    @ValueSource(ints = {1_048_500, LARGEST_VALUE_A_TOPIC_ACCEPTS, 10_485_760})
    void aDeadLetterOfARecordNearOrAtTheTopicsLimitKeepsTheBeginningOfItsPayloadAndFillsTheLimit(int size) throws Exception {
        byte[] payload = randomBytes(size);
        byte[] key = "order-42".getBytes();

        ProducerRecord<byte[], byte[]> record = serializer.serialize(letter(key, payload), null, null);

        int recordSize = SizeBoundedDeadLetterSerializer.recordSize(record.value());
        assertThat(recordSize).as("what the producer checks against max.request.size").isBetween(LIMIT - 3, LIMIT);
        DeadLetter written = decode(record.value());
        assertThat(written.getTruncated()).isTrue();
        assertThat(written.getOriginalPayloadSize()).isEqualTo(size);
        assertThat(written.getOriginalKeySize()).isEqualTo(key.length);
        assertThat(bytes(written.getKey())).as("the key is kept while cutting the payload suffices").isEqualTo(key);
        byte[] kept = bytes(written.getPayload());
        assertThat(kept).isEqualTo(Arrays.copyOf(payload, kept.length));
        assertThat(kept.length).isGreaterThan(LIMIT - 400);
        assertThat(written.getDetail()).isEqualTo("Not Confluent wire format: magic byte is 114, expected 0"
                + " [truncated to fit the dead-letter record limit of 1048576 bytes]");
        assertThat(written.getReason()).isEqualTo("NOT_WIRE_FORMAT");
        assertThat(written.getSourceOffset()).isEqualTo(4_711);
    }

    @Test
    void aHugeKeyIsCutAfterThePayloadIsGone() throws Exception {
        byte[] key = randomBytes(1_048_500);
        byte[] payload = randomBytes(1_000);

        ProducerRecord<byte[], byte[]> record = serializer.serialize(letter(key, payload), null, null);

        assertThat(SizeBoundedDeadLetterSerializer.recordSize(record.value())).isBetween(LIMIT - 3, LIMIT);
        DeadLetter written = decode(record.value());
        assertThat(written.getPayload().remaining()).isZero();
        byte[] keptKey = bytes(written.getKey());
        assertThat(keptKey).isEqualTo(Arrays.copyOf(key, keptKey.length));
        assertThat(written.getOriginalKeySize()).isEqualTo(key.length);
        assertThat(written.getOriginalPayloadSize()).isEqualTo(payload.length);
    }

    @Test
    void measuresLikeTheProducer() {
        // KafkaProducer.doSend: record batch overhead (61) + record overhead bound (21) + 1 null key + varint of the
        // value length + the value + 1 for no headers.
        assertThat(SizeBoundedDeadLetterSerializer.recordSize(new byte[1_000_000])).isEqualTo(61 + 21 + 1 + 3 + 1_000_000 + 1);
    }
}
