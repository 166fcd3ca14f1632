package io.trendstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.records.DeadLetterReason;
import io.trendstream.serialization.ConfluentAvro;
import io.trendstream.serialization.ConfluentAvroDeserializationSchema;
import io.trendstream.serialization.ConfluentSchemaCoderProvider;
import io.trendstream.serialization.DecodingException;
import io.trendstream.serialization.SchemaRegistryClient;
import io.trendstream.serialization.SchemaRegistryRequestException;
import io.trendstream.serialization.SchemaRegistrySettings;
import io.trendstream.stack.KafkaBrokerExtension;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.formats.avro.RegistryAvroSerializationSchema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The udf module's Confluent serde against the real registry, with records travelling through a real broker. */
class ConfluentSerdeITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static SchemaRegistryServer registry;
    private static SchemaRegistrySettings settings;

    @BeforeAll
    static void startRegistry() {
        registry = SchemaRegistryServer.builder()
                .bootstrapServers(KAFKA.bootstrapServers())
                .topic("_schemas-serde")
                .basicAuthUser("flink", "s3cret")
                .build()
                .start();
        settings = SchemaRegistrySettings.builder(registry.url()).basicAuthUserInfo("flink:s3cret").build();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void roundTripsThroughKafka() throws Exception {
        KAFKA.createTopic("orders", 1);
        String subject = ConfluentAvro.topicValueSubject("orders");
        RegistryAvroSerializationSchema<OrderEvent> serializer =
                ConfluentAvro.forSpecificSerialization(OrderEvent.class, subject, settings);
        List<OrderEvent> orders = List.of(order("o-1", "web"), order("o-2", "app"));

        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (OrderEvent order : orders) {
                producer.send(new ProducerRecord<>("orders", serializer.serialize(order))).get();
            }
        }
        List<byte[]> values = readAll("orders", orders.size());

        int registeredId = new SchemaRegistryClient(settings).getLatest(subject).id();
        for (byte[] value : values) {
            assertThat(value[0]).isZero();
            assertThat(ByteBuffer.wrap(value, 1, 4).order(ByteOrder.BIG_ENDIAN).getInt()).isEqualTo(registeredId);
        }
        ConfluentAvroDeserializationSchema<OrderEvent> deserializer =
                ConfluentAvro.forSpecificDeserialization(OrderEvent.class, settings);
        List<OrderEvent> read = new ArrayList<>();
        for (byte[] value : values) {
            read.add(deserializer.deserialize(value));
        }
        assertThat(read).containsExactlyElementsOf(orders);
        assertThat(new SchemaRegistryClient(settings).getLatest(subject).version()).isEqualTo(1);
    }

    @Test
    void readsRecordsOfAnOlderCompatibleWriterSchema() throws Exception {
        Schema v1 = orderEventV1();
        String subject = "orders-evolution-value";
        RegistryAvroSerializationSchema<GenericRecord> v1Writer = RegistryAvroSerializationSchema.forGeneric(
                v1, ConfluentSchemaCoderProvider.forWriting(subject, settings, true));
        byte[] v1Bytes = v1Writer.serialize(orderV1(v1));

        // Today's OrderEvent adds 'channel' with a default: BACKWARD compatible, so it registers as version 2.
        ConfluentAvro.forSpecificSerialization(OrderEvent.class, subject, settings).serialize(order("o-2", "app"));
        SchemaRegistryClient client = new SchemaRegistryClient(settings);
        assertThat(client.getLatest(subject).version()).isEqualTo(2);
        int v1Id = ByteBuffer.wrap(v1Bytes, 1, 4).getInt();
        assertThat(client.getById(v1Id)).isEqualTo(v1);

        OrderEvent read = ConfluentAvro.forSpecificDeserialization(OrderEvent.class, settings).deserialize(v1Bytes);

        assertThat(read).isEqualTo(order("o-1", null));
        assertThat(read.getChannel()).as("the reader's default for a field v1 lacks").isNull();
    }

    @Test
    void anUnknownIdIsAnUnknownSchema() {
        byte[] record = {0, 0, 0, 0x7f, 0x7f, 2, 4};
        DecodingException e = catchThrowableOfType(DecodingException.class,
                () -> ConfluentAvro.forSpecificDeserialization(OrderEvent.class, settings).deserialize(record));
        assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA);
        assertThat(e).hasMessageContaining("32639");
    }

    @Test
    void aBadMagicByteIsNotWireFormat() {
        byte[] record = {1, 0, 0, 0, 1, 2, 4};
        DecodingException e = catchThrowableOfType(DecodingException.class,
                () -> ConfluentAvro.forSpecificDeserialization(OrderEvent.class, settings).deserialize(record));
        assertThat(e.reason()).isEqualTo(DeadLetterReason.NOT_WIRE_FORMAT);
    }

    @Test
    void wrongCredentialsAreRefusedNotDeadLettered() {
        SchemaRegistrySettings wrong = SchemaRegistrySettings.builder(registry.url())
                .basicAuthUserInfo("flink:guess").build();
        SchemaRegistryRequestException e = catchThrowableOfType(SchemaRegistryRequestException.class,
                () -> ConfluentAvro.forSpecificDeserialization(OrderEvent.class, wrong)
                        .deserialize(new byte[] {0, 0, 0, 0, 1, 2}));
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e).isNotInstanceOf(DecodingException.class).hasMessageContaining("basic-auth");
    }

    @Test
    void anUnreachableRegistryIsAnIoErrorNamingTheUrl() {
        SchemaRegistryServer stopped = SchemaRegistryServer.builder()
                .bootstrapServers(KAFKA.bootstrapServers()).topic("_schemas-stopped").build().start();
        String url = stopped.url();
        stopped.close();
        SchemaRegistrySettings unreachable = SchemaRegistrySettings.builder(url)
                .connectTimeout(Duration.ofSeconds(2)).build();

        IOException e = catchThrowableOfType(IOException.class,
                () -> ConfluentAvro.forSpecificDeserialization(OrderEvent.class, unreachable)
                        .deserialize(new byte[] {0, 0, 0, 0, 1, 2}));

        assertThat(e).isNotInstanceOf(DecodingException.class)
                .hasMessageContaining(url + "/schemas/ids/1")
                .hasMessageContaining("unreachable");
    }

    private static OrderEvent order(String orderId, String channel) {
        return OrderEvent.newBuilder()
                .setEventId("e-" + orderId)
                .setOrderId(orderId)
                .setUserId("u-1")
                .setLineItems(List.of(LineItem.newBuilder()
                        .setProductId("p-1").setQuantity(2).setUnitPrice(new BigDecimal("19.99")).build()))
                .setCurrency("EUR")
                .setEventTime(Instant.parse("2026-11-22T10:15:30.123Z"))
                .setChannel(channel)
                .build();
    }

    /** The same order as {@code order("o-1", ...)}, as a v1 writer without 'channel' builds it. */
    private static GenericRecord orderV1(Schema v1) {
        Schema lineItemSchema = v1.getField("lineItems").schema().getElementType();
        GenericRecord lineItem = new GenericData.Record(lineItemSchema);
        lineItem.put("productId", "p-1");
        lineItem.put("quantity", 2);
        lineItem.put("unitPrice", ByteBuffer.wrap(new BigDecimal("19.99").unscaledValue().toByteArray()));
        GenericRecord order = new GenericData.Record(v1);
        order.put("eventId", "e-o-1");
        order.put("orderId", "o-1");
        order.put("userId", "u-1");
        order.put("lineItems", List.of(lineItem));
        order.put("currency", "EUR");
        order.put("eventTime", Instant.parse("2026-11-22T10:15:30.123Z").toEpochMilli());
        return order;
    }

    private static Schema orderEventV1() throws IOException {
        try (InputStream in = ConfluentSerdeITCase.class.getResourceAsStream("/avro/OrderEvent-v1.avsc")) {
            return new Schema.Parser().parse(in);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static List<byte[]> readAll(String topic, int expected) {
        TopicPartition partition = new TopicPartition(topic, 0);
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        assertThat(values).hasSize(expected);
        return values;
    }
}
