package io.trendstream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trendstream.events.DeadLetter;
import io.trendstream.events.LineItem;
import io.trendstream.events.OrderEvent;
import io.trendstream.events.Severity;
import io.trendstream.events.TrendAlert;
import io.trendstream.events.TrendMetric;
import io.trendstream.events.WindowStats;
import io.trendstream.registry.SchemaRegistryServer;
import io.trendstream.serialization.ConfluentAvro;
import io.trendstream.serialization.SchemaRegistryClient;
import io.trendstream.serialization.SchemaRegistrySettings;
import io.trendstream.stack.ExternalCommand;
import io.trendstream.stack.KafkaBrokerExtension;
import io.trendstream.stack.NpmPackages;
import org.apache.avro.Schema;
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

/**
 * An independent Confluent client, Confluent's own JavaScript schema-registry serdes with kafkajs (clients/node),
 * against our registry and the udf module's Confluent serde, in both directions.
 */
class ConfluentNodeClientITCase {

    private static final Path CLIENT = Path.of("..", "clients", "node").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static SchemaRegistryServer registry;
    private static SchemaRegistrySettings settings;

    @BeforeAll
    static void installClientAndStartRegistry() throws Exception {
        // Fails, never skips, without node and npm: CI installs both (.ci/run).
        assertThat(ExternalCommand.available("node") && ExternalCommand.available("npm"))
                .as("node and npm are needed for the Node.js Confluent client check: apt-get install -y nodejs npm").isTrue();
        NpmPackages.installLocked(CLIENT, Duration.ofMinutes(10));

        registry = SchemaRegistryServer.builder().port(0).bootstrapServers(KAFKA.bootstrapServers()).build().start();
        settings = SchemaRegistrySettings.builder(registry.url()).build();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void anOrderProducedByConfluentsNodeSerializerDecodesInJava() throws Exception {
        KAFKA.createTopic("node-orders", 1);

        ExternalCommand.Result produced = node("produce-order.mjs", "--topic", "node-orders", "--event-id", "node-order-42");

        assertThat(produced.exitCode()).as(produced.describe()).isZero();
        JsonNode sent = JSON.readTree(produced.stdout());
        int nodeSchemaId = sent.get("schemaId").asInt();
        // Node sent the .avsc files as JSON text with LineItem inlined; Java's Avro parser reads the same files
        // (LineItem by name). The registry compares normalised schemas, so Java finds Node's entry: one schema.
        int javaSchemaId = new SchemaRegistryClient(settings).getId("node-orders-value", orderEventSchemaFromFiles());
        assertThat(nodeSchemaId).isEqualTo(javaSchemaId);
        assertThat(new SchemaRegistryClient(settings).getLatest("node-orders-value").version()).isEqualTo(1);

        ConsumerRecord<byte[], byte[]> record = readOne("node-orders", sent.get("partition").asInt(), sent.get("offset").asLong());
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("p7");
        assertThat(record.value()[0]).as("magic byte").isZero();
        assertThat(ByteBuffer.wrap(record.value(), 1, 4).getInt()).isEqualTo(javaSchemaId);

        OrderEvent order = ConfluentAvro.forSpecificDeserialization(OrderEvent.class, settings).deserialize(record.value());

        assertThat(order.getEventId()).isEqualTo("node-order-42");
        assertThat(order.getOrderId()).isEqualTo("node-o-1");
        assertThat(order.getUserId()).isEqualTo("u-node");
        assertThat(order.getCurrency()).isEqualTo("EUR");
        assertThat(order.getEventTime()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(order.getChannel()).isEqualTo("app");
        assertThat(order.getLineItems()).containsExactly(
                LineItem.newBuilder().setProductId("p7").setQuantity(2).setUnitPrice(new BigDecimal("19.99")).build(),
                LineItem.newBuilder().setProductId("p3").setQuantity(1).setUnitPrice(new BigDecimal("5.00")).build());
    }

    @Test
    void alertsAndDeadLettersWrittenInJavaDecodeWithConfluentsNodeDeserializer() throws Exception {
        KAFKA.createTopic("node-alerts", 1);
        KAFKA.createTopic("node-dead-letters", 1);
        TrendAlert alert = TrendAlert.newBuilder()
                .setProductId("p7")
                .setWindowStart(Instant.parse("2026-01-01T00:05:00Z"))
                .setWindowEnd(Instant.parse("2026-01-01T00:10:00Z"))
                .setMetric(TrendMetric.REVENUE)
                .setObserved(1234.5)
                .setBaseline(250.25)
                .setRatio(4.933066933066933)
                .setSeverity(Severity.HIGH)
                .setProductName("Smart Speaker 7")
                .setCategory("Audio")
                .build();
        byte[] payload = {1, 2, 3, (byte) 0xff};
        DeadLetter deadLetter = DeadLetter.newBuilder()
                .setReason("UNKNOWN_SCHEMA")
                .setDetail("Schema id 2000000000 is not known")
                .setSourceTopic("orders")
                .setSourcePartition(3)
                .setSourceOffset(9_876_543_210L)
                .setSourceTimestamp(Instant.parse("2026-01-01T00:00:01.250Z"))
                .setKey(ByteBuffer.wrap("p7".getBytes(StandardCharsets.UTF_8)))
                .setPayload(ByteBuffer.wrap(payload))
                .setOriginalKeySize(2)
                .setOriginalPayloadSize(payload.length)
                .setTruncated(false)
                .build();
        produce("node-alerts", ConfluentAvro.forSpecificSerialization(TrendAlert.class, "node-alerts-value", settings)
                .serialize(alert));
        produce("node-dead-letters", ConfluentAvro.forSpecificSerialization(DeadLetter.class, "node-dead-letters-value",
                settings).serialize(deadLetter));

        JsonNode alertJson = consumeOne("node-alerts").get("value");
        JsonNode deadLetterJson = consumeOne("node-dead-letters").get("value");

        assertThat(alertJson.get("productId").asText()).isEqualTo("p7");
        assertThat(alertJson.get("windowStart").asLong()).isEqualTo(Instant.parse("2026-01-01T00:05:00Z").toEpochMilli());
        assertThat(alertJson.get("windowEnd").asLong()).isEqualTo(Instant.parse("2026-01-01T00:10:00Z").toEpochMilli());
        assertThat(alertJson.get("metric").asText()).isEqualTo("REVENUE");
        assertThat(alertJson.get("observed").asDouble()).isEqualTo(1234.5);
        assertThat(alertJson.get("baseline").asDouble()).isEqualTo(250.25);
        assertThat(alertJson.get("ratio").asDouble()).isEqualTo(4.933066933066933);
        assertThat(alertJson.get("severity").asText()).isEqualTo("HIGH");
        assertThat(alertJson.get("productName").asText()).isEqualTo("Smart Speaker 7");
        assertThat(alertJson.get("category").asText()).isEqualTo("Audio");
        assertThat(alertJson.size()).isEqualTo(10);

        assertThat(deadLetterJson.get("reason").asText()).isEqualTo("UNKNOWN_SCHEMA");
        assertThat(deadLetterJson.get("detail").asText()).isEqualTo("Schema id 2000000000 is not known");
        assertThat(deadLetterJson.get("sourceTopic").asText()).isEqualTo("orders");
        assertThat(deadLetterJson.get("sourcePartition").asInt()).isEqualTo(3);
        assertThat(deadLetterJson.get("sourceOffset").asLong()).isEqualTo(9_876_543_210L);
        assertThat(deadLetterJson.get("sourceTimestamp").asLong())
                .isEqualTo(Instant.parse("2026-01-01T00:00:01.250Z").toEpochMilli());
        assertThat(Base64.getDecoder().decode(deadLetterJson.get("key").asText())).isEqualTo("p7".getBytes(StandardCharsets.UTF_8));
        assertThat(Base64.getDecoder().decode(deadLetterJson.get("payload").asText())).isEqualTo(payload);
        assertThat(deadLetterJson.get("originalKeySize").asInt()).isEqualTo(2);
        assertThat(deadLetterJson.get("originalPayloadSize").asInt()).isEqualTo(payload.length);
        assertThat(deadLetterJson.get("truncated").asBoolean()).isFalse();
        assertThat(deadLetterJson.size()).isEqualTo(11);
    }

    @Test
    void windowStatsWrittenInJavaDecodeWithConfluentsNodeDeserializer() throws Exception {
        KAFKA.createTopic("node-window-stats", 1);
        WindowStats stats = WindowStats.newBuilder()
                .setProductId("p7")
                .setProductName("Smart Speaker 7")
                .setCategory("Audio")
                .setWindowStart(Instant.parse("2026-01-01T00:05:00Z"))
                .setWindowEnd(Instant.parse("2026-01-01T00:10:00Z"))
                .setRevision(2)
                .setOrders(3)
                .setUnits(4)
                .setRevenue(new BigDecimal("1234.50"))
                .setAverageOrderValue(new BigDecimal("411.50"))
                .setDistinctUsers(3)
                .setViews(6)
                .setConversion(0.5)
                .build();
        produce("node-window-stats", ConfluentAvro.forSpecificSerialization(WindowStats.class, "node-window-stats-value",
                settings).serialize(stats));

        JsonNode json = consumeOne("node-window-stats").get("value");

        assertThat(json.get("productId").asText()).isEqualTo("p7");
        assertThat(json.get("productName").asText()).isEqualTo("Smart Speaker 7");
        assertThat(json.get("category").asText()).isEqualTo("Audio");
        assertThat(json.get("windowStart").asLong()).isEqualTo(Instant.parse("2026-01-01T00:05:00Z").toEpochMilli());
        assertThat(json.get("windowEnd").asLong()).isEqualTo(Instant.parse("2026-01-01T00:10:00Z").toEpochMilli());
        assertThat(json.get("revision").asInt()).isEqualTo(2);
        assertThat(json.get("orders").asLong()).isEqualTo(3);
        assertThat(json.get("units").asLong()).isEqualTo(4);
        assertThat(decimal(json.get("revenue"))).isEqualTo(new BigDecimal("1234.50"));
        assertThat(decimal(json.get("averageOrderValue"))).isEqualTo(new BigDecimal("411.50"));
        assertThat(json.get("distinctUsers").asLong()).isEqualTo(3);
        assertThat(json.get("views").asLong()).isEqualTo(6);
        assertThat(json.get("conversion").asDouble()).isEqualTo(0.5);
        assertThat(json.size()).isEqualTo(13);
    }

    /** An Avro decimal(18,2) as the Node client gives it: the unscaled two's-complement bytes (base64 in the JSON). */
    private static BigDecimal decimal(JsonNode bytes) {
        return new BigDecimal(new java.math.BigInteger(Base64.getDecoder().decode(bytes.asText())), 2);
    }

    private static Schema orderEventSchemaFromFiles() throws Exception {
        Path avro = Path.of("..", "udf", "src", "main", "avro");
        Schema.Parser parser = new Schema.Parser();
        parser.parse(avro.resolve("LineItem.avsc").toFile());
        return parser.parse(avro.resolve("OrderEvent.avsc").toFile());
    }

    private static ExternalCommand.Result node(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", script,
                "--bootstrap-servers", KAFKA.bootstrapServers(), "--schema-registry-url", registry.url()));
        command.addAll(List.of(args));
        return ExternalCommand.run(CLIENT, Duration.ofMinutes(2), command);
    }

    private static JsonNode consumeOne(String topic) throws Exception {
        ExternalCommand.Result consumed = node("consume.mjs", "--topic", topic, "--count", "1", "--timeout-ms", "60000");
        assertThat(consumed.exitCode()).as(consumed.describe()).isZero();
        String[] lines = consumed.stdout().strip().split("\n");
        assertThat(lines).as(consumed.describe()).hasSize(1);
        return JSON.readTree(lines[0]);
    }

    private static void produce(String topic, byte[] value) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "p7".getBytes(StandardCharsets.UTF_8), value)).get();
        }
    }

    private static ConsumerRecord<byte[], byte[]> readOne(String topic, int partition, long offset) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "node-check-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, partition);
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() == offset) {
                        return record;
                    }
                }
            }
            throw new AssertionError("No record at " + tp + " offset " + offset + " within 30 s");
        }
    }
}
