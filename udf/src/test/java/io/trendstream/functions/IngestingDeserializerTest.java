package io.trendstream.functions;

import io.trendstream.events.DeadLetter;
import io.trendstream.events.OrderEvent;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.records.Ingested;
import io.trendstream.serialization.DecodingException;
import io.trendstream.serialization.SchemaRegistryUnavailableException;
import io.trendstream.testing.Events;
import io.trendstream.testing.RawAvro;

import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;


import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static io.trendstream.testing.Events.line;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every Kafka record becomes either a valid event with its event time or a dead letter that keeps
 * the record whole; only an unreachable schema registry fails the job.
 */
class IngestingDeserializerTest {

    private static final String TOPIC = "orders";
    private static final int PARTITION = 3;
    private static final long OFFSET = 4_711L;
    private static final long RECORD_TIMESTAMP = Events.T0.plusSeconds(2).toEpochMilli();
    private static final byte[] KEY = "order-e-1".getBytes(StandardCharsets.UTF_8);
    private static final Duration SKEW = Duration.ofMinutes(10);
    private static final Clock CLOCK = Clock.fixed(Events.T0, ZoneOffset.UTC);

    private static final TypeInformation<Ingested<OrderEvent>> TYPE = Ingested.typeInfo(OrderEvent.class);

    private final IngestingDeserializer<OrderEvent> deserializer =
            new IngestingDeserializer<>(new PlainAvroDecoder(), new OrderEventRules(SKEW), TYPE, CLOCK);

    /**
     * Decodes plain Avro binary (no registry, no wire-format header), and simulates the registry
     * deserializer's failures for marker payloads.
     */
    static final class PlainAvroDecoder implements DeserializationSchema<OrderEvent> {
        static final byte[] UNKNOWN_SCHEMA = "marker:unknown-schema".getBytes(StandardCharsets.UTF_8);
        static final byte[] REGISTRY_DOWN = "marker:registry-down".getBytes(StandardCharsets.UTF_8);
        static final byte[] REGISTRY_DOWN_WRAPPED = "marker:registry-down-wrapped".getBytes(StandardCharsets.UTF_8);
        static final byte[] DECODES_TO_NULL = "marker:null".getBytes(StandardCharsets.UTF_8);

        @Override
        public OrderEvent deserialize(byte[] message) throws IOException {
            if (Arrays.equals(message, UNKNOWN_SCHEMA)) {
                throw new DecodingException(DeadLetterReason.UNKNOWN_SCHEMA, "schema id 42 is not registered");
            }
            if (Arrays.equals(message, REGISTRY_DOWN)) {
                throw new SchemaRegistryUnavailableException("registry unreachable", new ConnectException("refused"));
            }
            if (Arrays.equals(message, REGISTRY_DOWN_WRAPPED)) {
                throw new IllegalStateException("lookup failed",
                        new SchemaRegistryUnavailableException("registry unreachable", new ConnectException("refused")));
            }
            if (Arrays.equals(message, DECODES_TO_NULL)) {
                return null;
            }
            return new SpecificDatumReader<>(OrderEvent.class)
                    .read(null, DecoderFactory.get().binaryDecoder(message, null));
        }

        @Override
        public boolean isEndOfStream(OrderEvent nextElement) {
            return false;
        }

        @Override
        public TypeInformation<OrderEvent> getProducedType() {
            return new AvroTypeInfo<>(OrderEvent.class);
        }
    }

