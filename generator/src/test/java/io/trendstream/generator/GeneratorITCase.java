package io.trendstream.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.trendstream.events.OrderEvent;
import io.trendstream.events.ProductView;
import io.trendstream.registry.SchemaRegistryServer;
import io.trendstream.serialization.ConfluentAvro;
import io.trendstream.serialization.ConfluentAvroDeserializationSchema;
import io.trendstream.serialization.SchemaRegistrySettings;
import io.trendstream.stack.KafkaBrokerExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The generator's command line against a real broker and registry: the records read back (read_committed) and
 * decoded with the job's own Confluent deserializer add up to exactly the manifest.
 */
class GeneratorITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static SchemaRegistryServer registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRegistry() {
        registry = SchemaRegistryServer.builder().port(0).bootstrapServers(KAFKA.bootstrapServers()).build().start();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void theTopicsHoldExactlyWhatTheManifestSays() throws Exception {
        KAFKA.createTopic("it-orders", 3);
        KAFKA.createTopic("it-views", 3);
        KAFKA.createTopic("it-products", 1, Map.of("cleanup.policy", "compact"));
        Path manifestFile = dir.resolve("manifest.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = GeneratorMain.run(new String[] {
                "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--schema-registry-url", registry.url(),
                "--orders-topic", "it-orders", "--views-topic", "it-views",
                "--products-topic", "it-products", "--rename-product", "p3=Renamed 3", "--remove-product", "p5",
                "--rate", "0", "--count", "5000", "--events-per-second-of-event-time", "100",
                "--products", "6", "--users", "50", "--seed", "7", "--window-size", "10s",
                "--late-share", "0.03", "--malformed-share", "0.03", "--duplicate-share", "0.03",
                "--late-warmup-events", "200", "--spike", "p2:1:3", "--commit-every", "700",
                "--manifest", manifestFile.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).as("exit status; stderr: %s", err).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("generator: sent ");
        Manifest manifest = Manifest.read(manifestFile);
        Counts counts = manifest.counts();

        SchemaRegistrySettings settings = SchemaRegistrySettings.builder(registry.url()).build();
        ConfluentAvroDeserializationSchema<OrderEvent> orders = ConfluentAvro.forSpecificDeserialization(OrderEvent.class, settings);
        ConfluentAvroDeserializationSchema<ProductView> views = ConfluentAvro.forSpecificDeserialization(ProductView.class, settings);
        RecordClassifier classifier = new RecordClassifier((topic, value) ->
                topic.equals("it-orders") ? orders.deserialize(value) : views.deserialize(value));
        StreamAnalysis analysis = new StreamAnalysis(classifier, Duration.ofSeconds(10).toMillis());
        Map<String, Long> perTopic = new HashMap<>();
        for (String topic : List.of("it-orders", "it-views")) {
            for (Map.Entry<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> partition : readCommitted(topic).entrySet()) {
                perTopic.merge(topic, (long) partition.getValue().size(), Long::sum);
                for (ConsumerRecord<byte[], byte[]> record : partition.getValue()) {
                    analysis.record(partition.getKey().toString(), topic, record.value());
                }
            }
        }

        assertThat(analysis.records).isEqualTo(counts.eventsSent());
        assertThat(perTopic).containsEntry("it-orders", counts.ordersTopicRecords())
                .containsEntry("it-views", counts.viewsTopicRecords());
        assertThat(manifest.windowsByKey()).isEqualTo(analysis.totals.rows());
        assertThat(counts.validOrders()).isEqualTo(analysis.validOrders);
        assertThat(counts.validViews()).isEqualTo(analysis.validViews);
        assertThat(counts.duplicates()).isEqualTo(analysis.duplicates).isPositive();
        assertThat(counts.late()).isEqualTo(analysis.late()).isPositive();
        assertThat(sorted(manifest.lateEvents())).isEqualTo(sorted(analysis.lateEntries));
        assertThat(counts.malformedByReason()).isEqualTo(analysis.malformedByReason);
        assertThat(counts.malformedByReason()).hasSize(5).allSatisfy((reason, n) -> assertThat(n).as(reason).isPositive());
        assertThat(counts.spikeExtraOrders() + counts.spikeExtraViews()).isPositive();
        // The catalog topic ends as the manifest's catalog: the last record of each product, a tombstone removing it.
        ConfluentAvroDeserializationSchema<io.trendstream.events.Product> products =
                ConfluentAvro.forSpecificDeserialization(io.trendstream.events.Product.class, settings);
        Map<String, String> catalog = new java.util.TreeMap<>();
        List<ConsumerRecord<byte[], byte[]>> catalogRecords = readCommitted("it-products").values().iterator().next();
        assertThat(catalogRecords).as("p0..p5, the rename, the tombstone").hasSize(8);
        for (ConsumerRecord<byte[], byte[]> record : catalogRecords) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                catalog.remove(key);
            } else {
                var product = products.deserialize(record.value());
                catalog.put(key, product.getName() + "|" + product.getCategory() + "|" + product.getListPrice());
            }
        }
        Map<String, String> expectedCatalog = new java.util.TreeMap<>();
        manifest.catalog().forEach((id, p) -> expectedCatalog.put(id, p.name() + "|" + p.category() + "|" + p.listPrice()));
        assertThat(catalog).isEqualTo(expectedCatalog).hasSize(5).containsKey("p3");
        assertThat(manifest.catalog().get("p3").name()).isEqualTo("Renamed 3");
        assertThat(manifest.parameters()).containsEntry("orderSchemaId", registryId("it-orders-value"))
                .containsEntry("viewSchemaId", registryId("it-views-value"));
    }

    @Test
    void anUnreachableBrokerFailsFastNamingWhatToCheck() {
        EventGenerator generator = EventGenerator.builder()
                .bootstrapServers("localhost:1")
                .registry(SchemaRegistrySettings.builder(registry.url()).build())
                .count(10)
                .build();

        assertThatThrownBy(generator::run)
                .isInstanceOf(GeneratorException.class)
                .hasMessageContaining("Kafka at localhost:1 did not answer")
                .hasMessageContaining("check --bootstrap-servers");
    }

    @Test
    void missingTopicsFailNamingThem() {
        EventGenerator generator = EventGenerator.builder()
                .bootstrapServers(KAFKA.bootstrapServers())
                .registry(SchemaRegistrySettings.builder(registry.url()).build())
                .ordersTopic("no-such-orders")
                .count(10)
                .build();

        assertThatThrownBy(generator::run)
                .isInstanceOf(GeneratorException.class)
                .hasMessageContaining("[no-such-orders")
                .hasMessageContaining("do not exist");
    }

    @Test
    void anUnreachableRegistryFailsNamingTheUrl() {
        EventGenerator generator = EventGenerator.builder()
                .bootstrapServers(KAFKA.bootstrapServers())
                .registry(SchemaRegistrySettings.builder("http://localhost:1").connectTimeout(Duration.ofSeconds(2)).build())
                .count(10)
                .build();

        assertThatThrownBy(generator::run)
                .isInstanceOf(GeneratorException.class)
                .hasMessageContaining("--schema-registry-url http://localhost:1")
                .hasMessageContaining("unreachable");
    }

    private static int registryId(String subject) throws Exception {
        return new io.trendstream.serialization.SchemaRegistryClient(SchemaRegistrySettings.builder(registry.url()).build())
                .getLatest(subject).id();
    }

    private static List<LateEventEntry> sorted(List<LateEventEntry> entries) {
        List<LateEventEntry> copy = new ArrayList<>(entries);
        copy.sort(Comparator.comparing(LateEventEntry::eventId).thenComparing(LateEventEntry::productId));
        return copy;
    }

    /** Every committed record of a topic, per partition in offset order. */
    private static Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> readCommitted(String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed end offsets: the last stable offset, past the final commit marker.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> records = new HashMap<>();
            partitions.forEach(p -> records.put(p, new ArrayList<>()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Could not read " + topic + " to its end offsets " + end + " in 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records.get(new TopicPartition(record.topic(), record.partition())).add(record);
                }
            }
            return records;
        }
    }
}