    static byte[] encode(OrderEvent event) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(OrderEvent.class).write(event, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] key, byte[] value, long timestamp) {
        return new ConsumerRecord<>(TOPIC, PARTITION, OFFSET, timestamp, TimestampType.CREATE_TIME,
                key == null ? -1 : key.length, value == null ? -1 : value.length, key, value,
                new RecordHeaders(), Optional.empty());
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
        return record(KEY, value, RECORD_TIMESTAMP);
    }

    /** Asserts that the dead letter locates and keeps the record exactly. */
    private static DeadLetter assertDeadLetterOf(Ingested<OrderEvent> ingested, ConsumerRecord<byte[], byte[]> record,
            DeadLetterReason reason) {
        assertThat(ingested.isDeadLetter()).isTrue();
        assertThat(ingested.getEvent()).isNull();
        assertThat(ingested.getEventTime()).isEqualTo(Ingested.NO_EVENT_TIME);
        DeadLetter dl = ingested.getDeadLetter();
        assertThat(dl.getReason()).isEqualTo(reason.name());
        assertThat(dl.getSourceTopic()).isEqualTo(TOPIC);
        assertThat(dl.getSourcePartition()).isEqualTo(PARTITION);
        assertThat(dl.getSourceOffset()).isEqualTo(OFFSET);
        assertThat(dl.getSourceTimestamp()).isEqualTo(Instant.ofEpochMilli(record.timestamp()));
        assertThat(dl.getKey()).isEqualTo(record.key() == null ? null : ByteBuffer.wrap(record.key()));
        assertThat(dl.getPayload()).isEqualTo(record.value() == null ? null : ByteBuffer.wrap(record.value()));
        assertThat(dl.getOriginalKeySize()).isEqualTo(record.key() == null ? null : record.key().length);
        assertThat(dl.getOriginalPayloadSize()).isEqualTo(record.value() == null ? null : record.value().length);
        assertThat(dl.getTruncated()).as("only the dead-letter sink cuts, to fit its record limit").isFalse();
        return dl;
    }

    // ------------------------------------------------------------------ valid records

    @Test
    void aValidRecordBecomesTheEventWithItsEventTime() throws Exception {
        OrderEvent order = Events.order("e-1", line("p-1", 2, "19.99")).build();

        Ingested<OrderEvent> ingested = deserializer.ingest(record(encode(order)));

        assertThat(ingested.isDeadLetter()).isFalse();
        assertThat(ingested.getDeadLetter()).isNull();
        assertThat(ingested.getEvent()).isEqualTo(order);
        assertThat(ingested.getEventTime()).isEqualTo(Events.T0.toEpochMilli());
    }

    @Test
    void emitsExactlyOneIngestedPerRecord() throws Exception {
        List<Ingested<OrderEvent>> out = new ArrayList<>();

        deserializer.deserialize(record(encode(Events.validOrder())), new ListCollector<>(out));
        deserializer.deserialize(record(new byte[0]), new ListCollector<>(out));

        assertThat(out).hasSize(2);
        assertThat(out.get(0).isDeadLetter()).isFalse();
        assertThat(out.get(1).isDeadLetter()).isTrue();
    }

    @Test
    void producesTheTypeItWasGiven() {
        assertThat(deserializer.getProducedType()).isSameAs(TYPE);
    }

    // ------------------------------------------------------------------ dead letters

    @Test
    void aRecordWithoutValueIsAnEmptyRecord() throws Exception {
        ConsumerRecord<byte[], byte[]> tombstone = record(null);

        DeadLetter dl = assertDeadLetterOf(deserializer.ingest(tombstone), tombstone, DeadLetterReason.EMPTY_RECORD);
        assertThat(dl.getDetail()).isEqualTo("record has no value");
    }

    @Test
    void aRecordWithAnEmptyValueIsAnEmptyRecord() throws Exception {
        ConsumerRecord<byte[], byte[]> empty = record(new byte[0]);

        assertDeadLetterOf(deserializer.ingest(empty), empty, DeadLetterReason.EMPTY_RECORD);
    }

    @Test
    void garbageBytesAreUndecodable() throws Exception {
        ConsumerRecord<byte[], byte[]> garbage = record("this is not avro".getBytes(StandardCharsets.UTF_8));

        DeadLetter dl = assertDeadLetterOf(deserializer.ingest(garbage), garbage, DeadLetterReason.UNDECODABLE);
        assertThat(dl.getDetail()).isNotBlank();
    }

    @Test
    void aTruncatedRecordIsUndecodable() throws Exception {
        byte[] whole = encode(Events.validOrder());
        ConsumerRecord<byte[], byte[]> truncated = record(Arrays.copyOf(whole, whole.length / 2));

        assertDeadLetterOf(deserializer.ingest(truncated), truncated, DeadLetterReason.UNDECODABLE);
    }

    @Test
    void aRecordThatDecodesToNothingIsUndecodable() throws Exception {
        ConsumerRecord<byte[], byte[]> nothing = record(PlainAvroDecoder.DECODES_TO_NULL);

        DeadLetter dl = assertDeadLetterOf(deserializer.ingest(nothing), nothing, DeadLetterReason.UNDECODABLE);
        assertThat(dl.getDetail()).isEqualTo("record decoded to nothing");
    }

    @Test
    void aDecodingExceptionBecomesADeadLetterWithItsReasonAndMessage() throws Exception {
        ConsumerRecord<byte[], byte[]> unknown = record(PlainAvroDecoder.UNKNOWN_SCHEMA);

        DeadLetter dl = assertDeadLetterOf(deserializer.ingest(unknown), unknown, DeadLetterReason.UNKNOWN_SCHEMA);
        assertThat(dl.getDetail()).isEqualTo("schema id 42 is not registered");
    }

    @Test
    void anInvalidEventBecomesADeadLetterWithTheRulesReason() throws Exception {
        ConsumerRecord<byte[], byte[]> noOrderId =
                record(encode(Events.order("e-1", line("p-1", 1, "1.00")).setOrderId(null).build()));

        DeadLetter dl = assertDeadLetterOf(deserializer.ingest(noOrderId), noOrderId, DeadLetterReason.MISSING_ORDER_ID);
        assertThat(dl.getDetail()).isEqualTo("order event e-1 has no orderId");
    }

    @Test
    void judgesTheEventTimeAgainstTheGivenClock() throws Exception {
        OrderEvent atSkew = Events.validOrder();
        atSkew.setEventTime(Events.T0.plus(SKEW));
        OrderEvent beyondSkew = Events.validOrder();
        beyondSkew.setEventTime(Events.T0.plus(SKEW).plusMillis(1));
        ConsumerRecord<byte[], byte[]> beyond = record(encode(beyondSkew));

        assertThat(deserializer.ingest(record(encode(atSkew))).isDeadLetter()).isFalse();
        assertDeadLetterOf(deserializer.ingest(beyond), beyond, DeadLetterReason.EVENT_TIME_IN_FUTURE);
    }

    @Test
    void theSixReportedPillsInValidAvroBecomeDeadLettersWithTheirReasons() throws Exception {
        OrderEvent nulInProduct = Events.order("e-1", line("p-\u0000", 1, "1.00")).build();
        OrderEvent hugeProduct = Events.order("e-2", line("p".repeat(100_000), 1, "1.00")).build();
        OrderEvent minTime = Events.order("e-3", line("p-1", 1, "1.00")).setEventTime(Instant.ofEpochMilli(Long.MIN_VALUE)).build();
        byte[] overflowingPrice = RawAvro.orderWithRawUnitPrice(Events.order("e-4", line("p-1", 1, "1.00")).build(),
                new BigInteger("9999999999999999999")); // 99,999,999,999,999,999.99: numeric field overflow

        for (Object[] pill : new Object[][] {
                {nulInProduct, DeadLetterReason.INVALID_TEXT},
                {hugeProduct, DeadLetterReason.TEXT_TOO_LONG},
                {minTime, DeadLetterReason.EVENT_TIME_OUT_OF_RANGE},
                {overflowingPrice, DeadLetterReason.AMOUNT_OUT_OF_RANGE}}) {
            ConsumerRecord<byte[], byte[]> record =
                    record(pill[0] instanceof byte[] bytes ? bytes : encode((OrderEvent) pill[0]));
            assertDeadLetterOf(deserializer.ingest(record), record, (DeadLetterReason) pill[1]);
        }
    }


    @Test
    void aDetailIsAtMostAThousandCharacters() throws Exception {
        IngestingDeserializer<OrderEvent> verbose = new IngestingDeserializer<>(
                new ThrowingDecoder(new IOException("x".repeat(100_000))), new OrderEventRules(SKEW), TYPE, CLOCK);

        DeadLetter dl = verbose.ingest(record(new byte[] {1})).getDeadLetter();

        assertThat(dl.getDetail()).hasSize(IngestingDeserializer.MAX_DETAIL_LENGTH).startsWith("IOException: xxx").endsWith("x…");
    }

    @Test
    void aDeadLetterWithoutKeyHasNoKey() throws Exception {
        ConsumerRecord<byte[], byte[]> keyless = record(null, "garbage".getBytes(StandardCharsets.UTF_8), RECORD_TIMESTAMP);

        DeadLetter dl = assertDeadLetterOf(deserializer.ingest(keyless), keyless, DeadLetterReason.UNDECODABLE);
        assertThat(dl.getKey()).isNull();
    }

    @Test
    void aRecordWithoutTimestampGetsTheEpochAsSourceTimestamp() throws Exception {
        ConsumerRecord<byte[], byte[]> noTimestamp = record(KEY, new byte[0], ConsumerRecord.NO_TIMESTAMP);

        Ingested<OrderEvent> ingested = deserializer.ingest(noTimestamp);

        assertThat(ingested.getDeadLetter().getSourceTimestamp()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void describesAnUnexpectedDecodingFailureByItsTypeAndMessage() throws Exception {
        IngestingDeserializer<OrderEvent> failing = new IngestingDeserializer<>(
                new ThrowingDecoder(new IOException("bad header")), new OrderEventRules(SKEW), TYPE, CLOCK);
        ConsumerRecord<byte[], byte[]> record = record(new byte[] {1});

        DeadLetter dl = assertDeadLetterOf(failing.ingest(record), record, DeadLetterReason.UNDECODABLE);
        assertThat(dl.getDetail()).isEqualTo("IOException: bad header");
    }

    @Test
    void describesAFailureWithoutMessageByItsTypeAlone() throws Exception {
        IngestingDeserializer<OrderEvent> failing = new IngestingDeserializer<>(
                new ThrowingDecoder(new IllegalStateException()), new OrderEventRules(SKEW), TYPE, CLOCK);
        ConsumerRecord<byte[], byte[]> record = record(new byte[] {1});

        DeadLetter dl = assertDeadLetterOf(failing.ingest(record), record, DeadLetterReason.UNDECODABLE);
        assertThat(dl.getDetail()).isEqualTo("IllegalStateException");
    }

    @Test
    void aDecodingExceptionWithoutMessageIsDescribedByItsReason() throws Exception {
        IngestingDeserializer<OrderEvent> failing = new IngestingDeserializer<>(
                new ThrowingDecoder(new DecodingException(DeadLetterReason.NOT_WIRE_FORMAT, null)),
                new OrderEventRules(SKEW), TYPE, CLOCK);
        ConsumerRecord<byte[], byte[]> record = record(new byte[] {1});

        DeadLetter dl = assertDeadLetterOf(failing.ingest(record), record, DeadLetterReason.NOT_WIRE_FORMAT);
        assertThat(dl.getDetail()).isEqualTo("NOT_WIRE_FORMAT");
    }

    @Test
    void opensItsDecoder() throws Exception {
        ThrowingDecoder decoder = new ThrowingDecoder(new IOException("unused"));
        IngestingDeserializer<OrderEvent> opened =
                new IngestingDeserializer<>(decoder, new OrderEventRules(SKEW), TYPE, CLOCK);

        ThrowingDecoder.OPENED.set(false);
        opened.open(null);

        assertThat(ThrowingDecoder.OPENED).as("the decoder in use was opened").isTrue();
    }

    /** Fails every record with the given exception. */
    static final class ThrowingDecoder implements DeserializationSchema<OrderEvent> {
        static final java.util.concurrent.atomic.AtomicBoolean OPENED = new java.util.concurrent.atomic.AtomicBoolean();
        private final Exception failure;

        ThrowingDecoder(Exception failure) {
            this.failure = failure;
        }

        @Override
        public void open(InitializationContext context) {
            OPENED.set(true);
        }

        @Override
        public OrderEvent deserialize(byte[] message) throws IOException {
            if (failure instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) failure;
        }

        @Override
        public boolean isEndOfStream(OrderEvent nextElement) {
            return false;
        }

        @Override
        public TypeInformation<OrderEvent> getProducedType() {
            return new AvroTypeInfo<>(OrderEvent.class);
        }
    }

    // ------------------------------------------------------------------ unavailable registry

    @Test
    void anUnavailableRegistryFailsTheJobInsteadOfDeadLettering() {
        assertThatThrownBy(() -> deserializer.ingest(record(PlainAvroDecoder.REGISTRY_DOWN)))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessage("registry unreachable");
    }

    @Test
    void anUnavailableRegistryFailsTheJobEvenWhenWrappedInAnotherException() {
        assertThatThrownBy(() -> deserializer.ingest(record(PlainAvroDecoder.REGISTRY_DOWN_WRAPPED)))
                .isInstanceOf(IllegalStateException.class)
                .hasCauseInstanceOf(SchemaRegistryUnavailableException.class);
    }
}
